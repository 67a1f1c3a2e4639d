"""The live runner: one cycle = control, reconcile when due, care of orders, plan, send.

The same loop serves live trading and the dry run: only the `ExecutionPort` differs (the
real venue, or a paper venue fed the venue's live bars through `on_bars`).
"""

import json
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import attrs

from tradekernel.domain.account import Balance
from tradekernel.domain.blueprint import ExecutionPolicy
from tradekernel.domain.enums import TradingState
from tradekernel.domain.errors import Transient
from tradekernel.domain.market import MarkPrice, SymbolRules
from tradekernel.domain.plan import Plan
from tradekernel.domain.ports.clock import Clock
from tradekernel.domain.ports.execution import ExecutionPort
from tradekernel.domain.ports.journal import Journal, JournalEntry
from tradekernel.domain.ports.market_data import MarketDataPort
from tradekernel.domain.ports.order_store import OrderEventStore
from tradekernel.orchestration.cycle.assembler import (
    AccountState,
    SymbolCursor,
    float_mark,
)
from tradekernel.orchestration.cycle.backoff import RejectionBackoff
from tradekernel.orchestration.cycle.decision import CycleState, Decider
from tradekernel.orchestration.cycle.equity import RunningPeak
from tradekernel.orchestration.cycle.order_care import OrderCare
from tradekernel.orchestration.kernel import PlanningKernel
from tradekernel.orchestration.live.closed_bars import BarListener, ClosedBarWindow
from tradekernel.orchestration.live.reconciliation import Reconciler, ReconciliationReport
from tradekernel.orchestration.live.recorded_fills import ledger_of, recorded_fills
from tradekernel.orchestration.live.startup_guard import check_startup
from tradekernel.orchestration.live.supervised_desk import SupervisedDesk
from tradekernel.orchestration.live.supervisor import OrderSupervisor
from tradekernel.orchestration.live.telemetry import LiveTelemetry
from tradekernel.orchestration.oms.order_manager import OrderManager
from tradekernel.orchestration.runtime.trading_control import TradingStateControl
from tradekernel.shared.bars import BarSeries
from tradekernel.shared.ledger import SpotLedger


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
        self._kernel = kernel
        self._manager = manager
        self._venue = venue
        self._store = store
        self._journal = journal
        self._control = control
        self._stop_new_orders = stop_new_orders
        self._backoff = backoff
        self._reconciler = reconciler
        self._rules = rules
        self._now = clock.now_ms
        self._bases = {symbol: rule.base for symbol, rule in rules.items()}
        self._last_planned = settings.resume_after_ms
        self._last_reconcile: int | None = None
        self._bars = ClosedBarWindow(
            market=market,
            symbols=settings.symbols,
            timeframe_ms=settings.timeframe_ms,
            window=settings.window,
            resume_after_ms=settings.resume_after_ms,
            on_bars=on_bars,
        )
        # The drawdown threats' peak, valued as the backtest values its equity curve.
        self._peak = RunningPeak()
        self.telemetry = LiveTelemetry(
            journal=journal, run_id=settings.session_id, quote=settings.quote
        )
        self.supervisor = OrderSupervisor(
            manager=manager,
            policy=policy,
            clock=clock,
            run_id=settings.run_id,
            rules=rules,
            holding=lambda symbol: self._book().held(symbol),
        )
        self._desk = SupervisedDesk(self.supervisor, manager, self.telemetry)
        # Entry timeouts are the supervisor's here: it also falls back and rolls back.
        self._care = OrderCare(self._desk, backoff, control=control)
        self._decider = Decider(
            kernel,
            run_id=settings.run_id,
            rules=rules,
            on_plan=self._write_ahead,
            record_empty=True,
        )

    def start(self) -> ReconciliationReport:
        """Rebuild orders from the store, reconcile, and pass the startup guard.

        Raises:
            StartupRefused: the venue holds orders or balances the store cannot explain.
        """
        self._manager.rebuild()
        report = self._reconciler.reconcile(self._now())
        self._last_reconcile = self._now()
        check_startup(report)
        return report

    def cycle(self) -> CycleReport:
        """Run one cycle; planning happens once per newly closed bar.

        A venue that cannot be read (`Transient`) skips the rest of the cycle: nothing is
        planned on a view of the venue that may be stale; the next cycle asks again.

        Raises:
            Fatal: the venue demands that all traffic stop (a ban, refused keys).
        """
        now = self._now()
        state = self._control.refresh()
        stop_new = self._stop_new_orders()
        report = None
        try:
            if (
                self._last_reconcile is None
                or now - self._last_reconcile >= self._s.reconcile_every_ms
            ):
                report = self._reconciler.reconcile(now)
                self._last_reconcile = now
            self.supervisor.poll(cancels_allowed=self._control.permits_cancel())
            history = self._bars.read(now)
        except Transient as error:
            return CycleReport(
                now_ms=now,
                planned_ts_ms=None,
                trading_state=state,
                stop_new_orders=stop_new,
                reconciliation=report,
                skipped=f"venue unreadable: {error}",
            )
        planned_ts = max((int(h.ts_ms[-1]) for h in history.values() if len(h)), default=None)
        # The cycle's time is its last closed bar's, as a backtest step's is: slices fall
        # due and backoffs end on the same bar in every mode.
        cycle_ms = planned_ts if planned_ts is not None else self._last_planned
        dropped_before = len(self._care.dropped)
        self._desk.sent.clear()
        if cycle_ms is not None:
            self._care.send_due(cycle_ms, stop_new_orders=stop_new)
        if planned_ts is not None and (
            self._last_planned is None or planned_ts > self._last_planned
        ):
            plan = self._decider.decide(
                planned_ts, _cursors(history, planned_ts), self._state(history, state, stop_new)
            )
            if plan is not None:
                self._care.dispatch(plan, planned_ts)
            self._last_planned = planned_ts
        self._record(now, history)
        return CycleReport(
            now_ms=now,
            planned_ts_ms=planned_ts,
            trading_state=state,
            stop_new_orders=stop_new,
            submitted=tuple(self._desk.sent),
            reconciliation=report,
            dropped=tuple((cid, why) for _, cid, why in self._care.dropped[dropped_before:]),
            pending=len(self._care),
        )

    def finish(self, reason: str) -> str:
        """Write the run's summary (PnL, slippage, stop reason); return it as JSON."""
        realized = self._book().realized_pnl
        summary = self.telemetry.summary(realized)
        text = canonical_summary({**summary, "stop_reason": reason})
        self._journal.finish_run(self._s.session_id, text)
        return text

    # -- internals ----------------------------------------------------------------------

    def _book(self) -> SpotLedger:
        return ledger_of(recorded_fills(self._store.all_events()), self._bases)

    def _state(
        self, history: Mapping[str, BarSeries], state: TradingState, stop: bool
    ) -> CycleState:
        balances = self._venue.balances()
        held = self._book().positions()
        peak = self._peak.mark(
            cash=float(_free(balances, self._s.quote)),
            quantities={s: float(p.quantity) for s, p in held.items()},
            closes={s: float(h.close[-1]) for s, h in history.items() if len(h)},
        )
        planned = max(int(h.ts_ms[-1]) for h in history.values() if len(h))
        return CycleState(
            account=AccountState(
                balances=balances,
                positions=tuple(held.values()),
                open_orders=self._manager.open_order_views(),
            ),
            peak_equity=float_mark(peak),
            trading_state=state,
            stop_new_orders=stop,
            backoff_until_ms=self._care.backoff.until(planned),
        )

    def _write_ahead(self, plan: Plan, digest: str, text: str, context: str) -> None:
        # The plan is on disk before any of its orders is sent.
        self._journal.record_plan(
            JournalEntry(
                run_id=self._s.session_id,
                cycle_ts_ms=plan.cycle_ts_ms,
                plan_hash=digest,
                plan_json=text,
                context_json=context,
                client_order_ids=tuple(i.client_order_id for i in plan.intents),
            )
        )

    def _record(self, now: int, history: Mapping[str, BarSeries]) -> None:
        self.telemetry.record_orders(self._manager.orders())
        self.telemetry.record_fills(recorded_fills(self._store.all_events()))
        marks = {
            symbol: MarkPrice(symbol=symbol, price=Decimal(repr(float(h.close[-1]))), ts_ms=now)
            for symbol, h in history.items()
        }
        self.telemetry.record_equity(
            ts_ms=now,
            balances=self._venue.balances(),
            positions=self._book().positions().values(),
            marks=marks,
        )


def _cursors(history: Mapping[str, BarSeries], planned_ts: int) -> dict[str, SymbolCursor]:
    # A symbol whose last bar is older than the cycle's is marked, not planned, as in a
    # backtest's gap: there is nothing new to decide on for it.
    return {
        symbol: SymbolCursor(series=h, position=len(h) - 1, current=int(h.ts_ms[-1]) == planned_ts)
        for symbol, h in history.items()
        if len(h)
    }


def _free(balances: Sequence[Balance], asset: str) -> Decimal:
    return next((b.free for b in balances if b.asset == asset), Decimal(0))


def canonical_summary(data: Mapping[str, object]) -> str:
    return json.dumps(dict(data), sort_keys=True, separators=(",", ":"))
