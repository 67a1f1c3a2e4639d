"""The one cycle runner: every mode is a configuration of this loop.

A step at bar time t, in this order, in every mode:

1. feed the new bars to the simulated venue (only symbols with working orders) and let
   the desk record the fills and follow up its orders;
2. order care: send the delayed slices now due, cancel entries past their timeout;
3. bring the equity curve up to t (its peak feeds the drawdown threats);
4. if the kernel can act at t (always when dense; else where the kernel's activity masks
   say a plugin can act, or any bar while something is working): assemble the context
   (`assembler.assemble_context`), plan, record the plan when it has a directive or an
   intent, and hand its intents to order care;
5. the mode's after-step hook (paper: equity snapshots, progress).

What a mode chooses: the desk (`DirectDesk` for a backtest, `OmsDesk` for paper), dense
or sparse stepping, a clock the runner moves to each bar time (it stamps orders), the
trading-state control, a plan recorder and hooks. The decisions (context, backoff,
timeouts, slices) are made here once, so the modes cannot drift apart.
"""

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Protocol

import attrs

from tradekernel.domain.enums import SkipReason, TradingState
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import MarkPrice, SymbolRules
from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.ports.backoff_store import BackoffStore
from tradekernel.orchestration.canonical import chain_hash
from tradekernel.orchestration.cycle.assembler import SymbolCursor, float_mark
from tradekernel.orchestration.cycle.backoff import RejectionBackoff
from tradekernel.orchestration.cycle.decision import CycleState, Decider, PlanSink
from tradekernel.orchestration.cycle.desk import OrderDesk
from tradekernel.orchestration.cycle.equity import EquityTracker
from tradekernel.orchestration.cycle.order_care import OrderCare
from tradekernel.orchestration.cycle.result import RunResult
from tradekernel.orchestration.cycle.stepping import StepSchedule
from tradekernel.orchestration.cycle.timeline import build_timeline
from tradekernel.orchestration.cycle.venue_account import VenueAccount
from tradekernel.orchestration.kernel import PlanningKernel
from tradekernel.shared.bars import BarSeries

Progress = Callable[[int, int], None]


class Control(Protocol):
    """The trading-state control as the runner uses it (`runtime.trading_control`)."""

    def refresh(self) -> TradingState: ...

    def permits(self, intent: ExecutionIntent) -> SkipReason | None: ...

    def permits_cancel(self) -> bool: ...


class SettableClock(Protocol):
    def set(self, now_ms: int) -> None: ...


@attrs.frozen(kw_only=True)
class CycleSettings:
    """How a run trades. The backoff and timeout come from the blueprint's execution policy.

    Steps before `plan_from_ms` are warm-up: their bars reach the venue, nothing is
    planned (a restarted bot continues planning where it stopped).
    """

    run_id: str
    rules: Mapping[str, SymbolRules]
    dense: bool = False
    backoff_base_ms: int = 60_000
    backoff_max_ms: int = 3_600_000
    entry_timeout_ms: int = 0
    plan_from_ms: int | None = None


@attrs.frozen(kw_only=True)
class CycleHooks:
    """What a mode plugs in besides the desk: all optional."""

    on_plan: PlanSink | None = None
    progress: Progress | None = None
    clock: SettableClock | None = None
    before_step: Callable[[int], object] | None = None
    after_step: Callable[[int], None] | None = None
    control: Control | None = None
    backoff_store: BackoffStore | None = None


