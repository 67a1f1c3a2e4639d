"""The paper venue's own journal: every order event the venue saw, stamped by its clock."""

from enum import StrEnum

import attrs


class VenueEventKind(StrEnum):
    SUBMITTED = "submitted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    FILLED = "filled"


@attrs.frozen(kw_only=True)
class VenueEvent:
    """One thing that happened on the paper venue.

    `ts_ms` is the venue clock's time when it happened; for a fill, `market_ts_ms` is the
    bar it matched on (the two differ when the clock is the wall clock).
    """

    ts_ms: int
    kind: VenueEventKind
    client_order_id: str
    symbol: str
    detail: str = ""
    market_ts_ms: int | None = None
