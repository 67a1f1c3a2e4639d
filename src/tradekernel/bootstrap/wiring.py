"""What the composition root hands a job: typed bundles of already-built collaborators.

The container (`bootstrap/container.py`) builds these; a job takes one and only
orchestrates (start a run, drive the engine or runner, record, report). Nothing here
opens a database or constructs an adapter, and the types are ports, not adapters, so a
test can hand a job in-memory fakes.
"""

from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

import attrs

from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.bootstrap.live_config import LoadedLive
from tradekernel.domain.ports.backoff_store import BackoffStore
from tradekernel.domain.ports.clock import Clock
from tradekernel.domain.ports.control_store import ControlStore
from tradekernel.domain.ports.journal import Journal, JournalEntry, RunManifest
from tradekernel.domain.ports.market_data import MarketDataPort
from tradekernel.domain.ports.order_store import OrderEventStore
from tradekernel.domain.ports.simulation import SimulatedVenue
from tradekernel.domain.ports.sleeper import Sleeper
from tradekernel.orchestration.cycle.market_clock import MarketClock
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel

if TYPE_CHECKING:
    # Typing only: ccxt takes over a second to import, and backtests never need it.
    from tradekernel.adapters.ccxt.execution import CcxtExecution


class RunJournal(Journal, Protocol):
    """A journal that buffers: flushed on `flush` and when its `with` block ends."""

    def flush(self) -> None:
        """Write every buffered row."""
        ...

    def forget_run(self, run_id: str) -> None:
        """Delete every record of `run_id`, so it can be recorded again (`--replace`)."""
        ...

    def __enter__(self) -> "RunJournal":
        """Return the journal for a `with` block."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Flush what the block recorded."""
        ...


class RunIndex(Protocol):
    """The read side of the run records a job needs (the SQLite run reader fits)."""

    def run_ids(self) -> tuple[str, ...]:
        """Return every recorded run id, oldest first."""
        ...

    def latest_run_id(self) -> str:
        """Return the id of the most recently started run."""
        ...

    def run_manifest(self, run_id: str) -> RunManifest:
        """Return the manifest a run was started with."""
        ...

    def plans(self, run_id: str) -> Sequence[JournalEntry]:
        """Return a run's recorded plans, oldest cycle first."""
        ...


@attrs.frozen(kw_only=True, eq=False)
class RunStores:
    """The stores of one run database, all over the container's one connection."""

    db_path: Path
    journal: RunJournal
    reader: RunIndex
    order_events: OrderEventStore
    control: ControlStore


@attrs.frozen(kw_only=True, eq=False)
class RecordedRunParts:
    """Everything a backtest or a paper replay needs besides its bars.

    `open_stores` opens the run database (the container's `stores` provider), called
    once the job's input is known to be good, so a refused run leaves no file behind;
    `clock` is the market clock both the runner and the venue read; `wall_clock` and
    `sleeper` pace a paper replay in real time.
    """

    blueprint: LoadedBlueprint
    kernel: PlanningKernel
    open_stores: Callable[[], RunStores]
    venue: SimulatedVenue
    clock: MarketClock
    wall_clock: Clock
    sleeper: Sleeper


@attrs.frozen(kw_only=True, eq=False)
class LiveParts:
    """Everything a live (or dry) run is assembled from, built by the container.

    `new_simulated_venue` builds the dry run's paper venue (fed the venue's live bars);
    `shutdown` closes what the container opened (the store's connection, ccxt clients).
    """

    loaded: LoadedLive
    blueprint: LoadedBlueprint
    kernel: PlanningKernel
    execution: "CcxtExecution"
    market: MarketDataPort
    stores: RunStores
    backoff_store: BackoffStore
    new_simulated_venue: Callable[[], SimulatedVenue]
    clock: Clock
    shutdown: Callable[[], None]
