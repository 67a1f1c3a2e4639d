"""Time every context worker, and every signal candidate mask, over 1,000,000 bars.

The bars are a seeded geometric random walk (seed 20240501), so every run measures the
same input. Each row is (worker, milliseconds of one call), best of `REPEATS` calls.
"""

import time
from collections.abc import Callable, Mapping
from functools import partial
from typing import Protocol

import numpy as np

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
from tradekernel.features.signals.breakout import DonchianBreakout, DonchianBreakoutParams
from tradekernel.features.signals.crossover import MaCrossover, MaCrossoverParams
from tradekernel.features.signals.liquidity import LiquidityCollapse, LiquidityCollapseParams
from tradekernel.features.signals.mean_reversion import RsiReversion, RsiReversionParams
from tradekernel.features.signals.volatility_spike import VolatilitySpike, VolatilitySpikeParams
from tradekernel.features.signals.volume_spike import VolumeSpike, VolumeSpikeParams
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.candidates import BoolArray


class _Worker(Protocol):
    @property
    def name(self) -> str: ...

    def compute(self, bars: BarSeries) -> dict[str, FloatArray]: ...


class _Masked(Protocol):
    @property
    def name(self) -> str: ...

    def candidate_mask(self, bars: BarSeries, features: Mapping[str, FloatArray]) -> BoolArray: ...


BARS = 1_000_000
SEED = 20240501
REPEATS = 3


def random_walk(size: int = BARS, seed: int = SEED) -> BarSeries:
    """Return `size` OHLCV bars of a seeded geometric random walk."""
    rng = np.random.default_rng(seed)
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.002, size)))
    open_ = np.empty(size)
    open_[0] = 100.0
    open_[1:] = close[:-1]
    wick = np.abs(rng.normal(0.0, 0.001, (2, size)))
    return BarSeries(
        symbol="BENCH/USD",
        ts_ms=np.arange(size, dtype=np.int64) * 60_000,
        open=open_,
        high=np.maximum(open_, close) * (1.0 + wick[0]),
        low=np.minimum(open_, close) * (1.0 - wick[1]),
        close=close,
        volume=rng.lognormal(3.0, 1.0, size),
    )


def _best_ms(call: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best * 1000.0


def run() -> list[tuple[str, str]]:
    """Return (worker, ms) rows for every context worker and signal candidate mask."""
    bars = random_walk()
    context: list[_Worker] = [
        SmaWorker(MovingAverageParams(key="sma_fast", period=20)),
        SmaWorker(MovingAverageParams(key="sma_slow", period=200)),
        EmaWorker(MovingAverageParams(key="ema", period=50)),
        RsiWorker(RsiParams(key="rsi", period=14)),
        AtrWorker(AtrParams(key="atr", period=14)),
        AdxWorker(AdxParams(key="adx", period=14)),
        BollingerWorker(BollingerParams(key="bb", period=20)),
        VolumePercentileWorker(VolumePercentileParams(key="volume_pct", period=50)),
        SwingWorker(SwingParams(key="swing", left=5, right=5)),
        DonchianWorker(DonchianParams(key="donchian", period=20)),
        CandleBodyWorker(CandleBodyParams(key="body")),
    ]
    rows: list[tuple[str, str]] = [("bars", str(len(bars)))]
    features: dict[str, FloatArray] = {}
    for worker in context:
        features.update(worker.compute(bars))
        ms = _best_ms(partial(worker.compute, bars))
        rows.append((f"context.{type(worker).__name__}({worker.name})", f"{ms:.1f}"))
    masks: list[_Masked] = [
        MaCrossover(MaCrossoverParams()),
        RsiReversion(RsiReversionParams()),
        DonchianBreakout(DonchianBreakoutParams()),
        VolumeSpike(VolumeSpikeParams()),
        VolatilitySpike(VolatilitySpikeParams(threshold=0.004)),
        LiquidityCollapse(LiquidityCollapseParams()),
    ]
    for signal in masks:
        ms = _best_ms(partial(signal.candidate_mask, bars, features))
        rows.append((f"mask.{signal.name}", f"{ms:.1f}"))
    return rows


if __name__ == "__main__":
    for metric, value in run():
        print(f"{metric:55s} {value}")
