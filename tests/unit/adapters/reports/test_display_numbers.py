"""Rounded numbers of the HTML report: prices to the tick or six significant digits."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradekernel.adapters.reports.display_numbers import price_text, quantity_text


@pytest.mark.parametrize(
    ("value", "tick", "shown"),
    [
        ("46645.0910370289", None, "46645.09"),
        ("46645.0910370289", "0.01", "46645.09"),
        ("46645.0910370289", "0.5", "46645.0"),
        ("0.0000123456789", None, "0.0000123457"),
        ("1.23456789", None, "1.23457"),
        ("123456789.987", None, "123456789.99"),
        ("0", None, "0.00"),
    ],
)
def test_a_price_is_shown_to_its_tick_or_six_significant_digits(
    value: str, tick: str | None, shown: str
) -> None:
    assert price_text(Decimal(value), None if tick is None else Decimal(tick)) == shown


def test_a_quantity_shows_eight_decimals_at_most_without_trailing_zeros() -> None:
    assert quantity_text(Decimal("0.0100000000001")) == "0.01"
    assert quantity_text(Decimal("1.234567891")) == "1.23456789"
    assert quantity_text(Decimal("3")) == "3"


@given(st.decimals(min_value=Decimal("0.000001"), max_value=Decimal(10**9), places=12))
def test_a_rounded_price_stays_within_half_a_unit_of_its_last_digit(value: Decimal) -> None:
    shown = Decimal(price_text(value))
    last_digit = Decimal(1).scaleb(shown.as_tuple().exponent)  # type: ignore[arg-type]
    assert abs(shown - value) <= last_digit / 2
