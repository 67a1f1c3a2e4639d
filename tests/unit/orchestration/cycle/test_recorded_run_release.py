"""A finished recorded run is freed by reference counting alone: no cycle keeps it alive.

A million-bar run's prepared market is tens of MB; if the run held itself through a
cycle, that memory would stay until the cyclic collector happened to run (rarely, under
the long-run collector settings) and would raise the run's peak memory.
"""

import gc
import weakref
from pathlib import Path

import numpy as np

from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.bootstrap.backtest_job import venue_settings
from tradekernel.bootstrap.blueprints import load
from tradekernel.orchestration.cycle.desk import DirectDesk
from tradekernel.orchestration.cycle.market_clock import MarketClock
from tradekernel.orchestration.cycle.recorded_run import CycleHooks, CycleSettings, RecordedRun
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.shared.bars import BarSeries

SMA_CROSS = Path(__file__).resolve().parents[4] / "examples" / "sma_cross.toml"
SYMBOL = "BTC/USD"
MINUTE = 60_000


def _bars(count: int) -> BarSeries:
    rng = np.random.default_rng(3)
    close = np.round(30_000.0 * np.exp(np.cumsum(rng.normal(0.0, 0.002, count))), 2)
    open_ = np.concatenate((close[:1], close[:-1]))
    return BarSeries(
        symbol=SYMBOL,
        ts_ms=1_600_000_000_000 + np.arange(count, dtype=np.int64) * MINUTE,
        open=open_,
        high=np.maximum(open_, close),
        low=np.minimum(open_, close),
        close=close,
        volume=np.ones(count),
    )


def test_a_finished_run_and_its_market_are_freed_without_the_cyclic_collector() -> None:
    blueprint, catalog = load(SMA_CROSS)
    settings = blueprint.settings
    clock = MarketClock()
    steps: list[int] = []
    run = RecordedRun(
        build_kernel(settings, catalog),
        {SYMBOL: _bars(400)},
        DirectDesk(BacktestVenue(venue_settings(settings), clock=clock)),
        CycleSettings(run_id="release", rules={SYMBOL: settings.rules_for(SYMBOL)}),
        # Every hook set: each is handed to the market or the runner the run owns.
        CycleHooks(clock=clock, before_step=lambda _now: None, after_step=steps.append),
    )
    result = run.run()
    assert result.kernel_calls > 0
    assert result.orders
    assert steps
    released_run, released_market = weakref.ref(run), weakref.ref(run.market)
    gc.disable()
    try:
        del run
        assert released_run() is None
        assert released_market() is None
    finally:
        gc.enable()
