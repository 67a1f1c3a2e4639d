"""A perpetual blueprint: shorts allowed, its terms checked by key, runs refused for now."""

from decimal import Decimal
from pathlib import Path

import pytest

from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.bootstrap.blueprints import bundled_blueprint, load
from tradekernel.bootstrap.perpetual_account import perpetual_terms, refuse_perpetual_run
from tradekernel.bootstrap.run_checks import check_tradable
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.perpetuals import MarginMode

PERPETUAL = """[account]
market_type = "linear_perpetual"
leverage = "5"
margin_mode = "cross"
maintenance_margin_rate = "0.01"
"""


def _loaded(tmp_path: Path, account: str, *, short: bool = True) -> LoadedBlueprint:
    text = bundled_blueprint().read_text(encoding="utf-8")
    text = text.replace("[account]\n", account, 1)
    if short:
        text = text.replace('w_weak = "0"\n', 'w_weak = "0"\nallow_short = true\n')
    path = tmp_path / "perp.toml"
    path.write_text(text, encoding="utf-8")
    return load(path)[0]


def test_a_perpetual_account_may_short_and_carries_its_terms(tmp_path: Path) -> None:
    blueprint = _loaded(tmp_path, PERPETUAL)
    check_tradable(blueprint)
    terms = perpetual_terms(blueprint.settings.account)
    assert terms.margin_mode is MarginMode.CROSS
    assert terms.initial_margin_rate == Decimal("0.2")
    assert terms.funding_interval_ms == 8 * 3_600_000


@pytest.mark.parametrize(
    ("line", "path"),
    [
        ('leverage = "200"\n', "account.leverage"),
        ('maintenance_margin_rate = "0.5"\n', "account.maintenance_margin_rate"),
        ("funding_interval_hours = 0\n", "account.funding_interval_hours"),
        ('position_mode = "hedge"\n', "account.position_mode"),
    ],
)
def test_bad_perpetual_terms_name_their_key(tmp_path: Path, line: str, path: str) -> None:
    key = line.partition(" ")[0]
    kept = [row for row in PERPETUAL.splitlines(keepends=True) if not row.startswith(key)]
    account = "".join(kept) + line
    # Loading builds the kernel, which reads the terms: the error names the key there.
    with pytest.raises(ConfigError) as caught:
        check_tradable(_loaded(tmp_path, account))
    assert caught.value.path == path


def test_an_unknown_market_type_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _loaded(tmp_path, '[account]\nmarket_type = "inverse_perpetual"\n', short=False)
    assert "account.market_type" in str(caught.value)


def test_a_perpetual_run_is_refused_with_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        refuse_perpetual_run(_loaded(tmp_path, PERPETUAL))
    assert caught.value.path == "account.market_type"
    refuse_perpetual_run(load(bundled_blueprint())[0])
