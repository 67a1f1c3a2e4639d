"""The venue's mutable record of one order; callers only ever see `Order` snapshots."""

from decimal import Decimal

import attrs

from tradekernel.domain.enums import OrderStatus, OrderType, Side, TimeInForce
from tradekernel.domain.orders import Order


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
