"""An in-memory `OrderEventStore` with the SQLite store's fill-once rule."""

from collections.abc import Sequence

import attrs

from tradekernel.domain.ports.order_store import OrderEvent


class FakeOrderStore:
    def __init__(self) -> None:
        self.events: list[OrderEvent] = []
        self.fail_next_append = False

    def append(self, event: OrderEvent) -> OrderEvent:
        if self.fail_next_append:
            self.fail_next_append = False
            raise OSError("scripted disk failure")
        if event.trade_id is not None:
            for stored in self.events:
                if (stored.client_order_id, stored.trade_id) == (
                    event.client_order_id,
                    event.trade_id,
                ):
                    return stored
        stored = attrs.evolve(event, sequence=len(self.events) + 1)
        self.events.append(stored)
        return stored

    def events_for(self, client_order_id: str) -> Sequence[OrderEvent]:
        return [event for event in self.events if event.client_order_id == client_order_id]

    def all_events(self, since_sequence: int = 0) -> Sequence[OrderEvent]:
        return [event for event in self.events if event.sequence > since_sequence]
