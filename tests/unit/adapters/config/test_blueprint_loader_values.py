"""Config hash stability, and properties of the strict converter on numeric params."""

import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from blueprint_texts import EXAMPLE_TEXT, edited, write
from hypothesis import given, settings
from hypothesis import strategies as st

from tradekernel.adapters.config.blueprint_loader import load_blueprint, parse_blueprint
from tradekernel.adapters.config.converter import strict_converter, structure
from tradekernel.domain.errors import ConfigError
from tradekernel.orchestration.kernel.plugin_catalog import builtin_catalog, builtin_specs

CATALOG = builtin_catalog()


def _hash(tmp_path: Path, text: str, name: str) -> str:
    return load_blueprint(write(tmp_path, text, name), CATALOG).config_hash


def test_config_hash_is_sha256_of_the_sorted_json_of_the_parsed_table(tmp_path: Path) -> None:
    import tomllib

    expected = hashlib.sha256(
        json.dumps(tomllib.loads(EXAMPLE_TEXT), sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    assert _hash(tmp_path, EXAMPLE_TEXT, "a.toml") == expected


def test_config_hash_ignores_comments_whitespace_and_key_order(tmp_path: Path) -> None:
    relaid = "# a new leading comment\n\n" + EXAMPLE_TEXT.replace(
        'name = "sma_cross"', 'name   =   "sma_cross"   # same value'
    ).replace("period = 10", "period=10").replace(
        'maker = "0.001"\ntaker = "0.001"', 'taker = "0.001"\n\n\nmaker = "0.001"'
    )
    assert relaid != EXAMPLE_TEXT
    assert _hash(tmp_path, relaid, "b.toml") == _hash(tmp_path, EXAMPLE_TEXT, "a.toml")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("period = 10", "period = 11"),
        ('quantity = "0.01"', 'quantity = "0.010"'),  # same number, different text: a change
        ('taker = "0.001"', 'taker = "0.002"'),
    ],
)
def test_config_hash_changes_with_any_value(tmp_path: Path, old: str, new: str) -> None:
    assert _hash(tmp_path, edited(old, new), "b.toml") != _hash(tmp_path, EXAMPLE_TEXT, "a.toml")


_cash = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e12"), places=2)
_fraction = st.decimals(
    min_value=Decimal("0.000001"), max_value=Decimal(1), places=6, allow_nan=False
)


@settings(max_examples=40, deadline=None)
@given(
    cash=_cash,
    cash_fraction=_fraction,
    symbol_cap=_fraction,
    fast=st.integers(min_value=1, max_value=500),
    slow=st.integers(min_value=1, max_value=5000),
    max_positions=st.integers(min_value=1, max_value=1000),
)
def test_valid_numeric_params_round_trip_exactly(
    cash: Decimal,
    cash_fraction: Decimal,
    symbol_cap: Decimal,
    fast: int,
    slow: int,
    max_positions: int,
) -> None:
    data: dict[str, Any] = {
        "blueprint": {"name": "prop"},
        "universe": {"symbols": ["BTC/USD"]},
        "account": {"quote_asset": "USD", "starting_cash": str(cash)},
        "context": {
            "workers": [
                {"type": "sma", "key": "f", "period": fast},
                {"type": "ema", "key": "s", "period": slow},
            ]
        },
        "signals": {"opportunities": [{"type": "ma_crossover", "fast": "f", "slow": "s"}]},
        "strategy": {"planners": [{"type": "weighted"}]},
        "planners": {"size": [{"type": "fixed_quantity", "quantity": str(cash_fraction)}]},
        "allocation": {
            "type": "budget",
            "cash_fraction": str(cash_fraction),
            "symbol_cap": str(symbol_cap),
            "max_open_positions": max_positions,
        },
    }
    blueprint = parse_blueprint(data, CATALOG, file="prop.toml")
    assert blueprint.account.starting_cash == cash
    assert str(blueprint.account.starting_cash) == str(cash)  # exact text, no float trip
    assert [w.params.period for w in blueprint.workers] == [fast, slow]
    allocation = blueprint.allocator.params
    assert (allocation.cash_fraction, allocation.symbol_cap) == (cash_fraction, symbol_cap)
    assert allocation.max_open_positions == max_positions
    assert blueprint.size[0].params.quantity == cash_fraction


def _decimal_fields() -> list[tuple[str, type[Any], str]]:
    found = []
    for spec in builtin_specs():
        for field in attrs.fields(spec.params):
            if field.type in (Decimal, Decimal | None):
                found.append((f"{spec.kind.value}:{spec.name}", spec.params, field.name))
    return found


DECIMAL_FIELDS = _decimal_fields()


def test_the_builtin_plugins_have_decimal_params_to_check() -> None:
    # Guards the property below against silently checking nothing.
    names = {(plugin, field) for plugin, _, field in DECIMAL_FIELDS}
    assert ("allocator:budget", "cash_fraction") in names
    assert ("size:fixed_quantity", "quantity") in names
    assert len(DECIMAL_FIELDS) > 40


@settings(max_examples=200, deadline=None)
@given(
    target=st.sampled_from(DECIMAL_FIELDS),
    value=st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([0.5, 1.0, 0.0]),
)
def test_the_converter_never_accepts_a_float_for_a_decimal_field(
    target: tuple[str, type[Any], str], value: float
) -> None:
    plugin, params, field = target
    with pytest.raises(ConfigError) as caught:
        structure(strict_converter(), {field: value}, params, path=plugin)
    assert f"expected a decimal string, got float {value!r} @ {plugin}.{field}" in str(caught.value)