class CycleRunner:
    """Drive one kernel and one desk over the bars of a recorded market, step by step."""

    def __init__(
        self,
        kernel: PlanningKernel,
        series: Mapping[str, BarSeries],
        desk: OrderDesk,
        settings: CycleSettings,
        hooks: CycleHooks = CycleHooks(),
    ) -> None:
        self._kernel = kernel
        self._desk = desk
        self._settings = settings
        self._hooks = hooks
        self.series = {s: kernel.precompute(bars) for s, bars in sorted(series.items())}
        self.timeline = timeline = build_timeline(self.series)
        self._stepping = StepSchedule(kernel, self.series, timeline, settings.dense)
        self._venue = venue = desk.venue
        self._account = VenueAccount(venue, timeline.symbols, desk.open_order_views)
        self._equity = EquityTracker(timeline, self.series, float(venue.cash()))
        self._care = OrderCare(
            desk,
            RejectionBackoff(
                base_ms=settings.backoff_base_ms,
                max_ms=settings.backoff_max_ms,
                store=hooks.backoff_store,
            ),
            entry_timeout_ms=settings.entry_timeout_ms,
            control=hooks.control,
            on_send=self._account.changed,
        )
        # Per symbol, in timeline order: what every step reads, looked up once.
        self._views = tuple(
            (symbol, self.series[symbol], timeline.index[symbol], timeline.has_bar[symbol])
            for symbol in timeline.symbols
        )
        count = len(timeline)
        start = settings.plan_from_ms
        self._first = 0 if start is None else int(timeline.ts_ms.searchsorted(start, side="left"))
        self._index: int | None = 0 if count else None
        self._last = -1
        self._decider = Decider(
            kernel, run_id=settings.run_id, rules=settings.rules, on_plan=hooks.on_plan
        )
        self.cycles = 0
        self._started = False

    def start(self) -> None:
        """Let the desk take up orders from an earlier session (a restart) before the first step."""
        self._started = True
        first_ms = int(self.timeline.ts_ms[self._first]) if len(self.timeline) else 0
        # The desk reloads its orders first (an OMS from its store): then they can be named.
        adopted = self._desk.start()
        symbols = {cid: symbol for symbol, cid in self._desk.working()}
        self._care.adopt(adopted, first_ms, symbols)

    def run(self, stop_reason: str = "end of data") -> RunResult:
        """Run every step to the end of the bars and return the result."""
        if not self._started:
            self.start()
        while self.step():
            pass
        return self.result(stop_reason)

    def step(self) -> bool:
        """Run the next step; return False when there was none (the end of the bars)."""
        index = self._index
        if index is None:
            return False
        ts_ms = self.timeline.ts_ms
        now_ms = int(ts_ms.item(index))
        hooks = self._hooks
        warm = index < self._first
        if not warm:
            # Warm-up bars were seen by an earlier session: the clock stays where it is.
            if hooks.clock is not None:
                hooks.clock.set(now_ms)
            if hooks.before_step is not None:
                hooks.before_step(now_ms)
        self._feed(index)
        care = self._care
        if not warm:
            care.send_due(now_ms)
            care.cancel_timed_out(now_ms)
        self._equity.advance(index)
        if not warm and self._stepping.kernel_at(index, self._account.exposed()):
            self._decide(index, now_ms)
        self._last = index
        if not warm:
            self.cycles += 1
            if hooks.after_step is not None:
                hooks.after_step(index)
        count = len(ts_ms)
        if hooks.progress is not None and (self.cycles % 4096 == 0 or index + 1 == count):
            hooks.progress(index + 1, count)
        if warm or self._venue.has_open_orders() or len(care):
            following: int | None = index + 1
        else:
            following = self._stepping.next_after(index, self._account.exposed())
        if following is None or following >= count:
            # The end of the bars: the bars skipped after the last step still count for
            # the equity curve and the final marks.
            following = None
            self._equity.advance(count - 1)
            self._last = count - 1
        self._index = following
        return True

    @property
    def backoff(self) -> RejectionBackoff:
        return self._care.backoff

    def orders(self) -> tuple[Order, ...]:
        """Return every order the venue took, as it reports them now, in send order."""
        return self._desk.orders()

    def marks_at(self, index: int) -> dict[str, MarkPrice]:
        """Return each symbol's last close at or before bar `index`, stamped with its time."""
        marks = {}
        now_ms = int(self.timeline.ts_ms.item(index))
        for symbol, series, position, _ in self._views:
            at = int(position.item(index))
            if at >= 0:
                marks[symbol] = MarkPrice(
                    symbol=symbol, price=float_mark(series.close.item(at)), ts_ms=now_ms
                )
        return marks

    def _feed(self, index: int) -> None:
        venue = self._venue
        if not venue.has_open_orders():
            return
        fills: list[Fill] = []
        for symbol, series, position, has_bar in self._views:
            if venue.has_open_orders(symbol) and has_bar.item(index):
                fills.extend(venue.on_bar(series.bar_at(int(position.item(index)))))
        self._desk.take_fills(fills)
        # A bar can fill, expire or reject orders: all change what the venue reports.
        self._account.changed()
        if fills:
            self._equity.set_state(float(venue.cash()), self._account.quantities())

    def _decide(self, index: int, now_ms: int) -> None:
        control = self._hooks.control
        cursors = {
            symbol: SymbolCursor(
                series=series, position=int(position.item(index)), current=bool(has_bar.item(index))
            )
            for symbol, series, position, has_bar in self._views
        }
        plan = self._decider.decide(
            now_ms,
            cursors,
            CycleState(
                account=self._account.state(),
                peak_equity=float_mark(self._equity.peak),
                trading_state=control.refresh() if control is not None else TradingState.ACTIVE,
                backoff_until_ms=self._care.backoff.until(now_ms),
            ),
        )
        if plan is not None:
            self._care.dispatch(plan, now_ms)

    def result(self, stop_reason: str) -> RunResult:
        """Return what the run produced up to the last step taken."""
        venue = self._venue
        last = self._last
        marks: dict[str, Decimal] = (
            {s: m.price for s, m in self.marks_at(last).items()} if last >= 0 else {}
        )
        first = min(self._first, last + 1)
        equity = self._equity
        care = self._care
        return RunResult(
            run_id=self._settings.run_id,
            bars=len(self.timeline),
            cycles=self.cycles,
            kernel_calls=self._decider.kernel_calls,
            stop_reason=stop_reason,
            plan_hashes=tuple(self._decider.plan_hashes),
            run_plan_hash=chain_hash([digest for _, digest in self._decider.plan_hashes]),
            orders=self.orders(),
            order_states=self._desk.order_states(),
            fills=tuple(venue.own_trades()),
            rejections=tuple(care.rejections),
            dropped_slices=tuple(care.dropped),
            timed_out=tuple(care.timed_out),
            closed_trades=venue.closed_trades(),
            open_trades=venue.open_trades(),
            equity_ts=self.timeline.ts_ms[first : last + 1],
            equity=equity.curve()[first:],
            cash=equity.cash_curve()[first:],
            final_equity=venue.equity(marks),
            final_marks=marks,
            fees=venue.fees_paid,
            exposed_bars=equity.exposed_bars,
        )
