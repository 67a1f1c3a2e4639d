"""The in-memory index of order states, kept equal to the fold of the stored events."""

from tradekernel.domain.ports.order_store import OrderEvent
from tradekernel.orchestration.oms import order_state
from tradekernel.orchestration.oms.order_state import Anomaly, OrderState


class OrderBook:
    """Every order's state by client order id, in order of creation, plus orphan events."""

    def __init__(self) -> None:
        self._orders: dict[str, OrderState] = {}
        self._orphans: list[Anomaly] = []

    def get(self, client_order_id: str) -> OrderState | None:
        return self._orders.get(client_order_id)

    def states(self) -> tuple[OrderState, ...]:
        return tuple(self._orders.values())

    @property
    def anomalies(self) -> tuple[Anomaly, ...]:
        """Return every refused event: orphans, then each order's, in order of arrival."""
        per_order = (anomaly for state in self._orders.values() for anomaly in state.anomalies)
        return (*self._orphans, *per_order)

    def fold_in(self, event: OrderEvent) -> OrderState | None:
        """Apply one stored event; an event of an order without CREATED is an orphan.

        A store that returns an event it already held (a repeated trade id) must not make
        it count twice, so an event not newer than the order's last one is skipped.
        """
        state = self._orders.get(event.client_order_id)
        if state is not None:
            if event.sequence <= state.last_sequence:
                return state
            state = order_state.apply(state, event)
            self._orders[event.client_order_id] = state
            return state
        try:
            state = order_state.start(event)
        except ValueError as error:
            self._orphans.append(
                Anomaly(
                    client_order_id=event.client_order_id,
                    sequence=event.sequence,
                    kind=event.kind,
                    status=None,
                    code="orphan_event",
                    detail=str(error),
                )
            )
            return None
        self._orders[event.client_order_id] = state
        return state
