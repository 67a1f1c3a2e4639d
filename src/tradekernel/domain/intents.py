"""Execution intents: quantised, venue-ready orders (or skipped ones, with the reason)."""

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
        return attrs.evolve(self, skipped=True, skip_reason=reason, skip_detail=detail)

    def requantised(
        self, quantity: Decimal, price: Decimal | None, stop_price: Decimal | None
    ) -> "ExecutionIntent":
        """Return this intent with a new quantity, price and stop price (the gates' grid)."""
        return attrs.evolve(self, quantity=quantity, price=price, stop_price=stop_price)
