"""The equity curve of a backtest: O(1) per step in the loop, built in numpy at the end.

Between two fills, cash and holdings are constant, so the loop only records each state
change as a run (the first bar it applies to, cash, quantities). The curve is
`cash + sum(qty * close)` per bar over the held symbols in sorted order, built for the
whole timeline at once with numpy; dense and sparse runs evaluate the same float
expression per bar, so their curves and peaks are identical bit for bit.

The peak is read by the loop at each kernel call, so it is brought up to date lazily, when
read, over the runs it has not seen yet. While exactly one symbol is held long,
`cash + q * close` is monotonic in `close` (IEEE rounding is monotonic), so the run's
largest equity is `cash + q * max(close)` over a numpy slice of the closes: bit for bit the
maximum of the per-bar values, without allocating an array per step.
"""

import itertools
from collections.abc import Mapping

import numpy as np

from tradekernel.orchestration.cycle.timeline import Timeline
from tradekernel.shared.bars import BarSeries, FloatArray

_SHORT = 48

# (first bar it applies to, cash, ((symbol, quantity), ...) sorted by symbol, non-zero only)
_Run = tuple[int, float, tuple[tuple[str, float], ...]]


class EquityTracker:
    def __init__(self, timeline: Timeline, series: Mapping[str, BarSeries], cash: float) -> None:
        self._timeline = timeline
        self._series = series
        self._runs: list[_Run] = [(0, cash, ())]
        self._holdings: dict[tuple[tuple[str, float], ...], tuple[tuple[str, float], ...]] = {}
        self._done = -1
        # The peak covers bars 0.._peak_done; runs before _peak_run end before the next one.
        self._peak = cash
        self._peak_done = -1
        self._peak_run = 0
        # A series' own bars are the timeline's bars when it is the only symbol.
        self._identity = len(timeline.symbols) == 1

    def set_state(self, cash: float, quantities: Mapping[str, float]) -> None:
        """Record the account after fills (applies from the first bar not yet advanced to)."""
        held = tuple((s, quantities[s]) for s in sorted(quantities) if quantities[s] != 0.0)
        # Equal holdings share one tuple: a run that trades one size all along keeps two
        # tuples in its tens of thousands of runs instead of one per fill.
        held = self._holdings.setdefault(held, held)
        start = self._done + 1
        if self._runs[-1][0] == start:
            # Set twice before the loop moved on: the last state wins. No bar of the run
            # replaced was advanced to, so the peak has not seen it either.
            self._runs[-1] = (start, cash, held)
        else:
            self._runs.append((start, cash, held))

    def advance(self, to_index: int) -> None:
        """Account for every bar up to and including `to_index`."""
        self._done = max(self._done, to_index)

    @property
    def peak(self) -> float:
        """Return the highest equity over the bars advanced to (the starting cash at least)."""
        if self._peak_done < self._done:
            self._catch_up()
        return self._peak

    def _catch_up(self) -> None:
        runs = self._runs
        done = self._done
        last_run = len(runs) - 1
        position = self._peak_run
        first = self._peak_done + 1
        peak = self._peak
        while True:
            _, cash, held = runs[position]
            stop = runs[position + 1][0] - 1 if position < last_run else done
            stop = min(stop, done)
            if first <= stop:
                value = self._run_max(first, stop, cash, held) if held else cash
                peak = max(peak, value)
                first = stop + 1
            if stop == done or position == last_run:
                break
            position += 1
        self._peak = peak
        self._peak_done = done
        self._peak_run = position

    def _run_max(
        self, first: int, last: int, cash: float, held: tuple[tuple[str, float], ...]
    ) -> float:
        if not held:
            return cash
        if len(held) == 1 and held[0][1] > 0.0:
            symbol, quantity = held[0]
            if self._identity:
                lo, hi = first, last
            else:
                position = self._timeline.index[symbol]
                lo, hi = position.item(first), position.item(last)
            best = -np.inf
            if lo < 0:
                # Bars before the symbol's first one value it at 0.0, as the curve does.
                best = cash + quantity * 0.0
                lo = 0
            if lo <= hi:
                closes = self._series[symbol].close[lo : hi + 1]
                # A short run (the usual case) is cheaper as a list than as a numpy reduce.
                top = max(closes.tolist()) if hi - lo < _SHORT else float(closes.max())
                best = max(best, cash + quantity * top)
            return best
        return float(self._segment(first, last, cash, held).max())

    def _segment(
        self, first: int, last: int, cash: float, held: tuple[tuple[str, float], ...]
    ) -> FloatArray:
        segment = np.full(last - first + 1, cash, dtype=np.float64)
        for symbol, quantity in held:
            position = self._timeline.index[symbol][first : last + 1]
            closes = self._series[symbol].close[np.clip(position, 0, None)]
            segment += quantity * np.where(position >= 0, closes, 0.0)
        return segment

    def _lengths(self) -> list[int]:
        end = self._done + 1
        starts = [run[0] for run in self._runs] + [end]
        return [max(0, min(b, end) - a) for a, b in itertools.pairwise(starts)]

    def curve(self) -> FloatArray:
        """Return the equity of every bar advanced to."""
        lengths = self._lengths()
        equity = self.cash_curve()
        # Per held symbol, its quantity and whether it is held, run by run.
        columns: dict[str, tuple[list[float], list[bool]]] = {}
        for run, (_, _, held) in enumerate(self._runs):
            for symbol, quantity in held:
                if symbol not in columns:
                    columns[symbol] = ([0.0] * len(self._runs), [False] * len(self._runs))
                columns[symbol][0][run] = quantity
                columns[symbol][1][run] = True
        for symbol in sorted(columns):
            quantities, held_runs = columns[symbol]
            held_mask = np.repeat(np.array(held_runs, dtype=np.bool_), lengths)
            # qty * close per bar, multiplied into the quantity column in place: a million
            # bars then need one temporary column, not four.
            value = np.repeat(np.array(quantities, dtype=np.float64), lengths)
            value *= self._closes(symbol, equity.shape[0])
            # Added only where held: a run's bar sums exactly its own held symbols, in order.
            np.add(equity, value, out=equity, where=held_mask)
        return equity

    def _closes(self, symbol: str, count: int) -> FloatArray:
        """Return the symbol's close at each of the first `count` bars (0.0 before its first)."""
        closes = self._series[symbol].close
        if self._identity:
            return closes[:count]
        position = self._timeline.index[symbol][:count]
        at_bar = closes[np.clip(position, 0, None)]
        at_bar[position < 0] = 0.0
        return at_bar

    def cash_curve(self) -> FloatArray:
        """Return the free cash of every bar advanced to."""
        cash = np.array([run[1] for run in self._runs], dtype=np.float64)
        return np.repeat(cash, self._lengths())

    @property
    def exposed_bars(self) -> int:
        """Return how many bars advanced to had a non-zero holding."""
        return sum(n for n, run in zip(self._lengths(), self._runs, strict=True) if run[2])


class RunningPeak:
    """The peak equity of a run valued one cycle at a time (live, where bars arrive).

    Each value is `EquityTracker`'s expression: `cash + qty * close` per held symbol,
    added in symbol order in float64, so the same account on the same closes gives the
    backtest's peak bit for bit.
    """

    def __init__(self, start: float | None = None) -> None:
        # A restarted bot starts from the peak its earlier sessions planned with.
        self.peak: float | None = start

    def mark(
        self, *, cash: float, quantities: Mapping[str, float], closes: Mapping[str, float]
    ) -> float:
        """Value the account at one cycle and return the peak so far."""
        value = cash
        for symbol in sorted(quantities):
            quantity = quantities[symbol]
            if quantity != 0.0:
                value += quantity * closes.get(symbol, 0.0)
        peak = value if self.peak is None else max(self.peak, value)
        self.peak = peak
        return peak
