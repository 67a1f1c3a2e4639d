"""What a venue adapter met on the way that the orders' events do not show: a request
retried after a transient fault, a submit whose answer was lost but whose order was found
by client id. The live runner logs and counts them (the operator's per-cycle summary)."""

from enum import StrEnum
from typing import Protocol

import attrs


class IncidentKind(StrEnum):
    RETRY = "retry"
    LOST_ACK = "lost_ack"


@attrs.frozen(kw_only=True)
class VenueIncident:
    """One incident: its kind, the operation (`submit`, `cancel`, ...), the order, why."""

    kind: IncidentKind
    operation: str
    client_order_id: str | None
    detail: str


class VenueIncidents(Protocol):
    def take_incidents(self) -> tuple[VenueIncident, ...]:
        """Return the incidents since the last call, oldest first, and forget them."""
        ...
