"""`--param PATH=RANGE`: integer, decimal and choice ranges, and what a bad one says."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradekernel.bootstrap.sweeps.space import parse_param
from tradekernel.domain.errors import ConfigError


def test_an_integer_range_with_a_step_has_inclusive_bounds() -> None:
    param = parse_param("context.workers[1].period=20:120:5")
    assert param.kind == "int"
    assert param.path == "context.workers[1].period"
    assert param.grid()[0] == 20 and param.grid()[-1] == 120 and len(param.grid()) == 21


def test_a_decimal_range_writes_decimal_text_on_its_step() -> None:
    param = parse_param("fees.slippage_bps=0.5:2.5:0.25")
    assert param.kind == "decimal"
    assert param.value_of(0.7500000000001) == "0.75"
    assert param.value_of(2.0) == "2"


def test_choices_keep_integers_as_integers() -> None:
    param = parse_param("context.workers[0].type=sma|ema")
    assert param.choices == ("sma", "ema")
    assert parse_param("a.b=1|2").choices == (1, 2)


@pytest.mark.parametrize("spec", ["nopath", "=1:2", "a.b=", "a.b=x:2", "a.b=5:1", "a.b=1:2:0"])
def test_a_malformed_param_is_refused_naming_it(spec: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_param(spec)
    assert spec in str(error.value)


@given(st.integers(-50, 50), st.integers(0, 40), st.integers(1, 7))
def test_an_integer_grid_holds_every_step_within_bounds(low: int, span: int, step: int) -> None:
    grid = parse_param(f"a.b={low}:{low + span}:{step}").grid()
    assert grid == list(range(low, low + span + 1, step))
    assert all(isinstance(value, int) for value in grid)


def test_a_grid_of_a_decimal_range_needs_a_step() -> None:
    with pytest.raises(ConfigError, match="step"):
        parse_param("a.b=0.1:0.5").grid()
    assert parse_param("a.b=0.1:0.3:0.1").grid() == [0.1, 0.2, 0.3]
    assert Decimal(parse_param("a.b=0.1:0.3:0.1").value_of(0.30000000000000004)) == Decimal("0.3")
