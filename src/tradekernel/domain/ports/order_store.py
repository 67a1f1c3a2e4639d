"""The order event store: an order's state is the fold of its events."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

import attrs

from tradekernel.domain.enums import OrderStatus


@attrs.frozen(kw_only=True)
class OrderEvent:
    """One state change of one order. `sequence` is assigned by the store, increasing."""

    client_order_id: str
    kind: OrderStatus
    ts_ms: int
    payload: str = "{}"
    trade_id: str | None = None
    quantity: Decimal | None = None
    price: Decimal | None = None
    sequence: int = 0


class OrderEventStore(Protocol):
    def append(self, event: OrderEvent) -> OrderEvent:
        """Persist an event durably and return it with its sequence number."""
        ...

    def events_for(self, client_order_id: str) -> Sequence[OrderEvent]:
        """Return an order's events in sequence order."""
        ...

    def all_events(self, since_sequence: int = 0) -> Sequence[OrderEvent]:
        """Return every event after `since_sequence`, in sequence order."""
        ...
