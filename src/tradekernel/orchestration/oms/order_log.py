"""The order log: every order change is appended to the event store, then folded."""

from collections.abc import Callable
from decimal import Decimal

from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.ports.clock import Clock
from tradekernel.domain.ports.order_store import OrderEvent, OrderEventStore
from tradekernel.orchestration.oms.order_book import OrderBook
from tradekernel.orchestration.oms.order_payload import detail_payload
from tradekernel.orchestration.oms.order_state import Anomaly, OrderState

# Told of every stored event: the order before it (None for CREATED), the event, after it.
EventListener = Callable[[OrderState | None, OrderEvent, OrderState], None]


class OrderLog:
    """The event store and the in-memory fold of it, kept equal: a change is stored
    (durably) before the in-memory state shows it."""

    def __init__(self, *, store: OrderEventStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._book = OrderBook()
        self._listener: EventListener | None = None

    def watch(self, listener: EventListener | None) -> None:
        """Tell `listener` of every event appended from now on (None: stop telling)."""
        self._listener = listener

    def now_ms(self) -> int:
        return self._clock.now_ms()

    def rebuild(self) -> None:
        """Replace the in-memory orders by the fold of every stored event."""
        self._book = OrderBook()
        for event in self._store.all_events():
            self._book.fold_in(event)

    def get(self, client_order_id: str) -> OrderState | None:
        return self._book.get(client_order_id)

    def require(self, client_order_id: str) -> OrderState:
        """Return a known order's state.

        Raises:
            KeyError: the order is unknown.
        """
        state = self._book.get(client_order_id)
        if state is None:
            raise KeyError(f"unknown order {client_order_id}")
        return state

    def states(self) -> tuple[OrderState, ...]:
        return self._book.states()

    @property
    def anomalies(self) -> tuple[Anomaly, ...]:
        return self._book.anomalies

    def record(
        self,
        coid: str,
        kind: OrderStatus,
        *,
        ts_ms: int | None = None,
        payload: str | None = None,
        trade_id: str | None = None,
        quantity: Decimal | None = None,
        price: Decimal | None = None,
        reason: str | None = None,
        venue_order_id: str | None = None,
    ) -> OrderState:
        """Append one event (stamped now unless `ts_ms` is given) and return the new state.

        Raises:
            AssertionError: the order has no CREATED event (a programming error).
        """
        event = OrderEvent(
            client_order_id=coid,
            kind=kind,
            ts_ms=self._clock.now_ms() if ts_ms is None else ts_ms,
            payload=payload
            if payload is not None
            else detail_payload(reason=reason, venue_order_id=venue_order_id),
            trade_id=trade_id,
            quantity=quantity,
            price=price,
        )
        before = self._book.get(coid)
        stored = self._store.append(event)
        state = self._book.fold_in(stored)
        if state is None:
            raise AssertionError(f"order {coid} has no CREATED event")
        if self._listener is not None:
            self._listener(before, stored, state)
        return state
