"""The venue's mutable record of one order; callers only ever see `Order` snapshots."""

from decimal import Decimal

import attrs

from tradekernel.domain.enums import ExitReason, OrderStatus, OrderType, Side, TimeInForce
from tradekernel.domain.orders import Order
from tradekernel.shared.ids import protected_entry_id


@attrs.define(kw_only=True, slots=True)
class WorkingOrder:
    client_order_id: str
    symbol: str
    side: Side
    order_type: OrderType
    quantity: Decimal
    price: Decimal | None
    stop_price: Decimal | None
    time_in_force: TimeInForce
    reduce_only: bool
    created_ms: int
    status: OrderStatus = OrderStatus.ACCEPTED
    filled: Decimal = Decimal(0)
    filled_notional: Decimal = Decimal(0)
    fill_count: int = 0
    updated_ms: int = 0
    # A stop (or stop-limit) whose trigger has fired; it then acts as market (or limit).
    triggered: bool = False
    # Bars this order has been matched against: IOC/FOK live for one bar only.
    bars_seen: int = 0

    @property
    def exit_reason(self) -> ExitReason:
        """Return why a fill of this order ends a round trip it closes (`ExitReason`).

        A protective order (its id derived from its entry's) exits by stop when its stop
        leg traded, else by target; a reduce-only stop the plan placed itself (break-even,
        trailing) by trailing; anything else by the plan's signal.
        """
        kind = self.order_type
        if protected_entry_id(self.client_order_id) is not None:
            if kind is OrderType.LIMIT or (kind is OrderType.OCO and not self.triggered):
                return ExitReason.TARGET
            return ExitReason.STOP
        if self.reduce_only and kind in (OrderType.STOP, OrderType.STOP_LIMIT):
            return ExitReason.TRAILING
        return ExitReason.SIGNAL

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.filled

    def snapshot(self) -> Order:
        return Order(
            client_order_id=self.client_order_id,
            symbol=self.symbol,
            side=self.side,
            order_type=self.order_type,
            quantity=self.quantity,
            price=self.price,
            stop_price=self.stop_price,
            status=self.status,
            filled_quantity=self.filled,
            average_fill_price=self.filled_notional / self.filled if self.filled else None,
            venue_order_id=self.client_order_id,
            created_ms=self.created_ms,
            updated_ms=self.updated_ms,
            reduce_only=self.reduce_only,
        )
