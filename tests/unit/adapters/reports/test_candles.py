"""Long series are drawn as merged candles that keep every high, low, first open, last close."""

import numpy as np
import pytest

from tradekernel.adapters.reports.candles import display_candles
from tradekernel.shared.bars import BarSeries


def _series(count: int) -> BarSeries:
    rng = np.random.default_rng(7)
    close = 100 + np.cumsum(rng.normal(0, 1, count))
    return BarSeries(
        symbol="BTC/USDT",
        ts_ms=np.arange(count, dtype=np.int64) * 60_000,
        open=close + 0.1,
        high=close + rng.uniform(0.5, 2, count),
        low=close - rng.uniform(0.5, 2, count),
        close=close,
        volume=np.ones(count),
    )


def test_a_short_series_is_drawn_bar_for_bar() -> None:
    series = _series(100)
    candles = display_candles(series, max_candles=100)
    assert candles.step == 1
    assert np.array_equal(candles.close, series.close)


def test_a_long_series_is_merged_without_losing_an_extreme() -> None:
    series = _series(10_001)
    candles = display_candles(series, max_candles=1_000)
    assert candles.step == 11
    assert len(candles.ts_ms) <= 1_000
    assert candles.high.max() == series.high.max()
    assert candles.low.min() == series.low.min()
    assert candles.open[0] == series.open[0]
    assert candles.close[-1] == series.close[-1]
    assert candles.high[1] == series.high[11:22].max()
    assert candles.ts_ms[1] == series.ts_ms[11]


def test_max_candles_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        display_candles(_series(5), max_candles=0)
