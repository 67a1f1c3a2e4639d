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
from tradekernel.domain.enums import Side, TradingState
from tradekernel.domain.errors import VenueError
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.ports.clock import Clock
from tradekernel.domain.ports.execution import BooksOrderLists, ExecutionPort
from tradekernel.domain.ports.journal import Journal
from tradekernel.domain.ports.market_data import MarketDataPort
from tradekernel.domain.ports.order_store import OrderEventStore
from tradekernel.domain.ports.venue_incidents import IncidentKind, VenueIncidents
from tradekernel.orchestration.cycle.backoff import RejectionBackoff
from tradekernel.orchestration.cycle.decision import Decider, journal_recorder
from tradekernel.orchestration.cycle.order_care import OrderCare
from tradekernel.orchestration.cycle.protective_exits import OrderFill, ProtectiveExits
from tradekernel.orchestration.cycle.protective_triggers import TriggerBar
from tradekernel.orchestration.cycle.runner import CycleRunner
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.orchestration.live.ban_wait import BanWatch
from tradekernel.orchestration.live.closed_bars import BarListener, ClosedBarWindow
from tradekernel.orchestration.live.data_watch import MarketDataWatch
from tradekernel.orchestration.live.live_market import LiveMarket
from tradekernel.orchestration.live.order_notices import NoticeKind, NoticeLog, OrderNotice, count
from tradekernel.orchestration.live.perpetual_watch import PerpetualWatch
from tradekernel.orchestration.live.reconciliation import Reconciler, ReconciliationReport
from tradekernel.orchestration.live.startup_guard import check_startup
from tradekernel.orchestration.live.stop_gate import StopGate
from tradekernel.orchestration.live.supervised_desk import SupervisedDesk
from tradekernel.orchestration.live.supervisor import OrderSupervisor
from tradekernel.orchestration.live.telemetry import LiveTelemetry
from tradekernel.orchestration.oms.order_manager import OrderManager
from tradekernel.orchestration.runtime.bot import BotRuntime
from tradekernel.orchestration.runtime.system_monitor import SystemMonitor
from tradekernel.orchestration.runtime.trading_control import TradingStateControl
from tradekernel.shared.ids import CLIENT_ID_PREFIX

