"""A live (or dry) session from a loaded live config: the container builds the parts,
`live_job.wire` assembles the runner. The `live` and `reconcile` commands start here."""

from tradekernel.bootstrap.container import live_container
from tradekernel.bootstrap.live_config import LoadedLive
from tradekernel.bootstrap.live_job import LiveWiring, wire
from tradekernel.domain.live_policy import OrphanPolicy
from tradekernel.domain.ports.clock import Clock


def open_session(
    loaded: LoadedLive,
    *,
    live: bool,
    environ: dict[str, str] | None = None,
    orphans: OrphanPolicy | None = None,
    adopt_holdings: bool | None = None,
    record: bool = True,
    clock: Clock | None = None,
) -> LiveWiring:
    """Build every object of a live (or dry) run; talks to the venue only to load markets.

    The wiring's `close` flushes the journal and closes what the container opened.

    Raises:
        ConfigError: the credentials are unset or the exchange is unknown.
    """
    container = live_container(loaded, live=live, environ=environ, clock=clock)
    try:
        parts = container.live_parts(shutdown=container.shutdown_resources)
        return wire(parts, live=live, orphans=orphans, adopt_holdings=adopt_holdings, record=record)
    except BaseException:
        container.shutdown_resources()
        raise
