"""Orders as the planner sees them (OpenOrderView) and as the venue keeps them (Order, Fill)."""

from decimal import Decimal

import attrs

from tradekernel.domain.enums import Liquidity, OrderStatus, OrderType, Side


@attrs.frozen(kw_only=True)
class OpenOrderView:
    """A working order, as input to planning (so the planner never duplicates it)."""

    symbol: str
    side: Side
    order_type: OrderType
    price: Decimal | None
    quantity: Decimal
    client_order_id: str
    status: OrderStatus | None = None
    filled_quantity: Decimal = Decimal(0)
    reduce_only: bool = False


@attrs.frozen(kw_only=True)
class Order:
    """An order as a venue reports it."""

    client_order_id: str
    symbol: str
    side: Side
    order_type: OrderType
    quantity: Decimal
    price: Decimal | None = None
    stop_price: Decimal | None = None
    status: OrderStatus = OrderStatus.SUBMITTED
    filled_quantity: Decimal = Decimal(0)
    average_fill_price: Decimal | None = None
    venue_order_id: str | None = None
    created_ms: int = 0
    updated_ms: int = 0
    reduce_only: bool = False

    @property
    def remaining_quantity(self) -> Decimal:
        return self.quantity - self.filled_quantity

    def as_open_order_view(self) -> OpenOrderView:
        return OpenOrderView(
            symbol=self.symbol,
            side=self.side,
            order_type=self.order_type,
            price=self.price if self.price is not None else self.stop_price,
            quantity=self.quantity,
            client_order_id=self.client_order_id,
            status=self.status,
            filled_quantity=self.filled_quantity,
            reduce_only=self.reduce_only,
        )


@attrs.frozen(kw_only=True)
class Fill:
    """One execution; `trade_id` is the venue's id and the deduplication key."""

    trade_id: str
    client_order_id: str
    symbol: str
    side: Side
    quantity: Decimal
    price: Decimal
    fee: Decimal
    fee_asset: str
    ts_ms: int
    liquidity: Liquidity = Liquidity.TAKER

    @property
    def notional(self) -> Decimal:
        return self.quantity * self.price
