"""Each indicator against its naive reference, on real ETH/BTC data and generated series."""

import math

import numpy as np
import pytest
from context_reference import (
    adx,
    assert_close,
    atr,
    bar_series,
    bollinger,
    donchian,
    ema,
    load_eth_btc,
    rsi,
    sma,
    swing,
    volume_percentile,
)
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

REAL = load_eth_btc()
PERIODS = st.integers(min_value=1, max_value=30)


def _lists(bars: BarSeries) -> tuple[list[float], list[float], list[float], list[float]]:
    return bars.high.tolist(), bars.low.tolist(), bars.close.tolist(), bars.volume.tolist()


def check_sma(bars: BarSeries, period: int) -> None:
    out = SmaWorker(MovingAverageParams(key="ma", period=period)).compute(bars)
    assert_close(out["ma"], sma(bars.close.tolist(), period), f"sma({period})")


def check_ema(bars: BarSeries, period: int) -> None:
    out = EmaWorker(MovingAverageParams(key="ma", period=period)).compute(bars)
    assert_close(out["ma"], ema(bars.close.tolist(), period), f"ema({period})")


def check_rsi(bars: BarSeries, period: int) -> None:
    out = RsiWorker(RsiParams(key="rsi", period=period)).compute(bars)
    assert_close(out["rsi"], rsi(bars.close.tolist(), period), f"rsi({period})")


def check_atr(bars: BarSeries, period: int) -> None:
    high, low, close, _ = _lists(bars)
    out = AtrWorker(AtrParams(key="atr", period=period)).compute(bars)
    assert_close(out["atr"], atr(high, low, close, period), f"atr({period})")


def check_adx(bars: BarSeries, period: int) -> None:
    high, low, close, _ = _lists(bars)
    out = AdxWorker(AdxParams(key="adx", period=period, threshold=25.0)).compute(bars)
    expected = adx(high, low, close, period)
    for part in ("value", "plus_di", "minus_di"):
        assert_close(out[f"adx.{part}"], expected[part], f"adx({period}).{part}")
    trending = [math.nan if math.isnan(v) else float(v >= 25.0) for v in out["adx.value"]]
    assert_close(out["adx.trending"], trending, "adx.trending")


def check_bollinger(bars: BarSeries, period: int) -> None:
    out = BollingerWorker(BollingerParams(key="bb", period=period, multiplier=2.0)).compute(bars)
    expected = bollinger(bars.close.tolist(), period, 2.0)
    for part in ("mid", "upper", "lower", "width"):
        assert_close(out[f"bb.{part}"], expected[part], f"bollinger({period}).{part}")


def check_volume_percentile(bars: BarSeries, period: int) -> None:
    out = VolumePercentileWorker(VolumePercentileParams(key="vp", period=period)).compute(bars)
    assert_close(out["vp"], volume_percentile(bars.volume.tolist(), period), f"vp({period})")


def check_donchian(bars: BarSeries, period: int) -> None:
    high, low, _, _ = _lists(bars)
    out = DonchianWorker(DonchianParams(key="dc", period=period)).compute(bars)
    expected = donchian(high, low, period)
    assert_close(out["dc.high"], expected["high"], "donchian.high")
    assert_close(out["dc.low"], expected["low"], "donchian.low")


def check_swing(bars: BarSeries, left: int, right: int) -> None:
    high, low, close, _ = _lists(bars)
    out = SwingWorker(SwingParams(key="sw", left=left, right=right)).compute(bars)
    expected = swing(high, low, close, left, right)
    for part, column in expected.items():
        assert_close(out[f"sw.{part}"], column, f"swing({left},{right}).{part}")


@pytest.mark.parametrize("period", [1, 2, 14, 50, 200])
def test_period_indicators_match_naive_references_on_real_eth_btc(period: int) -> None:
    check_sma(REAL, period)
    check_ema(REAL, period)
    check_rsi(REAL, period)
    check_atr(REAL, period)
    check_adx(REAL, period)
    check_donchian(REAL, period)
    if period >= 2:
        check_bollinger(REAL, period)
        check_volume_percentile(REAL, period)


@pytest.mark.parametrize(("left", "right"), [(1, 1), (3, 3), (5, 2), (2, 8)])
def test_swing_structure_matches_bar_by_bar_replay_on_real_eth_btc(left: int, right: int) -> None:
    check_swing(REAL, left, right)


def test_real_data_produces_pivots_and_breaks_of_structure() -> None:
    out = SwingWorker(SwingParams(key="sw", left=3, right=3)).compute(REAL)
    # guards against a reference and worker that agree on "nothing ever happens"
    assert np.nansum(out["sw.bos_up"]) >= 3
    assert np.nansum(out["sw.bos_down"]) >= 3
    assert len(np.unique(out["sw.last_high"][~np.isnan(out["sw.last_high"])])) >= 10


@settings(max_examples=60, deadline=None)
@given(bars=bar_series(), period=PERIODS)
def test_indicators_match_naive_references_on_generated_series(
    bars: BarSeries, period: int
) -> None:
    check_sma(bars, period)
    check_ema(bars, period)
    check_rsi(bars, period)
    check_atr(bars, period)
    check_adx(bars, period)
    check_donchian(bars, period)
    if period >= 2:
        check_bollinger(bars, period)
        check_volume_percentile(bars, period)


