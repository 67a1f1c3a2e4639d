"""A recorded market: prepared bar histories stepped bar by bar, or sparsely.

The backtest and the paper replay trade on this market. Indicators are computed once over
the whole history (`PlanningKernel.prepare`, a `PreparedMarket`); the market steps over
the sorted union of the symbols' bar times (`timeline`). Sparse stepping
(`stepping.StepSchedule`) jumps from one bar where the kernel can act to the next,
stepping every bar while an order works or a slice waits; dense stepping visits every
bar. At each step the simulated venue is fed the bars of the symbols with working
orders, and the equity curve is brought up to the bar (its peak feeds the drawdown
threats).

A margined (perpetual) account pays funding and can be liquidated on bars without working
orders, so while it holds a position the venue is also fed every bar of that symbol, and
the loop steps every bar (the kernel is still called only where it can act, so plans stay
those of a dense run). Its equity is `wallet - basis + q * mark` (`MarginAccount`).
"""

from collections.abc import Callable, Mapping
from decimal import Decimal

import attrs
import numpy as np

from tradekernel.domain.market import MarkPrice
from tradekernel.domain.orders import Fill
from tradekernel.domain.ports.simulation import MarginAccount
from tradekernel.orchestration.cycle.assembler import AccountState, SymbolCursor, float_mark
from tradekernel.orchestration.cycle.desk import OrderDesk
from tradekernel.orchestration.cycle.equity import EquityTracker
from tradekernel.orchestration.cycle.market import Tick
from tradekernel.orchestration.cycle.stepping import StepSchedule
from tradekernel.orchestration.cycle.timeline import build_timeline
from tradekernel.orchestration.cycle.venue_account import VenueAccount
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.shared.bars import BarSeries

Progress = Callable[[int, int], None]


