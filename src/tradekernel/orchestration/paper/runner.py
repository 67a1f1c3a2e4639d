"""The paper runner: the live kernel, one cycle per closed bar, orders through the OMS.

Each cycle mirrors a dense backtest step exactly (see `orchestration/backtest/engine.py`):
feed the new bars to the venue and record the fills, submit delayed slices that are due,
value the account, build the context with `cycle_context.build_cycle_context`, plan, record
the plan (with its context) when it has a directive or an intent, and send the tradable
intents through `OmsPlanConsumer`, so every order is an event in the store before the
venue hears of it. On the same bars a replay therefore makes the backtest's plans.

What only paper (and live) does: rejection backoff (`backoff.py`), cancelling orders left
working for `cancel_after_bars` (both applied by `dispatcher.py` with the sending), the
trading-state control, equity snapshots through the runtime's `AccountTelemetry`, pacing,
and a graceful stop through the `Lifecycle`.
"""

from collections.abc import Callable, Mapping
from decimal import Decimal

import attrs

from tradekernel.domain.enums import TradingState
from tradekernel.domain.market import Bar, MarkPrice, SymbolRules
from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.plan import Plan
from tradekernel.domain.ports.clock import Clock
from tradekernel.domain.ports.journal import Journal
from tradekernel.domain.ports.order_store import OrderEventStore
from tradekernel.domain.ports.simulation import SimulatedVenue
from tradekernel.orchestration.canonical import canonical_json, chain_hash, hash_text
from tradekernel.orchestration.context_record import context_json
from tradekernel.orchestration.cycle_context import (
    AccountState,
    SymbolCursor,
    build_cycle_context,
    float_mark,
)
from tradekernel.orchestration.kernel import PlanningKernel
from tradekernel.orchestration.oms.order_manager import OmsSettings, OrderManager
from tradekernel.orchestration.paper.backoff import RejectionBackoff
from tradekernel.orchestration.paper.bar_source import BarSource, MarketStep
from tradekernel.orchestration.paper.dispatcher import IntentDispatcher
from tradekernel.orchestration.paper.float_equity import FloatEquity
from tradekernel.orchestration.paper.history import GrowingHistory
from tradekernel.orchestration.paper.known_features import KnownFeatures
from tradekernel.orchestration.paper.market_clock import MarketClock
from tradekernel.orchestration.paper.pacing import Pacer
from tradekernel.orchestration.paper.result import PaperResult
from tradekernel.orchestration.runtime.account_telemetry import AccountTelemetry
from tradekernel.orchestration.runtime.bot import BotRuntime
from tradekernel.orchestration.runtime.equity import EquityCalculator
from tradekernel.orchestration.runtime.lifecycle import Lifecycle
from tradekernel.orchestration.runtime.trading_control import TradingStateControl

# (plan, plan hash, plan JSON, context JSON): what a recorded cycle stores.
PlanSink = Callable[[Plan, str, str, str], None]


@attrs.frozen(kw_only=True)
class PaperSettings:
    """How a paper run trades; the backoff times come from the blueprint's execution policy."""

    run_id: str
    symbols: tuple[str, ...]
    rules: Mapping[str, SymbolRules]
    quote_asset: str
    backoff_base_ms: int = 60_000
    backoff_max_ms: int = 3_600_000
    cancel_after_bars: int | None = None
    max_cycles: int | None = None
    oms: OmsSettings = attrs.Factory(OmsSettings)


@attrs.frozen(kw_only=True)
class PaperPorts:
    """What the runner talks to. `clock` stamps events (a `MarketClock` in a replay)."""

    venue: SimulatedVenue
    store: OrderEventStore
    clock: Clock
    pacer: Pacer
    journal: Journal | None = None
    control: TradingStateControl | None = None


