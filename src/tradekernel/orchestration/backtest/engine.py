"""The backtest loop: the live kernel, a simulated venue, and a sparse walk over the bars.

Indicators are computed once over the whole history (`PlanningKernel.prepare`); the loop
then jumps from one bar where something can happen to the next: a bar where the kernel can
emit a directive (`PreparedMarket.activity`), or any bar while the venue holds working
orders or delayed slices wait. `dense=True` calls the kernel on every bar instead; both
give the same trades and the same plan hashes (see docs/backtesting.md).
"""

from collections.abc import Callable, Mapping
from decimal import Decimal

import attrs

from tradekernel.domain.context import PlanningContext
from tradekernel.domain.errors import Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.plan import Plan
from tradekernel.domain.ports.simulation import SimulatedVenue
from tradekernel.domain.trades import ClosedTrade, OpenTrade
from tradekernel.orchestration.backtest.account_view import AccountView
from tradekernel.orchestration.backtest.equity import EquityTracker
from tradekernel.orchestration.backtest.steps import StepSchedule
from tradekernel.orchestration.backtest.timeline import Timeline, build_timeline
from tradekernel.orchestration.canonical import canonical_json, chain_hash, hash_text
from tradekernel.orchestration.context_record import context_json
from tradekernel.orchestration.cycle_context import (
    SymbolCursor,
    build_cycle_context,
    float_mark,
)
from tradekernel.orchestration.delayed_slices import DelayedSlices
from tradekernel.orchestration.kernel import PlanningKernel
from tradekernel.orchestration.prepared_market import PreparedMarket
from tradekernel.shared.bars import BarSeries, FloatArray, IntArray

# (plan, plan hash, plan JSON, context JSON): what a recorded cycle stores.
PlanSink = Callable[[Plan, str, str, str], None]
Progress = Callable[[int, int], None]


@attrs.frozen(kw_only=True)
class BacktestRequest:
    run_id: str
    series: Mapping[str, BarSeries]
    rules: Mapping[str, SymbolRules]
    dense: bool = False


@attrs.frozen(kw_only=True, eq=False)
class BacktestResult:
    """What a run produced. `plan_hashes` lists every plan with a directive or an intent."""

    run_id: str
    bars: int
    kernel_calls: int
    plan_hashes: tuple[tuple[int, str], ...]
    run_plan_hash: str
    orders: tuple[Order, ...]
    fills: tuple[Fill, ...]
    rejections: tuple[tuple[int, str, str], ...]
    closed_trades: tuple[ClosedTrade, ...]
    open_trades: tuple[OpenTrade, ...]
    equity_ts: IntArray
    equity: FloatArray
    cash: FloatArray
    final_equity: Decimal
    final_marks: Mapping[str, Decimal]
    fees: Decimal
    exposed_bars: int


def _is_recorded(plan: Plan) -> bool:
    return bool(plan.directives or plan.intents)


