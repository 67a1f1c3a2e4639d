"""The paper runner: the cycle runner on replayed bars, orders through the OMS.

A paper replay is the backtest's loop (`orchestration.cycle.recorded_run.RecordedRun`) in a
different configuration: dense steps, an `OmsDesk` (every order an event in the store
before the venue hears of it), a `MarketClock` moved to each bar time (it stamps events),
pacing to a replay speed, the trading-state control, equity snapshots through the
runtime's `AccountTelemetry`, and a graceful stop through the `Lifecycle`. On the same
bars it therefore makes the backtest's plans, by construction.
"""

from collections.abc import Callable, Mapping

import attrs

from tradekernel.domain.market import SymbolRules
from tradekernel.domain.ports.journal import Journal
from tradekernel.domain.ports.order_store import OrderEventStore
from tradekernel.domain.ports.simulation import SimulatedVenue
from tradekernel.orchestration.cycle.decision import PlanSink
from tradekernel.orchestration.cycle.desk import OmsDesk
from tradekernel.orchestration.cycle.market_clock import MarketClock
from tradekernel.orchestration.cycle.recorded_run import CycleHooks, CycleSettings, RecordedRun
from tradekernel.orchestration.cycle.result import RunResult
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.orchestration.oms.order_manager import OmsSettings, OrderManager
from tradekernel.orchestration.paper.bar_source import ReplaySource
from tradekernel.orchestration.paper.pacing import Pacer
from tradekernel.orchestration.runtime.account_telemetry import AccountTelemetry
from tradekernel.orchestration.runtime.bot import BotRuntime
from tradekernel.orchestration.runtime.equity import EquityCalculator
from tradekernel.orchestration.runtime.lifecycle import Lifecycle
from tradekernel.orchestration.runtime.trading_control import TradingStateControl


@attrs.frozen(kw_only=True)
class PaperSettings:
    """How a paper run trades; backoff and timeout come from the blueprint's execution policy."""

    run_id: str
    symbols: tuple[str, ...]
    rules: Mapping[str, SymbolRules]
    quote_asset: str
    backoff_base_ms: int = 60_000
    backoff_max_ms: int = 3_600_000
    entry_timeout_ms: int = 0
    max_cycles: int | None = None
    oms: OmsSettings = attrs.Factory(OmsSettings)


@attrs.frozen(kw_only=True)
class PaperPorts:
    """What the runner talks to. `clock` is the replay's market clock (it stamps events)."""

    venue: SimulatedVenue
    store: OrderEventStore
    clock: MarketClock
    pacer: Pacer
    journal: Journal | None = None
    control: TradingStateControl | None = None


class PaperRunner:
    def __init__(
        self,
        kernel: PlanningKernel,
        source: ReplaySource,
        ports: PaperPorts,
        settings: PaperSettings,
        *,
        runtime: BotRuntime | None = None,
        on_plan: PlanSink | None = None,
        on_cycle: Callable[[int], None] | None = None,
    ) -> None:
        self._ports = ports
        self._settings = settings
        self._on_cycle = on_cycle
        self.runtime = runtime or BotRuntime(config=settings)
        self.manager = OrderManager(
            store=ports.store, venue=ports.venue, clock=ports.clock, settings=settings.oms
        )
        self._telemetry = AccountTelemetry(
            runtime=self.runtime,
            clock=ports.clock,
            calculator=EquityCalculator(
                settings.quote_asset, margined=ports.venue.margin_account() is not None
            ),
            journal=ports.journal,
            run_id=settings.run_id,
        )
        symbols = set(settings.symbols)
        self._runner = RecordedRun(
            kernel,
            {s: series for s, series in source.series.items() if s in symbols},
            OmsDesk(self.manager, ports.venue, journal=ports.journal, run_id=settings.run_id),
            CycleSettings(
                run_id=settings.run_id,
                rules=settings.rules,
                dense=True,
                backoff_base_ms=settings.backoff_base_ms,
                backoff_max_ms=settings.backoff_max_ms,
                entry_timeout_ms=settings.entry_timeout_ms,
                plan_from_ms=source.resume_from_ms,
            ),
            CycleHooks(
                on_plan=on_plan,
                clock=ports.clock,
                before_step=ports.pacer.wait_for,
                after_step=self._after_step,
                control=ports.control,
            ),
        )
        self._lifecycle = Lifecycle(
            runtime=self.runtime,
            step=self._runner.step,
            persist=self._persist,
            max_cycles=settings.max_cycles,
        )

    def request_stop(self, reason: str) -> None:
        """Ask for a graceful stop after the cycle in flight (safe from a signal handler)."""
        self._lifecycle.request_stop(reason)

    def run(self) -> RunResult:
        """Rebuild the OMS from the store, then trade until the data or a stop ends.

        Raises:
            Fatal: from the venue, after the state was persisted.
        """
        self._runner.start()
        report = self._lifecycle.run()
        return self._runner.result(report.stop_reason)

    def _after_step(self, index: int) -> None:
        venue = self._ports.venue
        self._telemetry.record(
            balances=venue.balances(),
            positions=venue.positions(),
            marks=self._runner.marks_at(index),
        )
        if self._on_cycle is not None:
            self._on_cycle(self._runner.cycles)

    def _persist(self, reason: str) -> None:
        journal = self._ports.journal
        if journal is None:
            return
        for order in self._runner.orders():
            journal.record_order(self._settings.run_id, order)
