"""The backtest loop: the live kernel, a simulated venue, and a sparse walk over the bars.

Indicators are computed once over the whole history (`PlanningKernel.precompute`); the loop
then jumps from one bar where something can happen to the next: a bar where the kernel can
emit a directive (`PlanningKernel.activity`), or any bar while the venue holds working
orders or delayed slices wait. `dense=True` calls the kernel on every bar instead; both
give the same trades and the same plan hashes (see docs/backtesting.md).
"""

from collections.abc import Callable, Mapping
from decimal import Decimal

import attrs
import numpy as np

from tradekernel.domain.context import PlanningContext
from tradekernel.domain.errors import Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.plan import Plan
from tradekernel.domain.ports.simulation import SimulatedVenue
from tradekernel.domain.trades import ClosedTrade, OpenTrade
from tradekernel.orchestration.backtest.equity import EquityTracker
from tradekernel.orchestration.backtest.timeline import Timeline, build_timeline, on_timeline
from tradekernel.orchestration.canonical import canonical_json, chain_hash, hash_text
from tradekernel.orchestration.context_record import context_json
from tradekernel.orchestration.cycle_context import (
    AccountState,
    SymbolCursor,
    build_cycle_context,
    float_mark,
)
from tradekernel.orchestration.kernel import PlanningKernel
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
        series = {s: self._kernel.precompute(bars) for s, bars in sorted(request.series.items())}
        timeline = build_timeline(series)
        steps = _Steps(self._kernel, series, timeline, request.dense)
        venue = self._venue
        tracker = EquityTracker(timeline, series, float(venue.cash()))
        run = _RunState()
        count = len(timeline)
        index: int | None = 0 if count else None
        while index is not None:
            self._feed(index, series, timeline, run, tracker)
            tracker.advance(index)
            if steps.kernel_at(index, self._exposed(timeline)):
                self._decide(index, request, series, timeline, run, tracker)
            run.steps += 1
            if self._progress is not None and run.steps % 4096 == 0:
                self._progress(index + 1, count)
            busy = venue.has_open_orders() or bool(run.pending)
            index = index + 1 if busy else steps.next_after(index, self._exposed(timeline))
            if index is not None and index >= count:
                index = None
        tracker.advance(count - 1)
        if self._progress is not None:
            self._progress(count, count)
        return self._result(request, series, timeline, run, tracker)

    def _exposed(self, timeline: Timeline) -> frozenset[str]:
        held = {p.symbol for p in self._venue.positions() if p.quantity != 0}
        working = {o.symbol for o in self._venue.open_orders()}
        return frozenset((held | working) & set(timeline.symbols))

    def _feed(
        self,
        index: int,
        series: Mapping[str, BarSeries],
        timeline: Timeline,
        run: "_RunState",
        tracker: EquityTracker,
    ) -> None:
        venue = self._venue
        filled = False
        for symbol in timeline.symbols:
            if not timeline.has_bar[symbol][index] or not venue.has_open_orders(symbol):
                continue
            bar = series[symbol].bar_at(int(timeline.index[symbol][index]))
            filled |= bool(venue.on_bar(bar))
        if filled:
            quantities = {p.symbol: float(p.quantity) for p in venue.positions()}
            tracker.set_state(float(venue.cash()), quantities)
        due = [intent for due_ms, intent in run.pending if due_ms <= int(timeline.ts_ms[index])]
        if due:
            run.pending = [(t, i) for t, i in run.pending if t > int(timeline.ts_ms[index])]
            for intent in due:
                self._submit(intent, int(timeline.ts_ms[index]), run)

    def _decide(
        self,
        index: int,
        request: BacktestRequest,
        series: Mapping[str, BarSeries],
        timeline: Timeline,
        run: "_RunState",
        tracker: EquityTracker,
    ) -> None:
        now_ms = int(timeline.ts_ms[index])
        context = self._context(index, now_ms, request, series, timeline, tracker)
        plan = self._kernel.plan(context)
        run.kernel_calls += 1
        if not _is_recorded(plan):
            return
        text = canonical_json(plan)
        digest = hash_text(text)
        run.plan_hashes.append((now_ms, digest))
        if self._on_plan is not None:
            self._on_plan(plan, digest, text, context_json(context))
        for intent in plan.tradable_intents:
            if intent.delay_ms > 0:
                run.pending.append((now_ms + intent.delay_ms, intent))
            else:
                self._submit(intent, now_ms, run)

    def _submit(self, intent: ExecutionIntent, now_ms: int, run: "_RunState") -> None:
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
        series: Mapping[str, BarSeries],
        timeline: Timeline,
        tracker: EquityTracker,
    ) -> PlanningContext[BarSeries]:
        venue = self._venue
        cursors = {
            symbol: SymbolCursor(
                series=series[symbol],
                position=int(timeline.index[symbol][index]),
                current=bool(timeline.has_bar[symbol][index]),
            )
            for symbol in timeline.symbols
        }
        return build_cycle_context(
            run_id=request.run_id,
            now_ms=now_ms,
            cursors=cursors,
            rules=request.rules,
            account=AccountState(
                balances=venue.balances(),
                positions=venue.positions(),
                open_orders=tuple(order.as_open_order_view() for order in venue.open_orders()),
            ),
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
    def __init__(self) -> None:
        self.kernel_calls = 0
        self.steps = 0
        self.plan_hashes: list[tuple[int, str]] = []
        self.pending: list[tuple[int, ExecutionIntent]] = []
        self.rejections: list[tuple[int, str, str]] = []
        self.submitted: list[tuple[str, str]] = []


class _Steps:
    """Where the kernel runs: per symbol, the flat and exposed activity masks on the timeline."""

    def __init__(
        self,
        kernel: PlanningKernel,
        series: Mapping[str, BarSeries],
        timeline: Timeline,
        dense: bool,
    ) -> None:
        self._dense = dense
        self._count = len(timeline)
        flat = np.zeros(self._count, dtype=np.bool_)
        self._exposed: dict[str, IntArray] = {}
        for symbol in timeline.symbols:
            act = kernel.activity(series[symbol])
            flat |= on_timeline(timeline, symbol, act.flat)
            self._exposed[symbol] = np.flatnonzero(on_timeline(timeline, symbol, act.exposed))
        self._flat = np.flatnonzero(flat)
        self._flat_mask = flat
        self._exposed_masks = {s: np.zeros(self._count, dtype=np.bool_) for s in self._exposed}
        for symbol, where in self._exposed.items():
            self._exposed_masks[symbol][where] = True

    def kernel_at(self, index: int, exposed: frozenset[str]) -> bool:
        if self._dense or self._flat_mask[index]:
            return True
        return any(self._exposed_masks[symbol][index] for symbol in exposed)

    def next_after(self, index: int, exposed: frozenset[str]) -> int | None:
        if self._dense:
            return index + 1
        candidates = [_first_after(self._flat, index)]
        candidates += [_first_after(self._exposed[symbol], index) for symbol in exposed]
        found = [c for c in candidates if c is not None]
        return min(found) if found else None


def _first_after(steps: IntArray, index: int) -> int | None:
    position = int(np.searchsorted(steps, index, side="right"))
    return int(steps[position]) if position < steps.shape[0] else None
