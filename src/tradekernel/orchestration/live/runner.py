"""The live runner: the one cycle runner on the live market, one cycle per wall-clock tick.

The same loop serves live trading and the dry run: only the `ExecutionPort` differs (the
real venue, or a paper venue fed the venue's live bars through `on_bars`). The market
(`live_market.LiveMarket`) reconciles, polls orders and reads the closed bars; order care,
the decision and the records are the cycle runner's, as in a backtest.
"""

import json
from collections.abc import Callable, Mapping
from decimal import Decimal

import attrs

from tradekernel.domain.blueprint import ExecutionPolicy
from tradekernel.domain.enums import TradingState
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.ports.clock import Clock
from tradekernel.domain.ports.execution import ExecutionPort
from tradekernel.domain.ports.journal import Journal
from tradekernel.domain.ports.market_data import MarketDataPort
from tradekernel.domain.ports.order_store import OrderEventStore
from tradekernel.orchestration.cycle.backoff import RejectionBackoff
from tradekernel.orchestration.cycle.decision import Decider, journal_recorder
from tradekernel.orchestration.cycle.order_care import OrderCare
from tradekernel.orchestration.cycle.protective_exits import OrderFill, ProtectiveExits
from tradekernel.orchestration.cycle.runner import CycleRunner
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.orchestration.live.closed_bars import BarListener, ClosedBarWindow
from tradekernel.orchestration.live.live_market import LiveMarket
from tradekernel.orchestration.live.reconciliation import Reconciler, ReconciliationReport
from tradekernel.orchestration.live.startup_guard import check_startup
from tradekernel.orchestration.live.supervised_desk import SupervisedDesk
from tradekernel.orchestration.live.supervisor import OrderSupervisor
from tradekernel.orchestration.live.telemetry import LiveTelemetry
from tradekernel.orchestration.oms.order_manager import OrderManager
from tradekernel.orchestration.runtime.trading_control import TradingStateControl


@attrs.frozen(kw_only=True)
class RunnerSettings:
    """`run_id` names the bot's orders (stable across restarts, so a re-planned bar names
    its orders the same way); `session_id` names this process's records."""

    run_id: str
    session_id: str
    symbols: tuple[str, ...]
    timeframe_ms: int
    window: int
    quote: str
    reconcile_every_ms: int = 60_000
    resume_after_ms: int | None = None
    # The peak equity the bot's earlier sessions planned with (`recorded_peak`).
    resume_peak_equity: Decimal | None = None


@attrs.frozen(kw_only=True)
class CycleReport:
    now_ms: int
    planned_ts_ms: int | None
    trading_state: TradingState
    stop_new_orders: bool
    submitted: tuple[str, ...] = ()
    reconciliation: ReconciliationReport | None = None
    skipped: str | None = None
    # Delayed slices that fell due but were not sent: (client order id, why).
    dropped: tuple[tuple[str, str], ...] = ()
    pending: int = 0  # delayed slices still waiting for their time


