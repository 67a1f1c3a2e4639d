"""Execution intents: quantised, venue-ready orders (or skipped ones, with the reason)."""

from decimal import Decimal

import msgspec
from msgspec import UNSET, UnsetType

from tradekernel.domain.enums import (
    CloseSemantics,
    OrderType,
    Side,
    SizingPolicy,
    SkipReason,
    TimeInForce,
)
from tradekernel.domain.perpetuals import PositionSide


class ExecutionIntent(msgspec.Struct, frozen=True, kw_only=True):
    """One order the plan wants sent, or keeps skipped with a reason code.

    `client_order_id` is derived from content, so the same plan always names its orders the
    same way (idempotent submission after a crash).

    `replaces` names the working order this one takes the place of (a stop moved, a limit
    repriced): the desk cancels that order and sends this one only once the cancel is
    confirmed, or asks the venue for both at once (cancel-replace). It is UNSET, never
    None, when the intent replaces nothing: canonical JSON omits an UNSET field, so plans
    without modifications keep the bytes and hashes they had before the field existed.

    `max_slippage_bps` (UNSET when the directive set no bound, for the same reason) is the
    directive's slippage bound: a market order was already turned into an IOC limit at
    the bound, and the live runner's market fallback of a limit entry is sent as an IOC
    limit that far beyond the entry's limit price instead of a market order.
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
    replaces: str | UnsetType = UNSET
    max_slippage_bps: Decimal | UnsetType = UNSET
    position_side: PositionSide | UnsetType = UNSET

    def __post_init__(self) -> None:
        # A Struct has no converters: None in these three fields would encode as null and
        # change the plan's bytes, where UNSET leaves the key out. Refuse it loudly.
        if self.replaces is None or self.max_slippage_bps is None or self.position_side is None:
            raise TypeError(
                "replaces, max_slippage_bps and position_side take UNSET, not None, when unset"
            )

    @property
    def reduce_only(self) -> bool:
        return self.close_semantics is not CloseSemantics.OPEN

    @property
    def slippage_bound_bps(self) -> Decimal | None:
        """Return the slippage bound in basis points, or None when there is none."""
        bound = self.max_slippage_bps
        return bound if isinstance(bound, Decimal) else None

    @property
    def replaced_order_id(self) -> str | None:
        """Return the client order id of the order this intent replaces, or None."""
        return self.replaces if isinstance(self.replaces, str) else None

    def replacing(self, client_order_id: str) -> "ExecutionIntent":
        """Return this intent naming `client_order_id` as the working order it replaces."""
        return msgspec.structs.replace(self, replaces=client_order_id)

    def skip(self, reason: SkipReason, detail: str) -> "ExecutionIntent":
        """Return this intent marked skipped; the first reason recorded wins."""
        if self.skipped:
            return self
        return self._copy(self.quantity, self.price, self.stop_price, True, reason, detail)

    def requantised(
        self, quantity: Decimal, price: Decimal | None, stop_price: Decimal | None
    ) -> "ExecutionIntent":
        """Return this intent with a new quantity, price and stop price (the gates' grid)."""
        return self._copy(
            quantity, price, stop_price, self.skipped, self.skip_reason, self.skip_detail
        )

    def _copy(
        self,
        quantity: Decimal,
        price: Decimal | None,
        stop_price: Decimal | None,
        skipped: bool,
        skip_reason: SkipReason | None,
        skip_detail: str,
    ) -> "ExecutionIntent":
        return msgspec.structs.replace(
            self,
            quantity=quantity,
            price=price,
            stop_price=stop_price,
            skipped=skipped,
            skip_reason=skip_reason,
            skip_detail=skip_detail,
        )
