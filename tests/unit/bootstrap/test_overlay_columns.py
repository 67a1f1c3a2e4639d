"""Which context-worker columns a report draws over the candles, computed by the workers."""

import numpy as np

from tradekernel.bootstrap.report_overlays import price_level_workers, with_price_overlays
from tradekernel.domain.blueprint import PluginConfig
from tradekernel.domain.enums import PluginKind
from tradekernel.features.context.bollinger import BollingerParams, BollingerWorker
from tradekernel.features.context.moving_average import EmaWorker, MovingAverageParams
from tradekernel.features.context.rsi import RsiParams, RsiWorker
from tradekernel.shared.bars import BarSeries


def _config(kind: str) -> PluginConfig:
    return PluginConfig(kind=PluginKind.CONTEXT_WORKER, type=kind, params=None, path="w")


def _series() -> BarSeries:
    close = 100.0 + np.sin(np.arange(200) / 7.0)
    return BarSeries(
        symbol="BTC/USDT",
        ts_ms=np.arange(200, dtype=np.int64) * 60_000,
        open=close,
        high=close + 1,
        low=close - 1,
        close=close,
        volume=np.ones(200),
    )


def test_price_level_columns_are_drawn_and_other_units_left_out() -> None:
    ema = EmaWorker(MovingAverageParams(key="ema", period=12))
    bands = BollingerWorker(BollingerParams(key="bb", period=20))
    rsi = RsiWorker(RsiParams(key="rsi", period=14))
    picked = price_level_workers(
        [_config("ema"), _config("bollinger"), _config("rsi")], [ema, bands, rsi]
    )
    assert [names for _worker, names in picked] == [("ema",), ("bb.mid", "bb.upper", "bb.lower")]

    (drawn,) = with_price_overlays([_series()], picked)
    assert sorted(drawn.features) == ["bb.lower", "bb.mid", "bb.upper", "ema"]
    expected = ema.compute(_series())["ema"]
    np.testing.assert_array_equal(drawn.features["ema"], expected)


def test_no_overlay_worker_leaves_the_bars_as_they_are() -> None:
    series = _series()
    assert with_price_overlays([series], ()) == [series]