@settings(max_examples=80, deadline=None)
@given(
    bars=bar_series(),
    left=st.integers(min_value=1, max_value=5),
    right=st.integers(min_value=1, max_value=5),
)
def test_swing_structure_matches_replay_on_generated_series(
    bars: BarSeries, left: int, right: int
) -> None:
    check_swing(bars, left, right)


@pytest.mark.parametrize(
    ("worker", "expected_warmup"),
    [
        (SmaWorker(MovingAverageParams(key="k", period=20)), 19),
        (EmaWorker(MovingAverageParams(key="k", period=20)), 19),
        (RsiWorker(RsiParams(key="k", period=14)), 14),
        (AtrWorker(AtrParams(key="k", period=14)), 14),
        (AdxWorker(AdxParams(key="k", period=14)), 27),
        (BollingerWorker(BollingerParams(key="k", period=20)), 19),
        (VolumePercentileWorker(VolumePercentileParams(key="k", period=30)), 29),
        (DonchianWorker(DonchianParams(key="k", period=20)), 20),
        (CandleBodyWorker(CandleBodyParams(key="k")), 0),
    ],
)
def test_warmup_is_exactly_the_leading_nan_count_of_every_output(
    worker: SmaWorker, expected_warmup: int
) -> None:
    assert worker.warmup == expected_warmup
    out = worker.compute(REAL)
    assert set(out) == set(worker.outputs)
    for name, column in out.items():
        assert column.shape == (len(REAL),)
        if name.endswith("_di"):
            continue  # defined earlier, see test_adx_di_columns_are_defined_from_bar_period
        assert np.isnan(column[:expected_warmup]).all(), name
        assert not np.isnan(column[expected_warmup:]).any(), name


def test_adx_di_columns_are_defined_from_bar_period() -> None:
    out = AdxWorker(AdxParams(key="a", period=14)).compute(REAL)
    assert np.isnan(out["a.plus_di"][:14]).all()
    assert not np.isnan(out["a.plus_di"][14:]).any()


def test_swing_first_value_is_never_before_its_warmup() -> None:
    worker = SwingWorker(SwingParams(key="s", left=4, right=2))
    for column in worker.compute(REAL).values():
        assert np.isnan(column[: worker.warmup]).all()


def test_indicators_on_series_shorter_than_warmup_are_all_nan() -> None:
    short = REAL.head(5)
    for worker in (
        SmaWorker(MovingAverageParams(key="k", period=10)),
        EmaWorker(MovingAverageParams(key="k", period=10)),
        RsiWorker(RsiParams(key="k", period=10)),
        AdxWorker(AdxParams(key="k", period=10)),
        SwingWorker(SwingParams(key="k", left=3, right=3)),
        VolumePercentileWorker(VolumePercentileParams(key="k", period=10)),
    ):
        for column in worker.compute(short).values():
            assert column.shape == (5,)
            assert np.isnan(column).all()


def test_ema_is_seeded_with_the_sma_of_the_first_period_values() -> None:
    bars = REAL.head(30)
    out = EmaWorker(MovingAverageParams(key="e", period=10)).compute(bars)
    assert out["e"][9] == pytest.approx(float(np.mean(bars.close[:10])), rel=1e-15)
    alpha = 2 / 11
    assert out["e"][10] == pytest.approx(alpha * bars.close[10] + (1 - alpha) * out["e"][9])


def test_rsi_is_100_on_a_strictly_rising_series_and_50_on_a_flat_one() -> None:
    rising = BarSeries(
        symbol="X",
        ts_ms=np.arange(20, dtype=np.int64),
        open=np.arange(20.0) + 1,
        high=np.arange(20.0) + 1,
        low=np.arange(20.0) + 1,
        close=np.arange(20.0) + 1,
        volume=np.ones(20),
    )
    assert RsiWorker(RsiParams(key="r", period=5)).compute(rising)["r"][5:].tolist() == [100.0] * 15
    flat = rising.with_features({})
    flat = BarSeries(
        symbol="X",
        ts_ms=flat.ts_ms,
        open=np.ones(20),
        high=np.ones(20),
        low=np.ones(20),
        close=np.ones(20),
        volume=np.ones(20),
    )
    assert RsiWorker(RsiParams(key="r", period=5)).compute(flat)["r"][5:].tolist() == [50.0] * 15


def test_hl2_source_averages_high_and_low() -> None:
    out = SmaWorker(MovingAverageParams(key="m", period=1, source="hl2")).compute(REAL)
    np.testing.assert_array_equal(out["m"], (REAL.high + REAL.low) / 2)


def test_candle_body_is_the_signed_move_relative_to_open() -> None:
    out = CandleBodyWorker(CandleBodyParams(key="b")).compute(REAL)["b"]
    expected = [(c - o) / o for o, c in zip(REAL.open.tolist(), REAL.close.tolist(), strict=True)]
    assert_close(out, expected, "candle body")
    assert (out > 0).any()
    assert (out < 0).any()


def test_donchian_breakout_is_close_above_the_previous_highs() -> None:
    out = DonchianWorker(DonchianParams(key="d", period=3)).compute(REAL)
    assert out["d.high"][3] == max(REAL.high[0:3])
    assert out["d.low"][3] == min(REAL.low[0:3])
    # the current bar is excluded: a channel containing it could never be broken by close
    assert (REAL.close > out["d.high"]).any()
