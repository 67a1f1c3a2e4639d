"""Attrs validators for planner params: each error names the params class and the field."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from tradekernel.shared.param_checks import field_path

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def decimal_in(
    low: Decimal | None,
    high: Decimal | None,
    *,
    low_open: bool = False,
    optional: bool = False,
) -> Validator:
    """Return a validator accepting a finite Decimal in the range (`None` bounds are open).

    Args:
        low: The lower bound, inclusive unless `low_open`.
        high: The upper bound, inclusive.
        low_open: Exclude `low` itself.
        optional: Accept None.
    """
    lower = "(" if low_open else "["
    text = f"{lower}{low if low is not None else '-inf'}, {high if high is not None else 'inf'}]"

    def check(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
        if value is None and optional:
            return
        if not isinstance(value, Decimal) or not value.is_finite():
            raise ValueError(
                f"{field_path(instance, attribute)}: expected a decimal string in {text}, "
                f"got {type(value).__name__} {value!r}"
            )
        below = low is not None and (value <= low if low_open else value < low)
        if below or (high is not None and value > high):
            raise ValueError(
                f"{field_path(instance, attribute)}: expected a value in {text}, got {value}"
            )

    return check


def int_at_least(low: int, *, optional: bool = False) -> Validator:
    """Return a validator accepting an int (not a bool) not below `low`."""

    def check(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
        if value is None and optional:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(
                f"{field_path(instance, attribute)}: expected an integer, "
                f"got {type(value).__name__}"
            )
        if value < low:
            raise ValueError(f"{field_path(instance, attribute)}: expected >= {low}, got {value}")

    return check


def is_bool(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    """Accept only a real bool (not 0/1 or a string)."""
    if not isinstance(value, bool):
        raise ValueError(
            f"{field_path(instance, attribute)}: expected true or false, got {type(value).__name__}"
        )


def member_of(enum_type: type[Any], *, optional: bool = False) -> Validator:
    """Return a validator accepting a member of `enum_type`."""

    def check(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
        if value is None and optional:
            return
        if not isinstance(value, enum_type):
            allowed = ", ".join(repr(member.value) for member in enum_type)
            raise ValueError(
                f"{field_path(instance, attribute)}: expected one of {allowed}, got {value!r}"
            )

    return check
