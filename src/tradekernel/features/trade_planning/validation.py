"""Validators for planner params: each raises ValueError naming the class and the field.

attrs calls a validator as `validator(instance, attribute, value)`; the messages read
`PatientLimitEntryParams.offset_bps must be ..., got ...` so a config error points at the key.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from tradekernel.features.trade_planning.reference import BPS_PER_UNIT
from tradekernel.shared.param_checks import field_path

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def _finite_decimal(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> Decimal:
    # bool and float are refused on purpose: a float would carry binary rounding into money.
    if not isinstance(value, Decimal) or not value.is_finite():
        where = field_path(instance, attribute)
        raise ValueError(f"{where} must be a finite Decimal, got {value!r}")
    return value


def decimal_range(
    *,
    low: Decimal | None = None,
    high: Decimal | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> Validator:
    """Return a validator accepting finite Decimals within the given bounds.

    Args:
        low: The lower bound, or None for no lower bound.
        high: The upper bound, or None for no upper bound.
        low_inclusive: Whether `low` itself is accepted.
        high_inclusive: Whether `high` itself is accepted.
    """
    left = "" if low is None else f"{'>=' if low_inclusive else '>'} {low}"
    right = "" if high is None else f"{'<=' if high_inclusive else '<'} {high}"
    wanted = " and ".join(part for part in (left, right) if part) or "finite"

    def check(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
        number = _finite_decimal(instance, attribute, value)
        too_low = low is not None and (number < low if low_inclusive else number <= low)
        too_high = high is not None and (number > high if high_inclusive else number >= high)
        if too_low or too_high:
            raise ValueError(f"{field_path(instance, attribute)} must be {wanted}, got {value!r}")

    return check


def int_range(*, low: int, high: int | None = None) -> Validator:
    """Return a validator accepting ints in `low..high` (both inclusive; bools refused)."""
    wanted = f">= {low}" if high is None else f"between {low} and {high}"

    def check(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{field_path(instance, attribute)} must be an int, got {value!r}")
        if value < low or (high is not None and value > high):
            raise ValueError(f"{field_path(instance, attribute)} must be {wanted}, got {value!r}")

    return check


def column_name(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    """Accept a non-blank feature column name."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(
            f"{field_path(instance, attribute)} must be a non-empty column name, got {value!r}"
        )


POSITIVE = decimal_range(low=Decimal(0), low_inclusive=False)
NON_NEGATIVE = decimal_range(low=Decimal(0))
UNIT_FRACTION = decimal_range(low=Decimal(0), high=Decimal(1), low_inclusive=False)
OFFSET_BPS = decimal_range(low=Decimal(0), high=BPS_PER_UNIT, high_inclusive=False)
