"""Causality: a column computed over the full history, cut at k, equals the column on head(k).

The equality is asserted BITWISE (NaN positions and every float bit), not within a
tolerance: the workers compute each value from a window row or a left-to-right
recursion whose float operations do not depend on the history length, and the backtest
relies on exactly that (it computes indicators once and slices them for the kernel).
"""

import numpy as np
import pytest
from context_reference import bar_series, load_eth_btc
from hypothesis import given, settings
from hypothesis import strategies as st

from tradekernel.features.context.adx import AdxParams, AdxWorker
from tradekernel.features.context.atr import AtrParams, AtrWorker
from tradekernel.features.context.bollinger import BollingerParams, BollingerWorker
from tradekernel.features.context.candle_body import CandleBodyParams, CandleBodyWorker
from tradekernel.features.context.donchian import DonchianParams, DonchianWorker
from tradekernel.features.context.moving_average import EmaWorker, MovingAverageParams, SmaWorker
from tradekernel.features.context.rsi import RsiParams, RsiWorker
from tradekernel.features.context.swing import SwingParams, SwingWorker
from tradekernel.features.context.volume_percentile import (
    VolumePercentileParams,
    VolumePercentileWorker,
)
from tradekernel.shared.bars import BarSeries


def workers(period: int) -> list[SmaWorker]:
    return [
        SmaWorker(MovingAverageParams(key="sma", period=period, source="hl2")),
        EmaWorker(MovingAverageParams(key="ema", period=period)),
        RsiWorker(RsiParams(key="rsi", period=period)),
        AtrWorker(AtrParams(key="atr", period=period)),
        AdxWorker(AdxParams(key="adx", period=period)),
        BollingerWorker(BollingerParams(key="bb", period=max(2, period))),
        VolumePercentileWorker(VolumePercentileParams(key="vp", period=max(2, period))),
        SwingWorker(SwingParams(key="sw", left=max(1, period // 2), right=max(1, period // 3))),
        DonchianWorker(DonchianParams(key="dc", period=period)),
        CandleBodyWorker(CandleBodyParams(key="body")),
    ]  # type: ignore[list-item]


def assert_prefix_stable(bars: BarSeries, k: int, period: int) -> None:
    for worker in workers(period):
        full = worker.compute(bars)
        cut = worker.compute(bars.head(k))
        for name in worker.outputs:
            assert cut[name].shape == (k,), name
            # array_equal with equal_nan compares values exactly (==), NaN with NaN
            assert np.array_equal(full[name][:k], cut[name], equal_nan=True), (name, k)
            assert full[name][:k].tobytes() == cut[name].tobytes(), (name, k)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), bars=bar_series(min_size=2), period=st.integers(1, 20))
def test_every_worker_is_bitwise_prefix_stable_on_generated_series(
    data: st.DataObject, bars: BarSeries, period: int
) -> None:
    k = data.draw(st.integers(min_value=1, max_value=len(bars)))
    assert_prefix_stable(bars, k, period)


@pytest.mark.parametrize("k", [1, 13, 27, 28, 100, 250, 498])
def test_every_worker_is_bitwise_prefix_stable_on_real_eth_btc(k: int) -> None:
    assert_prefix_stable(load_eth_btc(), k, 14)


def test_changing_a_future_bar_does_not_change_past_values() -> None:
    bars = load_eth_btc()
    changed = BarSeries(
        symbol=bars.symbol,
        ts_ms=bars.ts_ms,
        open=bars.open.copy(),
        high=bars.high.copy(),
        low=bars.low.copy(),
        close=bars.close.copy(),
        volume=bars.volume.copy(),
    )
    changed.high[300] *= 1.5
    changed.close[300] *= 1.2
    changed.volume[300] *= 10
    for worker in workers(14):
        before, after = worker.compute(bars), worker.compute(changed)
        for name in worker.outputs:
            assert np.array_equal(before[name][:300], after[name][:300], equal_nan=True), name
