"""An order's state as the fold of its events, with anomalies recorded instead of applied."""

from collections.abc import Iterable
from decimal import Decimal

import attrs

from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.orders import OpenOrderView
from tradekernel.domain.ports.order_store import OrderEvent
from tradekernel.orchestration.oms.order_payload import OrderSpec, read_detail
from tradekernel.orchestration.oms.transitions import (
    FILL_KINDS,
    STICKY_ON_PARTIAL_FILL,
    is_allowed,
)


@attrs.frozen(kw_only=True)
class Anomaly:
    """An event the fold refused (or applied against expectation: `fill_after_lost`), and
    why. `code` is a stable reason code."""

    client_order_id: str
    sequence: int
    kind: OrderStatus
    status: OrderStatus | None
    code: str
    detail: str


@attrs.frozen(kw_only=True)
class FillRecord:
    trade_id: str
    quantity: Decimal
    price: Decimal
    ts_ms: int
    sequence: int


@attrs.frozen(kw_only=True)
class OrderState:
    """Everything known about one order, rebuilt from its events alone."""

    spec: OrderSpec
    status: OrderStatus
    created_ms: int
    updated_ms: int
    last_sequence: int
    fills: tuple[FillRecord, ...] = ()
    venue_order_id: str | None = None
    detail: str = ""
    anomalies: tuple[Anomaly, ...] = ()
    # Consecutive VENUE_CHECK events that found the order neither open nor fetchable, and
    # the time of the first of them (None while the streak is empty).
    unseen_passes: int = 0
    unseen_since_ms: int | None = None

    @property
    def client_order_id(self) -> str:
        return self.spec.client_order_id

    @property
    def filled_quantity(self) -> Decimal:
        return sum((fill.quantity for fill in self.fills), Decimal(0))

    @property
    def remaining_quantity(self) -> Decimal:
        return self.spec.quantity - self.filled_quantity

    @property
    def average_price(self) -> Decimal | None:
        """Return the quantity-weighted fill price, or None before the first fill."""
        filled = self.filled_quantity
        if filled == 0:
            return None
        return sum((fill.quantity * fill.price for fill in self.fills), Decimal(0)) / filled

    @property
    def trade_ids(self) -> frozenset[str]:
        return frozenset(fill.trade_id for fill in self.fills)

    @property
    def is_terminal(self) -> bool:
        return self.status.is_terminal

    def fill_for(self, trade_id: str) -> FillRecord | None:
        for fill in self.fills:
            if fill.trade_id == trade_id:
                return fill
        return None

    def as_open_order_view(self) -> OpenOrderView:
        spec = self.spec
        return OpenOrderView(
            symbol=spec.symbol,
            side=spec.side,
            order_type=spec.order_type,
            price=spec.price if spec.price is not None else spec.stop_price,
            quantity=spec.quantity,
            client_order_id=spec.client_order_id,
            status=self.status,
            filled_quantity=self.filled_quantity,
            reduce_only=spec.reduce_only,
        )


def start(event: OrderEvent) -> OrderState:
    """Open an order's state from its CREATED event.

    Raises:
        ValueError: the event is not CREATED or its payload does not describe an order.
    """
    if event.kind is not OrderStatus.CREATED:
        raise ValueError(
            f"order {event.client_order_id}: first event #{event.sequence} is "
            f"{event.kind.value}, expected created"
        )
    return OrderState(
        spec=OrderSpec.from_json(event.client_order_id, event.payload),
        status=OrderStatus.CREATED,
        created_ms=event.ts_ms,
        updated_ms=event.ts_ms,
        last_sequence=event.sequence,
    )


