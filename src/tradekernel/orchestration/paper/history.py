"""A symbol's bar history as it arrives: numpy columns that grow, read as `BarSeries` views."""

import numpy as np

from tradekernel.domain.market import Bar
from tradekernel.shared.bars import BarSeries, FloatArray, IntArray

_START_CAPACITY = 256


class GrowingHistory:
    """Append closed bars one at a time; `series()` is the history so far (no copy).

    Prices are stored as the floats of the bars' decimals, exactly as `BarSeries.from_bars`
    stores them, so a replayed file gives the arrays the backtest loads.
    """

    def __init__(self, symbol: str) -> None:
        self.symbol = symbol
        self._count = 0
        self._ts: IntArray = np.zeros(_START_CAPACITY, dtype=np.int64)
        self._columns: list[FloatArray] = [
            np.zeros(_START_CAPACITY, dtype=np.float64) for _ in range(5)
        ]

    def __len__(self) -> int:
        return self._count

    @property
    def last_ts_ms(self) -> int | None:
        return int(self._ts[self._count - 1]) if self._count else None

    def append(self, bar: Bar) -> None:
        """Add the next closed bar.

        Raises:
            ValueError: the bar is of another symbol or not after the last one.
        """
        if bar.symbol != self.symbol:
            raise ValueError(f"bar of {bar.symbol} appended to the history of {self.symbol}")
        last = self.last_ts_ms
        if last is not None and bar.ts_ms <= last:
            raise ValueError(f"bar {bar.symbol}@{bar.ts_ms} is not after the last bar, {last}")
        if self._count == self._ts.shape[0]:
            self._grow()
        self._ts[self._count] = bar.ts_ms
        values = (bar.open, bar.high, bar.low, bar.close, bar.volume)
        for column, value in zip(self._columns, values, strict=True):
            column[self._count] = float(value)
        self._count += 1

    def series(self) -> BarSeries:
        """Return the bars so far as a series (views into the growing arrays)."""
        n = self._count
        opens, highs, lows, closes, volumes = (column[:n] for column in self._columns)
        return BarSeries(
            symbol=self.symbol,
            ts_ms=self._ts[:n],
            open=opens,
            high=highs,
            low=lows,
            close=closes,
            volume=volumes,
        )

    def _grow(self) -> None:
        size = self._ts.shape[0] * 2
        self._ts = np.concatenate([self._ts, np.zeros(size - self._ts.shape[0], dtype=np.int64)])
        self._columns = [
            np.concatenate([column, np.zeros(size - column.shape[0], dtype=np.float64)])
            for column in self._columns
        ]
