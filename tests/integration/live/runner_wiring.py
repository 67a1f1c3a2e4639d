"""Build the whole live run (`live_session.open_session`) against the loopback venue, on a clock a
test may move forward (real time plus a shift: the adapter's lookups still end)."""

import time
from pathlib import Path

from tests.integration.live.live_venue import LiveFakeBinance, write_config

from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.order_event_store import SqliteOrderEventStore
from tradekernel.bootstrap.live_job import LiveWiring, load_live
from tradekernel.bootstrap.live_session import open_session
from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.live_policy import OrphanPolicy

POST_ORDER = ("POST", "/api/v3/order")


class ShiftedClock:
    """Wall time plus `shift_ms`; satisfies the `Clock` port."""

    def __init__(self) -> None:
        self.shift_ms = 0

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000 + self.shift_ms


def wire_live(
    directory: Path,
    venue: LiveFakeBinance,
    clock: ShiftedClock,
    *,
    orphans: OrphanPolicy | None = None,
    **config: object,
) -> LiveWiring:
    path = write_config(directory, venue.base_url, **config)  # type: ignore[arg-type]
    return open_session(load_live(path), live=True, clock=clock, orphans=orphans)


def event_kinds(db: Path, coid: str) -> list[OrderStatus]:
    return [event.kind for event in SqliteOrderEventStore(connect(db)).events_for(coid)]


def posted_ids(venue: LiveFakeBinance) -> list[str]:
    return [request.params["newClientOrderId"] for request in venue.calls(*POST_ORDER)]