def apply(state: OrderState, event: OrderEvent) -> OrderState:
    """Return the state after one more event; a refused event only adds an anomaly."""
    if event.client_order_id != state.client_order_id:
        return _refuse(state, event, "foreign_event", f"event of {event.client_order_id}")
    if not is_allowed(state.status, event.kind):
        return _refuse(
            state,
            event,
            "illegal_transition",
            f"{event.kind.value} is not allowed after {state.status.value}",
        )
    if event.kind in FILL_KINDS:
        return _apply_fill(state, event)
    if event.kind is OrderStatus.VENUE_CHECK:
        return _apply_check(state, event)
    venue_order_id = read_detail(event.payload, "venue_order_id") or state.venue_order_id
    return attrs.evolve(
        state,
        status=event.kind,
        updated_ms=max(state.updated_ms, event.ts_ms),
        last_sequence=event.sequence,
        venue_order_id=venue_order_id,
        detail=read_detail(event.payload, "reason") or state.detail,
    )


def _apply_check(state: OrderState, event: OrderEvent) -> OrderState:
    # Only an explicit sighting ends a streak: a fill proves the order traded, not that it
    # is still working on the venue.
    if read_detail(event.payload, "seen") == "true":
        passes, since = 0, None
    else:
        passes = state.unseen_passes + 1
        since = event.ts_ms if state.unseen_since_ms is None else state.unseen_since_ms
    return attrs.evolve(
        state,
        last_sequence=event.sequence,
        unseen_passes=passes,
        unseen_since_ms=since,
    )


def _apply_fill(state: OrderState, event: OrderEvent) -> OrderState:
    trade_id, quantity, price = event.trade_id, event.quantity, event.price
    if trade_id is None or quantity is None or price is None or quantity <= 0 or price <= 0:
        return _refuse(
            state, event, "invalid_fill", "a fill needs a trade id, quantity > 0, price > 0"
        )
    known = state.fill_for(trade_id)
    if known is not None:
        if known.quantity == quantity and known.price == price:
            # The same trade reported again: idempotent, not an anomaly.
            return attrs.evolve(state, last_sequence=max(state.last_sequence, event.sequence))
        return _refuse(
            state,
            event,
            "conflicting_fill",
            f"trade {trade_id} was {known.quantity}@{known.price}, now {quantity}@{price}",
        )
    filled = state.filled_quantity + quantity
    if filled > state.spec.quantity:
        return _refuse(
            state,
            event,
            "overfill",
            f"trade {trade_id} would fill {filled} of {state.spec.quantity}",
        )
    if state.status.is_terminal:
        status = state.status
    elif filled == state.spec.quantity:
        status = OrderStatus.FILLED
    elif state.status in STICKY_ON_PARTIAL_FILL:
        status = state.status
    else:
        status = OrderStatus.PARTIALLY_FILLED
    record = FillRecord(
        trade_id=trade_id,
        quantity=quantity,
        price=price,
        ts_ms=event.ts_ms,
        sequence=event.sequence,
    )
    applied = attrs.evolve(
        state,
        status=status,
        fills=(*state.fills, record),
        updated_ms=max(state.updated_ms, event.ts_ms),
        last_sequence=event.sequence,
    )
    if state.status is OrderStatus.LOST:
        # The fill is money that moved: keep it, and flag that the order was not lost.
        late = Anomaly(
            client_order_id=event.client_order_id,
            sequence=event.sequence,
            kind=event.kind,
            status=state.status,
            code="fill_after_lost",
            detail=f"trade {trade_id} ({quantity}@{price}) of an order settled as lost",
        )
        return attrs.evolve(applied, anomalies=(*applied.anomalies, late))
    return applied


def _refuse(state: OrderState, event: OrderEvent, code: str, detail: str) -> OrderState:
    anomaly = Anomaly(
        client_order_id=event.client_order_id,
        sequence=event.sequence,
        kind=event.kind,
        status=state.status,
        code=code,
        detail=detail,
    )
    return attrs.evolve(
        state,
        anomalies=(*state.anomalies, anomaly),
        last_sequence=max(state.last_sequence, event.sequence),
    )


def fold(events: Iterable[OrderEvent]) -> OrderState:
    """Fold one order's events (in sequence order) into its state.

    Raises:
        ValueError: there are no events, or the first is not a valid CREATED event.
    """
    iterator = iter(events)
    first = next(iterator, None)
    if first is None:
        raise ValueError("cannot fold an order without events")
    state = start(first)
    for event in iterator:
        state = apply(state, event)
    return state