_UNRESOLVED = (
    "absent from the venue's open orders and not settled by its lookup by client id "
    "(still working there, or the lookup failed); asked again on the next pass"
)


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
    # Bars older than this (since the newest closed bar's close) stop new positions.
    stale_after_ms: int | None = None
    # A ban streak ending later than this after its first ban ends the run.
    max_ban_wait_ms: int = 0
    client_id_prefix: str = CLIENT_ID_PREFIX


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
    # What the operator must hear of: one notice per event, in the order collected.
    notices: tuple[OrderNotice, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        """Return the cycle's notices counted by kind (every kind, 0 if none)."""
        return count(self.notices)


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
        incidents: VenueIncidents | None = None,
        stopping: Callable[[], bool] = lambda: False,
        on_started: Callable[[], None] = lambda: None,
        perpetual: PerpetualWatch | None = None,
    ) -> None:
        """Build the runner; `incidents` is the venue adapter's log of retries and lost
        acknowledgements (None for a paper venue, which has neither)."""
        self._s = settings
        self._manager = manager
        self._incidents = incidents
        self._notices = NoticeLog()
        manager.watch(self._notices.on_event)
        # How many of the OMS's retries and the supervisor's failed cancels were taken.
        self._taken_retries = 0
        self._taken_cancel_errors = 0
        self._journal = journal
        self._reconciler = reconciler
        self._on_started = on_started
        self.perpetual = perpetual
        self._now = clock.now_ms
        self.telemetry = LiveTelemetry(
            journal=journal, run_id=settings.session_id, quote=settings.quote
        )
        self.data_watch = MarketDataWatch(
            monitor=SystemMonitor(
                runtime=BotRuntime(config=None, bot_id=settings.session_id),
                clock=clock,
                # A missed beat is at least a cycle late: the loop is paced by the wall clock.
                heartbeat_timeout_ms=max(settings.timeframe_ms, 1),
                stale_after_ms=settings.stale_after_ms or 1,
                watch=settings.symbols,
            ),
            timeframe_ms=settings.timeframe_ms,
        )
        self.bans = BanWatch(max_wait_ms=settings.max_ban_wait_ms)
        self.supervisor = OrderSupervisor(
            manager=manager,
            policy=policy,
            clock=clock,
            run_id=settings.run_id,
            rules=rules,
            holding=self._exposure,
            client_id_prefix=settings.client_id_prefix,
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
            stale_data=self.data_watch.observe if settings.stale_after_ms else None,
            perpetual=perpetual,
        )
        self._desk = SupervisedDesk(self.supervisor, manager, self.telemetry)
        self._protection = ProtectiveExits(
            self._desk,
            _oms_fill(manager),
            rules=rules,
            control=control,
            held=self._exposure,
            # A venue without order lists: the runner keeps the levels as triggers.
            newest_bar=self._trigger_bar if not books_order_lists(venue) else None,
        )
        self._runner = CycleRunner(
            self.market,
            # Entry timeouts are the supervisor's here: it also falls back and rolls back.
            OrderCare(
                self._desk,
                backoff,
                control=StopGate(control, stopping),
                protection=self._protection,
            ),
            Decider(
                kernel,
                run_id=settings.run_id,
                rules=rules,
                # Write-ahead: the plan is on disk before any of its orders is sent.
                on_plan=journal_recorder(journal, settings.session_id),
                record_empty=True,
                client_id_prefix=settings.client_id_prefix,
            ),
            control=control,
        )

    def _exposure(self, symbol: str, side: Side) -> Decimal:
        """Return what the bot's entries on `side` hold of `symbol`: the spot holding, or
        on a perpetual account its own signed position on that side (a short's size for a
        SELL), so a protective exit or a rollback closes exactly it and never flips it."""
        if self.perpetual is None:
            return self.market.book().held(symbol)
        signed = self.perpetual.own_quantities().get(symbol, Decimal(0))
        return max(signed if side is Side.BUY else -signed, Decimal(0))

    def _trigger_bar(self, symbol: str) -> TriggerBar | None:
        newest = self.market.newest_bar(symbol)
        if newest is None:
            return None
        open_ms, high, low = newest
        return TriggerBar(
            close_ms=open_ms + self._s.timeframe_ms,
            high=Decimal(repr(high)),
            low=Decimal(repr(low)),
        )

    def start(self) -> ReconciliationReport:
        """Rebuild orders from the store, reconcile, pass the startup guard, then call
        `on_started` (the run manifest is written there).

        Raises:
            StartupRefused: the venue holds orders or balances the store cannot explain.
        """
        self._manager.rebuild()
        # Entries filled before a restart keep their protection (their levels are stored).
        self._protection.resume(self._manager.orders())
        report = self._reconciler.reconcile(self._now())
        self.market.last_reconcile = self._now()
        check_startup(report)
        self._on_started()
        return report

    def resume(self) -> ReconciliationReport:
        """Reconcile with the venue after a pause (a ban); the next cycle trades again.

        Raises:
            Banned: the venue still bans us.
        """
        now = self._now()
        report = self._reconciler.reconcile(now)
        self.market.last_reconcile = now
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
        self.data_watch.beat(seen.now_ms)
        report = seen.reconciliation
        for coid in report.unresolved if report is not None else ():
            self._notices.add(NoticeKind.UNRESOLVED, coid, _UNRESOLVED)
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
            notices=self.take_notices(),
        )

    def take_notices(self) -> tuple[OrderNotice, ...]:
        """Return the notices since the last call (venue incidents, OMS retries, order
        events, failed cancels) and count them in the session telemetry."""
        log = self._notices
        for incident in self._incidents.take_incidents() if self._incidents else ():
            kind = NoticeKind.LOST_ACK if incident.kind is IncidentKind.LOST_ACK else None
            detail = f"{incident.operation}: {incident.detail}"
            log.add(kind or NoticeKind.RETRY, incident.client_order_id, detail)
        retries = self._manager.retries
        for coid, why in retries[self._taken_retries :]:
            log.add(NoticeKind.RETRY, coid, why)
        self._taken_retries = len(retries)
        failed = self.supervisor.cancel_errors
        for coid, why in failed[self._taken_cancel_errors :]:
            log.add(NoticeKind.CANCEL_FAILED, coid, f"cancel failed: {why}; asked again next cycle")
        self._taken_cancel_errors = len(failed)
        taken = log.take()
        self.telemetry.count_notices(taken)
        return taken

    def cancel_working(self) -> tuple[tuple[str, str], ...]:
        """Cancel every working order of the bot (a stop with `on_stop = "cancel"`).

        Return `(client order id, outcome)` of each: its status after the venue's
        answer, or the error that left it for the next start's reconciliation.
        """
        outcomes: list[tuple[str, str]] = []
        for state in self._manager.open_orders():
            coid = state.client_order_id
            try:
                outcomes.append((coid, self._manager.cancel(coid).status.value))
            except VenueError as error:
                outcomes.append((coid, f"not confirmed ({error})"))
        self.telemetry.record_orders(self._manager.orders())
        return tuple(outcomes)

    def finish(self, reason: str) -> str:
        """Write the run's summary (PnL, slippage, stop reason); return it as JSON."""
        realized = self.market.realized_pnl()
        summary = {
            **self.telemetry.summary(realized),
            **self.data_watch.summary(),
            **self.bans.summary(),
            **self.market.perpetual_summary(),
        }
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


def books_order_lists(venue: ExecutionPort) -> bool:
    """Return whether protective exits rest at `venue` as OCO order lists: a venue that
    says it books none gets runner-managed triggers; one that does not say (a paper
    venue) simulates the OCO."""
    return not isinstance(venue, BooksOrderLists) or venue.books_order_lists