class BacktestEngine:
    """Drive one kernel against one simulated venue over recorded bars."""

    def __init__(
        self,
        kernel: PlanningKernel,
        venue: SimulatedVenue,
        *,
        on_plan: PlanSink | None = None,
        progress: Progress | None = None,
    ) -> None:
        self._kernel = kernel
        self._venue = venue
        self._on_plan = on_plan
        self._progress = progress

    def run(self, request: BacktestRequest) -> BacktestResult:
        """Run the backtest and return its result."""
        market = self._kernel.prepare(request.series)
        series = market.series
        timeline = build_timeline(series)
        steps = StepSchedule(market, timeline, request.dense)
        venue = self._venue
        tracker = EquityTracker(timeline, series, float(venue.cash()))
        run = _RunState(timeline, market, AccountView(venue, timeline.symbols))
        progress = self._progress
        ts_ms = timeline.ts_ms
        count = len(timeline)
        index: int | None = 0 if count else None
        while index is not None:
            now_ms = int(ts_ms.item(index))
            self._feed(index, now_ms, run, tracker)
            tracker.advance(index)
            if steps.kernel_at(index, run.account.exposed()):
                self._decide(index, now_ms, request, run, tracker)
            run.steps += 1
            if progress is not None and run.steps % 4096 == 0:
                progress(index + 1, count)
            if venue.has_open_orders() or run.pending:
                index += 1
            else:
                index = steps.next_after(index, run.account.exposed())
            if index is not None and index >= count:
                index = None
        tracker.advance(count - 1)
        if progress is not None:
            progress(count, count)
        return self._result(request, series, timeline, run, tracker)

    def _feed(self, index: int, now_ms: int, run: "_RunState", tracker: EquityTracker) -> None:
        venue = self._venue
        if venue.has_open_orders():
            fed = filled = False
            for symbol, series, position, has_bar in run.views:
                if not venue.has_open_orders(symbol) or not has_bar.item(index):
                    continue
                fed = True
                filled |= bool(venue.on_bar(series.bar_at(int(position.item(index)))))
            if fed:
                # A bar can fill, expire or reject orders: all change what the venue reports.
                run.account.changed()
            if filled:
                tracker.set_state(float(venue.cash()), run.account.quantities())
        if run.pending:
            for intent in run.pending.take_due(now_ms):
                self._submit(intent, now_ms, run)

    def _decide(
        self,
        index: int,
        now_ms: int,
        request: BacktestRequest,
        run: "_RunState",
        tracker: EquityTracker,
    ) -> None:
        context = self._context(index, now_ms, request, run, tracker)
        plan = self._kernel.plan(context, run.market)
        run.kernel_calls += 1
        if not _is_recorded(plan):
            return
        text = canonical_json(plan)
        digest = hash_text(text)
        run.plan_hashes.append((now_ms, digest))
        if self._on_plan is not None:
            self._on_plan(plan, digest, text, context_json(context))
        for intent in plan.intents:
            if intent.skipped:
                continue
            if intent.delay_ms > 0:
                run.pending.hold(intent, now_ms)
            else:
                self._submit(intent, now_ms, run)

    def _submit(self, intent: ExecutionIntent, now_ms: int, run: "_RunState") -> None:
        run.account.changed()
        try:
            self._venue.submit(intent)
        except Rejected as error:
            run.rejections.append((now_ms, intent.client_order_id, str(error)))
            return
        run.submitted.append((intent.symbol, intent.client_order_id))

    def _context(
        self,
        index: int,
        now_ms: int,
        request: BacktestRequest,
        run: "_RunState",
        tracker: EquityTracker,
    ) -> PlanningContext[BarSeries]:
        cursors = {
            symbol: SymbolCursor(
                series=series,
                position=int(position.item(index)),
                current=bool(has_bar.item(index)),
            )
            for symbol, series, position, has_bar in run.views
        }
        return build_cycle_context(
            run_id=request.run_id,
            now_ms=now_ms,
            cursors=cursors,
            rules=request.rules,
            account=run.account.state(),
            peak_equity=float_mark(tracker.peak),
        )

    def _result(
        self,
        request: BacktestRequest,
        series: Mapping[str, BarSeries],
        timeline: Timeline,
        run: "_RunState",
        tracker: EquityTracker,
    ) -> BacktestResult:
        venue = self._venue
        marks = {
            symbol: float_mark(series[symbol].close[-1])
            for symbol in timeline.symbols
            if len(series[symbol])
        }
        orders = tuple(venue.fetch_order(symbol, cid) for symbol, cid in run.submitted)
        return BacktestResult(
            run_id=request.run_id,
            bars=len(timeline),
            kernel_calls=run.kernel_calls,
            plan_hashes=tuple(run.plan_hashes),
            run_plan_hash=chain_hash([digest for _, digest in run.plan_hashes]),
            orders=orders,
            fills=tuple(venue.own_trades()),
            rejections=tuple(run.rejections),
            closed_trades=venue.closed_trades(),
            open_trades=venue.open_trades(),
            equity_ts=timeline.ts_ms,
            equity=tracker.curve(),
            cash=tracker.cash_curve(),
            final_equity=venue.equity(marks),
            final_marks=marks,
            fees=venue.fees_paid,
            exposed_bars=tracker.exposed_bars,
        )


class _RunState:
    def __init__(self, timeline: Timeline, market: PreparedMarket, account: "AccountView") -> None:
        self.market = market
        series = market.series
        self.kernel_calls = 0
        self.steps = 0
        self.plan_hashes: list[tuple[int, str]] = []
        self.pending = DelayedSlices()
        self.rejections: list[tuple[int, str, str]] = []
        self.submitted: list[tuple[str, str]] = []
        self.account = account
        # Per symbol, in timeline order: what every step reads, looked up once.
        self.views = tuple(
            (symbol, series[symbol], timeline.index[symbol], timeline.has_bar[symbol])
            for symbol in timeline.symbols
        )
