"""Execution intents: quantised, venue-ready orders (or skipped ones, with the reason)."""

from collections.abc import Callable
from decimal import Decimal

import attrs

from tradekernel.domain.enums import (
    CloseSemantics,
    OrderType,
    Side,
    SizingPolicy,
    SkipReason,
    TimeInForce,
)
from tradekernel.domain.slot_init import positional_new, slot_init


@slot_init
@attrs.frozen(kw_only=True)
class ExecutionIntent:
    """One order the plan wants sent, or keeps skipped with a reason code.

    `client_order_id` is derived from content, so the same plan always names its orders the
    same way (idempotent submission after a crash).
    """

    client_order_id: str
    directive_id: str
    symbol: str
    side: Side
    order_type: OrderType
    quantity: Decimal
    price: Decimal | None = None
    stop_price: Decimal | None = None
    time_in_force: TimeInForce = TimeInForce.GTC
    close_semantics: CloseSemantics = CloseSemantics.OPEN
    sizing_policy: SizingPolicy = SizingPolicy.DELEGATED
    allow_market_fallback: bool = False
    reference_price: Decimal | None = None
    stop_loss_price: Decimal | None = None
    take_profit_price: Decimal | None = None
    slice_index: int = 0
    delay_ms: int = 0
    skipped: bool = False
    skip_reason: SkipReason | None = None
    skip_detail: str = ""
    causes: tuple[str, ...] = ()

    @property
    def reduce_only(self) -> bool:
        return self.close_semantics is not CloseSemantics.OPEN

    def skip(self, reason: SkipReason, detail: str) -> "ExecutionIntent":
        """Return this intent marked skipped; the first reason recorded wins."""
        if self.skipped:
            return self
        return _copy(self, self.quantity, self.price, self.stop_price, True, reason, detail)

    def requantised(
        self, quantity: Decimal, price: Decimal | None, stop_price: Decimal | None
    ) -> "ExecutionIntent":
        """Return this intent with a new quantity, price and stop price (the gates' grid)."""
        return _copy(
            self, quantity, price, stop_price, self.skipped, self.skip_reason, self.skip_detail
        )


_CHANGED = ("quantity", "price", "stop_price", "skipped", "skip_reason", "skip_detail")
_Copy = Callable[
    [
        ExecutionIntent,
        Decimal,
        Decimal | None,
        Decimal | None,
        bool,
        SkipReason | None,
        str,
    ],
    ExecutionIntent,
]


def _compile_copy() -> _Copy:
    # attrs.evolve introspects the class on every call, twice the cost of the constructor;
    # the gates copy most intents of a cycle. The copy is generated from the class's fields,
    # so a field added later is copied too.
    fields = [field.name for field in attrs.fields(ExecutionIntent)]
    values = ", ".join(name if name in _CHANGED else f"intent.{name}" for name in fields)
    source = f"def copy(intent, {', '.join(_CHANGED)}):\n    return new({values})"
    namespace: dict[str, object] = {"new": positional_new(ExecutionIntent, fields)}
    exec(compile(source, "<ExecutionIntent copy>", "exec"), namespace)
    copy: _Copy = namespace["copy"]  # type: ignore[assignment]
    return copy


_copy = _compile_copy()