class RecordedMarket:
    """Recorded series on one timeline, fed step by step to a desk's simulated venue.

    Steps before `plan_from_ms` are warm-up: their bars reach the venue, nothing else
    runs (a restarted bot continues planning where it stopped). `on_time` is called with
    each planned step's time before anything else (a market clock, pacing).
    """

    def __init__(
        self,
        kernel: PlanningKernel,
        series: Mapping[str, BarSeries],
        desk: OrderDesk,
        *,
        dense: bool = False,
        plan_from_ms: int | None = None,
        on_time: Callable[[int], None] | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.prepared = prepared = kernel.prepare(series)
        self.series = dict(prepared.series)
        self.timeline = timeline = build_timeline(self.series)
        self._stepping = StepSchedule(prepared, timeline, dense)
        self._desk = desk
        self.venue = venue = desk.venue
        self.account_view = VenueAccount(venue, timeline.symbols, desk.open_order_views)
        self._margin = margin = venue.margin_account()
        # A margined account is valued at its mark series (the curve and the final marks).
        self._valued = valued = self.series if margin is None else _at_mark(self.series, margin)
        self.equity = EquityTracker(timeline, valued, float(venue.cash()))
        self._valued_state: tuple[float, dict[str, float]] | None = None
        self._peak = (self.equity.peak, float_mark(self.equity.peak))
        self._on_time = on_time
        self._progress = progress
        # Per symbol, in timeline order: what every step reads, looked up once.
        self._views = tuple(
            (symbol, self.series[symbol], timeline.index[symbol], timeline.has_bar[symbol])
            for symbol in timeline.symbols
        )
        self._count = count = len(timeline)
        start = plan_from_ms
        self.first = 0 if start is None else int(timeline.ts_ms.searchsorted(start, side="left"))
        self._index: int | None = 0 if count else None
        self.last = -1
        self._steps = 0

    @property
    def first_ms(self) -> int:
        """Return the time of the first planned step (0 for an empty market)."""
        return int(self.timeline.ts_ms[self.first]) if self.first < len(self.timeline) else 0

    def begin(self) -> Tick | None:
        index = self._index
        if index is None:
            return None
        now_ms = int(self.timeline.ts_ms.item(index))
        warm = index < self.first
        if not warm and self._on_time is not None:
            # Warm-up bars were seen by an earlier session: the clock stays where it is.
            self._on_time(now_ms)
        self._feed(index)
        # Positional: one tick a bar, and keywords cost a tuple's build again (measured).
        return Tick(now_ms, not warm)

    def should_plan(self, tick: Tick) -> bool:
        if not tick.care or self._index is None:
            return False
        return self._stepping.kernel_at(self._index, self.account_view.exposed())

    def cursors(self) -> dict[str, SymbolCursor]:
        index = self._at()
        # `item` of an int64 (bool) column is a Python int (bool) already.
        return {
            symbol: SymbolCursor(
                series=series, position=position.item(index), current=has_bar.item(index)
            )
            for symbol, series, position, has_bar in self._views
        }

    def valuation(self) -> tuple[AccountState, Decimal]:
        # The peak covers every bar up to this one, the ones sparse steps skipped included.
        self.equity.advance(self._at())
        peak = self.equity.peak
        if peak != self._peak[0]:
            # The peak moves only on a new high: its decimal is made once per move.
            self._peak = (peak, float_mark(peak))
        return self.account_view.state(), self._peak[1]

    def end(self, tick: Tick, *, slices_waiting: bool) -> None:
        index = self._at()
        self.equity.advance(index)
        self.last = index
        self._steps += 1
        count = self._count
        if self._progress is not None and (self._steps % 4096 == 0 or index + 1 == count):
            self._progress(index + 1, count)
        margin = self._margin
        if (
            not tick.care
            or slices_waiting
            or self.venue.has_open_orders()
            or (margin is not None and margin.open_symbols())
        ):
            following: int | None = index + 1
        else:
            following = self._stepping.next_after(index, self.account_view.exposed())
        if following is None or following >= count:
            # The end of the bars: the bars skipped after the last step still count for
            # the equity curve and the final marks.
            following = None
            self.equity.advance(count - 1)
            self.last = count - 1
        self._index = following

    def marks_at(self, index: int) -> dict[str, MarkPrice]:
        """Return each symbol's last close at or before bar `index`, stamped with its time.

        On a margined account the close is the mark series' where it has one.
        """
        marks = {}
        now_ms = int(self.timeline.ts_ms.item(index))
        valued = self._valued
        for symbol, _, position, _ in self._views:
            at = int(position.item(index))
            if at >= 0:
                close = valued[symbol].close.item(at)
                marks[symbol] = MarkPrice(symbol=symbol, price=float_mark(close), ts_ms=now_ms)
        return marks

    def _at(self) -> int:
        index = self._index
        if index is None:
            raise RuntimeError("no step in progress")
        return index

    def match_placed(self, symbol: str, client_order_id: str) -> None:
        """Match an order placed during the step against the symbol's bar of this step.

        A protective exit is placed when its entry's fill is known: it guards the rest of
        the bar the entry filled on (`SimulatedVenue.match_placed`).
        """
        fills = self.venue.match_placed(symbol, (client_order_id,))
        self._desk.take_fills(fills)
        self.account_view.changed()
        if fills:
            self._set_equity_state()

    def _feed(self, index: int) -> None:
        venue, margin = self.venue, self._margin
        held = () if margin is None else margin.open_symbols()
        if not held and not venue.has_open_orders():
            return
        fills: list[Fill] = []
        for symbol, series, position, has_bar in self._views:
            if (symbol in held or venue.has_open_orders(symbol)) and has_bar.item(index):
                fills.extend(venue.on_bar(series.bar_at(int(position.item(index)))))
        self._desk.take_fills(fills)
        # A bar can fill, expire or reject orders: all change what the venue reports.
        self.account_view.changed()
        if fills or held:
            # On a margined account funding moves the wallet on a bar without fills.
            self._set_equity_state()

    def _set_equity_state(self) -> None:
        margin = self._margin
        if margin is None:
            self.equity.set_state(float(self.venue.cash()), self.account_view.quantities())
            return
        state = (float(margin.value_offset()), self.account_view.quantities())
        if state != self._valued_state:
            # Only changes start a run: a held position would otherwise add one per bar.
            self._valued_state = state
            self.equity.set_state(*state)


def _at_mark(series: Mapping[str, BarSeries], margin: MarginAccount) -> dict[str, BarSeries]:
    """Return the series valued at the mark: closes replaced by the mark's where it has one."""
    valued = dict(series)
    for symbol, bars in series.items():
        marks = margin.mark_closes(symbol)
        if marks:
            closes = [
                float(marks[ts]) if ts in marks else close
                for ts, close in zip(bars.ts_ms.tolist(), bars.close.tolist(), strict=True)
            ]
            valued[symbol] = attrs.evolve(bars, close=np.array(closes, dtype=np.float64))
    return valued
