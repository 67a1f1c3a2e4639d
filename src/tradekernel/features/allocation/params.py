"""Params of the budget allocator; each validator names the field it rejects."""

from decimal import Decimal
from typing import Any

import attrs

_ZERO = Decimal(0)
_ONE = Decimal(1)


def _fraction(*, optional: bool) -> Any:
    def check(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
        if value is None and optional:
            return
        if not isinstance(value, Decimal) or not value.is_finite() or not _ZERO < value <= _ONE:
            raise ValueError(
                f"AllocationParams.{attribute.name}: expected a decimal string in (0, 1], "
                f"got {value!r}"
            )

    return check


def _amount(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise ValueError(
            f"AllocationParams.{attribute.name}: expected a decimal string >= 0, got {value!r}"
        )


def _count(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(
            f"AllocationParams.{attribute.name}: expected an integer >= 0, got {value!r}"
        )


def _flag(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, bool):
        raise ValueError(
            f"AllocationParams.{attribute.name}: expected true or false, got {value!r}"
        )


@attrs.frozen(kw_only=True)
class AllocationParams:
    """Budget and limits of one cycle.

    The cash budget is `min(cash * cash_fraction, cash - cash_reserve)`, never below 0.
    `symbol_cap` and `total_cap` are fractions of equity bounding exposure after the plan;
    None disables a limit. `allow_partial` shrinks a directive to fit instead of refusing it.
    """

    cash_fraction: Decimal = attrs.field(default=_ONE, validator=_fraction(optional=False))
    cash_reserve: Decimal = attrs.field(default=_ZERO, validator=_amount)
    symbol_cap: Decimal | None = attrs.field(default=None, validator=_fraction(optional=True))
    total_cap: Decimal | None = attrs.field(default=None, validator=_fraction(optional=True))
    max_open_positions: int | None = attrs.field(default=None, validator=_count)
    max_open_orders: int | None = attrs.field(default=None, validator=_count)
    allow_partial: bool = attrs.field(default=False, validator=_flag)
