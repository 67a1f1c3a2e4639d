"""Candles for display: a long series is merged into at most `max_candles` candles.

Each displayed candle merges `step` consecutive bars (open of the first, high and low over
all, close of the last, time of the first), so the chart stays light however long the run,
and no high or low disappears. Trade markers keep their exact times and prices.
"""

import math

import attrs
import numpy as np

from tradekernel.shared.bars import BarSeries, FloatArray, IntArray

DEFAULT_MAX_CANDLES = 1_500


@attrs.frozen(kw_only=True, eq=False)
class Candles:
    """OHLC columns to draw; `step` bars per candle (1 when not downsampled)."""

    ts_ms: IntArray
    open: FloatArray
    high: FloatArray
    low: FloatArray
    close: FloatArray
    step: int


def display_candles(series: BarSeries, max_candles: int = DEFAULT_MAX_CANDLES) -> Candles:
    """Return the series' candles, merged `step` bars at a time when longer than `max_candles`.

    Raises:
        ValueError: if `max_candles` is below 1.
    """
    if max_candles < 1:
        raise ValueError(f"max_candles must be at least 1, got {max_candles}")
    count = len(series)
    step = max(1, math.ceil(count / max_candles))
    if step == 1:
        return Candles(
            ts_ms=series.ts_ms,
            open=series.open,
            high=series.high,
            low=series.low,
            close=series.close,
            step=1,
        )
    starts = np.arange(0, count, step, dtype=np.int64)
    ends = np.minimum(starts + step, count) - 1
    return Candles(
        ts_ms=series.ts_ms[starts],
        open=series.open[starts],
        high=np.maximum.reduceat(series.high, starts),
        low=np.minimum.reduceat(series.low, starts),
        close=series.close[ends],
        step=step,
    )