class LiveRunner:
    """The cycle runner on the live market: one `cycle()` per wall-clock tick."""

    def __init__(
        self,
        *,
        settings: RunnerSettings,
        kernel: PlanningKernel,
        manager: OrderManager,
        venue: ExecutionPort,
        market: MarketDataPort,
        store: OrderEventStore,
        journal: Journal,
        control: TradingStateControl,
        stop_new_orders: Callable[[], bool],
        backoff: RejectionBackoff,
        reconciler: Reconciler,
        policy: ExecutionPolicy,
        rules: Mapping[str, SymbolRules],
        clock: Clock,
        on_bars: BarListener | None = None,
    ) -> None:
        self._s = settings
        self._manager = manager
        self._journal = journal
        self._reconciler = reconciler
        self._now = clock.now_ms
        self.telemetry = LiveTelemetry(
            journal=journal, run_id=settings.session_id, quote=settings.quote
        )
        self.supervisor = OrderSupervisor(
            manager=manager,
            policy=policy,
            clock=clock,
            run_id=settings.run_id,
            rules=rules,
            holding=lambda symbol: self.market.book().held(symbol),
            # Late-bound: the protection sends through the desk that wraps this supervisor.
            before_rollback=lambda symbol: self._protection.withdraw(symbol),  # noqa: PLW0108
            on_fallback=lambda intent: self._protection.watch(intent),  # noqa: PLW0108
        )
        self.market = LiveMarket(
            bars=ClosedBarWindow(
                market=market,
                symbols=settings.symbols,
                timeframe_ms=settings.timeframe_ms,
                window=settings.window,
                resume_after_ms=settings.resume_after_ms,
                on_bars=on_bars,
            ),
            venue=venue,
            manager=manager,
            store=store,
            supervisor=self.supervisor,
            reconciler=reconciler,
            telemetry=self.telemetry,
            clock=clock,
            permits_cancel=control.permits_cancel,
            stop_new_orders=stop_new_orders,
            quote=settings.quote,
            bases={symbol: rule.base for symbol, rule in rules.items()},
            reconcile_every_ms=settings.reconcile_every_ms,
            resume_after_ms=settings.resume_after_ms,
            resume_peak_equity=settings.resume_peak_equity,
        )
        self._desk = SupervisedDesk(self.supervisor, manager, self.telemetry)
        self._protection = ProtectiveExits(
            self._desk,
            _oms_fill(manager),
            rules=rules,
            control=control,
            held=lambda symbol: self.market.book().held(symbol),
        )
        self._runner = CycleRunner(
            self.market,
            # Entry timeouts are the supervisor's here: it also falls back and rolls back.
            OrderCare(self._desk, backoff, control=control, protection=self._protection),
            Decider(
                kernel,
                run_id=settings.run_id,
                rules=rules,
                # Write-ahead: the plan is on disk before any of its orders is sent.
                on_plan=journal_recorder(journal, settings.session_id),
                record_empty=True,
            ),
            control=control,
        )

    def start(self) -> ReconciliationReport:
        """Rebuild orders from the store, reconcile, and pass the startup guard.

        Raises:
            StartupRefused: the venue holds orders or balances the store cannot explain.
        """
        self._manager.rebuild()
        # Entries filled before a restart keep their protection (their levels are stored).
        self._protection.resume(self._manager.orders())
        report = self._reconciler.reconcile(self._now())
        self.market.last_reconcile = self._now()
        check_startup(report)
        return report

    def cycle(self) -> CycleReport:
        """Run one cycle; planning happens once per newly closed bar.

        A venue that cannot be read (`Transient`) skips the rest of the cycle: nothing is
        planned on a view of the venue that may be stale; the next cycle asks again.

        Raises:
            Fatal: the venue demands that all traffic stop (a ban, refused keys).
        """
        care = self._runner.care
        dropped_before = len(care.dropped)
        self._desk.sent.clear()
        self._runner.step()
        done = self._runner.last
        assert done is not None  # a live market always makes a step
        if done.tick.care:
            # A market entry fills at once: protect it now rather than one cycle later.
            care.follow_fills(self._now())
        seen = self.market.step
        return CycleReport(
            now_ms=seen.now_ms,
            planned_ts_ms=seen.planned_ts_ms,
            trading_state=done.trading_state,
            stop_new_orders=done.tick.stop_new_orders,
            submitted=tuple(self._desk.sent),
            reconciliation=seen.reconciliation,
            skipped=done.tick.skipped,
            dropped=tuple((cid, why) for _, cid, why in care.dropped[dropped_before:]),
            pending=len(care),
        )

    def finish(self, reason: str) -> str:
        """Write the run's summary (PnL, slippage, stop reason); return it as JSON."""
        realized = self.market.book().realized_pnl
        summary = self.telemetry.summary(realized)
        text = canonical_summary({**summary, "stop_reason": reason})
        self._journal.finish_run(self._s.session_id, text)
        return text


def _oms_fill(manager: OrderManager) -> OrderFill:
    def fill_of(symbol: str, client_order_id: str) -> tuple[Decimal, bool] | None:
        state = manager.order(client_order_id)
        return None if state is None else (state.filled_quantity, state.is_terminal)

    return fill_of


def canonical_summary(data: Mapping[str, object]) -> str:
    return json.dumps(dict(data), sort_keys=True, separators=(",", ":"))
