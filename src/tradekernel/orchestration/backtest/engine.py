"""The backtest loop: the live kernel, a simulated venue, and a sparse walk over the bars.

Indicators are computed once over the whole history (`PlanningKernel.precompute`); the loop
then jumps from one bar where something can happen to the next: a bar where the kernel can
emit a directive (`PlanningKernel.activity`), or any bar while the venue holds working
orders or delayed slices wait. `dense=True` calls the kernel on every bar instead; both
give the same trades and the same plan hashes (see docs/backtesting.md).
"""

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import attrs
import numpy as np

from tradekernel.domain.account import Position
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
from tradekernel.shared.candidates import BoolArray

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
        run = _RunState(timeline, series, _AccountView(venue, timeline.symbols))
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
            due = [intent for due_ms, intent in run.pending if due_ms <= now_ms]
            if due:
                run.pending = [(t, i) for t, i in run.pending if t > now_ms]
                for intent in due:
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
        plan = self._kernel.plan(context)
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
                run.pending.append((now_ms + intent.delay_ms, intent))
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
    def __init__(
        self, timeline: Timeline, series: Mapping[str, BarSeries], account: "_AccountView"
    ) -> None:
        self.kernel_calls = 0
        self.steps = 0
        self.plan_hashes: list[tuple[int, str]] = []
        self.pending: list[tuple[int, ExecutionIntent]] = []
        self.rejections: list[tuple[int, str, str]] = []
        self.submitted: list[tuple[str, str]] = []
        self.account = account
        # Per symbol, in timeline order: what every step reads, looked up once.
        self.views = tuple(
            (symbol, series[symbol], timeline.index[symbol], timeline.has_bar[symbol])
            for symbol in timeline.symbols
        )


class _AccountView:
    """What the venue reports about the account, asked again only after it may have changed.

    The venue's state changes only when the loop feeds it a bar or submits an order, and
    the loop calls `changed()` at both; in between, the positions, balances and open
    orders it reported stay true, so each is built once per change instead of per use.
    """

    def __init__(self, venue: SimulatedVenue, symbols: tuple[str, ...]) -> None:
        self._venue = venue
        self._symbols = symbols
        self._positions: Sequence[Position] | None = None
        self._held: tuple[str, ...] = ()
        self._state: AccountState | None = None

    def changed(self) -> None:
        self._positions = None
        self._state = None

    def positions(self) -> Sequence[Position]:
        if self._positions is None:
            self._positions = self._venue.positions()
            known = set(self._symbols)
            self._held = tuple(
                sorted({p.symbol for p in self._positions if p.quantity != 0} & known)
            )
        return self._positions

    def quantities(self) -> dict[str, float]:
        return {p.symbol: float(p.quantity) for p in self.positions()}

    def exposed(self) -> tuple[str, ...]:
        """Return the timeline's symbols with a holding or a working order, sorted."""
        self.positions()
        venue = self._venue
        if not venue.has_open_orders():
            return self._held
        return tuple(
            symbol
            for symbol in self._symbols
            if symbol in self._held or venue.has_open_orders(symbol)
        )

    def state(self) -> AccountState:
        if self._state is None:
            venue = self._venue
            self._state = AccountState(
                balances=venue.balances(),
                positions=self.positions(),
                open_orders=(
                    tuple(order.as_open_order_view() for order in venue.open_orders())
                    if venue.has_open_orders()
                    else ()
                ),
            )
        return self._state


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
        count = len(timeline)
        flat = np.zeros(count, dtype=np.bool_)
        self._exposed_masks: dict[str, BoolArray] = {}
        self._exposed: dict[str, _StepCursor] = {}
        for symbol in timeline.symbols:
            act = kernel.activity(series[symbol])
            flat |= on_timeline(timeline, symbol, act.flat)
            mask = on_timeline(timeline, symbol, act.exposed)
            self._exposed_masks[symbol] = mask
            self._exposed[symbol] = _StepCursor(np.flatnonzero(mask))
        self._flat_mask = flat
        self._flat = _StepCursor(np.flatnonzero(flat))

    def kernel_at(self, index: int, exposed: tuple[str, ...]) -> bool:
        if self._dense or self._flat_mask.item(index):
            return True
        return any(self._exposed_masks[symbol].item(index) for symbol in exposed)

    def next_after(self, index: int, exposed: tuple[str, ...]) -> int | None:
        """Return the first step after `index` (calls must come with growing `index`)."""
        if self._dense:
            return index + 1
        found = self._flat.first_after(index)
        for symbol in exposed:
            step = self._exposed[symbol].first_after(index)
            if step is not None and (found is None or step < found):
                found = step
        return found


class _StepCursor:
    """The first step after an index, for indices that only grow: O(1) per call mostly."""

    def __init__(self, steps: IntArray) -> None:
        self._steps = steps
        self._count = int(steps.shape[0])
        # `_next` is steps[_position], the first step after every index asked so far.
        self._position = 0
        self._next: int | None = int(steps.item(0)) if self._count else None

    def first_after(self, index: int) -> int | None:
        found = self._next
        if found is None or found > index:
            return found
        steps = self._steps
        position = self._position + 1
        if position < self._count and steps.item(position) <= index:
            # A jump over several steps (a symbol not exposed for a while): bisect.
            position = int(np.searchsorted(steps, index, side="right"))
        self._position = position
        self._next = int(steps.item(position)) if position < self._count else None
        return self._next
