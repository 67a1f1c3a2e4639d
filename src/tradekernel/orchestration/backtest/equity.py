"""The equity curve of a backtest, built segment by segment in numpy.

Between two processed bars nothing fills, so cash and holdings are constant and the
equity over the skipped bars is `cash + sum(qty * close)`, computed vectorised. Dense and
sparse runs evaluate the same float expression per bar, so their curves and peaks are
identical bit for bit.
"""

from collections.abc import Mapping

import numpy as np

from tradekernel.orchestration.backtest.timeline import Timeline
from tradekernel.shared.bars import BarSeries, FloatArray


class EquityTracker:
    def __init__(self, timeline: Timeline, series: Mapping[str, BarSeries], cash: float) -> None:
        self._timeline = timeline
        self._series = series
        self._cash = cash
        self._quantity: dict[str, float] = {}
        self._done = -1
        self._segments: list[FloatArray] = []
        self._cash_segments: list[FloatArray] = []
        self._exposed_bars = 0
        self.peak = cash

    def set_state(self, cash: float, quantities: Mapping[str, float]) -> None:
        """Record the account after fills (applies from the current bar on)."""
        self._cash = cash
        self._quantity = {s: q for s, q in quantities.items() if q != 0.0}

    def advance(self, to_index: int) -> None:
        """Compute equity for every bar up to and including `to_index`."""
        start = self._done + 1
        if to_index < start:
            return
        segment = np.full(to_index - start + 1, self._cash, dtype=np.float64)
        for symbol in sorted(self._quantity):
            position = self._timeline.index[symbol][start : to_index + 1]
            closes = self._series[symbol].close[np.clip(position, 0, None)]
            segment += self._quantity[symbol] * np.where(position >= 0, closes, 0.0)
        if self._quantity:
            self._exposed_bars += segment.shape[0]
        self._segments.append(segment)
        self._cash_segments.append(np.full(segment.shape[0], self._cash, dtype=np.float64))
        self.peak = max(self.peak, float(segment.max()))
        self._done = to_index

    def curve(self) -> FloatArray:
        if not self._segments:
            return np.zeros(0, dtype=np.float64)
        return np.concatenate(self._segments)

    def cash_curve(self) -> FloatArray:
        if not self._cash_segments:
            return np.zeros(0, dtype=np.float64)
        return np.concatenate(self._cash_segments)

    @property
    def exposed_bars(self) -> int:
        return self._exposed_bars
