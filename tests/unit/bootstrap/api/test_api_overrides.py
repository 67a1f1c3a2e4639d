"""Dotted key-path overrides of a parsed table, and the TOML text an overridden run records."""

import tomllib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradekernel.bootstrap.api.overrides import apply_overrides
from tradekernel.bootstrap.api.toml_text import toml_text
from tradekernel.domain.errors import ConfigError

TABLE: dict[str, Any] = {
    "plugins": ["a.py"],
    "blueprint": {"name": "x"},
    "context": {"workers": [{"type": "sma", "period": 10}, {"type": "ema", "period": 5}]},
}


def test_an_override_sets_one_value_and_leaves_the_original_alone() -> None:
    changed = apply_overrides(TABLE, {"context.workers[1].period": 7}, file="f.toml")
    assert changed["context"]["workers"][1]["period"] == 7
    assert TABLE["context"]["workers"][1]["period"] == 5
    assert changed["context"]["workers"][0] == TABLE["context"]["workers"][0]


def test_an_override_creates_a_table_the_file_does_not_have() -> None:
    changed = apply_overrides(TABLE, {"fees.taker": "0.002"}, file="f.toml")
    assert changed["fees"] == {"taker": "0.002"}


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("context.workers[2].period", r"no element \[2\] \(the list has 2\)"),
        ("blueprint.name.first", "'first' is not inside a table"),
        ("context.workers[0][1]", r"no element \[1\] \(the list has 0\)"),
        ("context workers", "not a key path"),
        ("", "not a key path"),
    ],
)
def test_a_key_path_that_cannot_be_set_is_refused_naming_it(key: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        apply_overrides(TABLE, {key: 1}, file="f.toml")
    assert raised.value.path == key


_KEYS = st.text(alphabet="abc_- .é", min_size=1, max_size=6)
_SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.text(max_size=8),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(_KEYS, inner, max_size=3),
    ),
    max_leaves=10,
)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(_KEYS, _VALUES, max_size=5))
def test_the_recorded_text_parses_back_to_the_table(table: dict[str, Any]) -> None:
    assert tomllib.loads(toml_text(table)) == table