class PaperRunner:
    def __init__(
        self,
        kernel: PlanningKernel,
        source: BarSource,
        ports: PaperPorts,
        settings: PaperSettings,
        *,
        runtime: BotRuntime | None = None,
        on_plan: PlanSink | None = None,
        on_cycle: Callable[[int, MarketStep], None] | None = None,
    ) -> None:
        self._kernel = kernel
        self._source = source
        self._ports = ports
        self._settings = settings
        self._venue = ports.venue
        self.runtime = runtime or BotRuntime(config=settings)
        self.manager = OrderManager(
            store=ports.store, venue=ports.venue, clock=ports.clock, settings=settings.oms
        )
        self._on_plan = on_plan
        self._on_cycle = on_cycle
        self._history = {s: GrowingHistory(s) for s in sorted(settings.symbols)}
        self._features = KnownFeatures(kernel, source)
        self._equity = FloatEquity(float(ports.venue.cash()))
        self._telemetry = AccountTelemetry(
            runtime=self.runtime,
            clock=ports.clock,
            calculator=EquityCalculator(settings.quote_asset),
            journal=ports.journal,
            run_id=settings.run_id,
        )
        self._dispatcher = IntentDispatcher(
            self.manager,
            RejectionBackoff(base_ms=settings.backoff_base_ms, max_ms=settings.backoff_max_ms),
            cancel_after_bars=settings.cancel_after_bars,
            control=ports.control,
        )
        self._lifecycle = Lifecycle(
            runtime=self.runtime,
            step=self._cycle,
            persist=self._persist,
            max_cycles=settings.max_cycles,
        )
        self._plan_hashes: list[tuple[int, str]] = []
        self._cycles = 0

    def request_stop(self, reason: str) -> None:
        """Ask for a graceful stop after the cycle in flight (safe from a signal handler)."""
        self._lifecycle.request_stop(reason)

    def run(self) -> PaperResult:
        """Rebuild the OMS from the store, warm up, then trade until the data or a stop ends.

        Raises:
            Fatal: from the venue, after the state was persisted.
        """
        self.manager.rebuild()
        self._dispatcher.adopt_open(self._cycles)
        for step in self._source.warmup():
            self._take_bars(step)
        report = self._lifecycle.run()
        return self._result(report.stop_reason)

    # -- one cycle ------------------------------------------------------------------------

    def _cycle(self) -> bool:
        step = self._source.next_step()
        if step is None:
            return False
        self._ports.pacer.wait_for(step.ts_ms)
        if isinstance(self._ports.clock, MarketClock):
            self._ports.clock.set(step.ts_ms)
        now = step.ts_ms
        fills = self._take_bars(step)
        if fills:
            self.manager.apply_fills(fills)
            quantities = {p.symbol: float(p.quantity) for p in self._venue.positions()}
            self._equity.set_state(float(self._venue.cash()), quantities)
        if self.manager.open_orders():
            self.manager.refresh_open()
        self._dispatcher.submit_due(now, self._cycles)
        self._dispatcher.cancel_stale(self._cycles)
        self._equity.mark(now, {s: self._last_close(s) for s in self._history})
        self._decide(now)
        self._snapshot(now)
        self._cycles += 1
        if self._on_cycle is not None:
            self._on_cycle(self._cycles, step)
        return True

    def _take_bars(self, step: MarketStep) -> list[Fill]:
        fills: list[Fill] = []
        for bar in step.bars:
            history = self._history.get(bar.symbol)
            if history is None:
                continue
            history.append(bar)
            fills.extend(self._feed(bar))
        return fills

    def _feed(self, bar: Bar) -> list[Fill]:
        found = list(self._venue.on_bar(bar))
        if self._ports.journal is not None:
            for fill in found:
                self._ports.journal.record_fill(self._settings.run_id, fill)
        return found

    def _decide(self, now: int) -> None:
        control = self._ports.control
        state = control.refresh() if control is not None else TradingState.ACTIVE
        cursors = {}
        for symbol, history in self._history.items():
            current = history.last_ts_ms == now
            series = history.series()
            if current:
                series = self._features.of(symbol, series)
            cursors[symbol] = SymbolCursor(
                series=series, position=len(history) - 1, current=current
            )
        context = build_cycle_context(
            run_id=self._settings.run_id,
            now_ms=now,
            cursors=cursors,
            rules=self._settings.rules,
            account=AccountState(
                balances=self._venue.balances(),
                positions=self._venue.positions(),
                open_orders=self.manager.open_order_views(),
            ),
            peak_equity=float_mark(self._equity.peak),
            trading_state=state,
            backoff_until_ms=self._dispatcher.backoff_until(now),
        )
        plan = self._kernel.plan(context, self._features.market)
        if not (plan.directives or plan.intents):
            return
        text = canonical_json(plan)
        digest = hash_text(text)
        self._plan_hashes.append((now, digest))
        if self._on_plan is not None:
            self._on_plan(plan, digest, text, context_json(context))
        self._dispatcher.dispatch(plan, now, self._cycles)

    def _snapshot(self, now: int) -> None:
        marks = {}
        for symbol in self._history:
            close = self._last_close(symbol)
            if close is not None:
                marks[symbol] = MarkPrice(symbol=symbol, price=float_mark(close), ts_ms=now)
        self._telemetry.record(
            balances=self._venue.balances(), positions=self._venue.positions(), marks=marks
        )

    def _last_close(self, symbol: str) -> float | None:
        history = self._history[symbol]
        return float(history.series().close[-1]) if len(history) else None

    # -- the end --------------------------------------------------------------------------

    def _persist(self, reason: str) -> None:
        journal = self._ports.journal
        if journal is None:
            return
        for order in self._venue_orders():
            journal.record_order(self._settings.run_id, order)

    def _venue_orders(self) -> tuple[Order, ...]:
        # An order refused at submit never reached the venue: only the OMS knows it.
        return tuple(
            self._venue.fetch_order(state.spec.symbol, state.client_order_id)
            for state in self.manager.orders()
            if state.venue_order_id is not None
        )

    def _result(self, stop_reason: str) -> PaperResult:
        venue = self._venue
        marks: dict[str, Decimal] = {}
        for symbol in self._history:
            close = self._last_close(symbol)
            if close is not None:
                marks[symbol] = float_mark(close)
        orders = self._venue_orders()
        return PaperResult(
            run_id=self._settings.run_id,
            cycles=self._cycles,
            stop_reason=stop_reason,
            plan_hashes=tuple(self._plan_hashes),
            run_plan_hash=chain_hash([digest for _, digest in self._plan_hashes]),
            orders=orders,
            order_states=self.manager.orders(),
            fills=tuple(venue.own_trades()),
            rejections=self._dispatcher.rejections,
            dropped_slices=self._dispatcher.dropped,
            closed_trades=venue.closed_trades(),
            open_trades=venue.open_trades(),
            equity_ts=self._equity.ts(),
            equity=self._equity.curve(),
            cash=self._equity.cash_curve(),
            final_equity=venue.equity(marks),
            final_marks=marks,
            fees=venue.fees_paid,
            exposed_bars=self._equity.exposed_bars,
        )
