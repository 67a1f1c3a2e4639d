"""Wherever a worker's evaluate fires on the snapshot of bar i, its candidate mask is True."""

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from signals_fixtures import ACCOUNT, ASSESSMENT, frames, snapshot_at

from tradekernel.features.signals.breakout import DonchianBreakout, DonchianBreakoutParams
from tradekernel.features.signals.crossover import MaCrossover, MaCrossoverParams
from tradekernel.features.signals.drawdown import MaxDrawdown, MaxDrawdownParams
from tradekernel.features.signals.exposure import (
    ExposureConcentration,
    ExposureConcentrationParams,
)
from tradekernel.features.signals.liquidity import LiquidityCollapse, LiquidityCollapseParams
from tradekernel.features.signals.mean_reversion import RsiReversion, RsiReversionParams
from tradekernel.features.signals.volatility_spike import VolatilitySpike, VolatilitySpikeParams
from tradekernel.features.signals.volume_spike import VolumeSpike, VolumeSpikeParams
from tradekernel.orchestration.kernel.plugin_contract import candidate_mask_of
from tradekernel.shared.bars import BarSeries, FloatArray

Frame = tuple[BarSeries, dict[str, FloatArray]]


def check_mask_covers_evaluate(worker: object, frame: Frame, threat: bool) -> int:
    bars, features = frame
    candidate_mask = candidate_mask_of(worker)
    assert candidate_mask is not None
    mask = candidate_mask(bars, features)
    assert mask.dtype == np.bool_
    assert mask.shape == (len(bars),)
    fired = 0
    for i in range(len(bars)):
        snapshot = snapshot_at(bars, features, i)
        if threat:
            result = worker.evaluate(snapshot, ASSESSMENT, ACCOUNT)  # type: ignore[attr-defined]
        else:
            result = worker.evaluate(snapshot, ASSESSMENT)  # type: ignore[attr-defined]
        if result is not None:
            fired += 1
            assert mask[i], f"evaluate fired at bar {i} but the mask is False"
    return fired


SETTINGS = settings(max_examples=150, deadline=None)


@SETTINGS
@given(frame=frames(("f", "s")))
def test_crossover_mask_covers_every_signal(frame: Frame) -> None:
    check_mask_covers_evaluate(MaCrossover(MaCrossoverParams(fast="f", slow="s")), frame, False)


@SETTINGS
@given(frame=frames(("rsi",)), oversold=st.sampled_from([0.5, 30.0]))
def test_rsi_reversion_mask_covers_every_signal(frame: Frame, oversold: float) -> None:
    worker = RsiReversion(RsiReversionParams(column="rsi", oversold=oversold, overbought=70.0))
    check_mask_covers_evaluate(worker, frame, False)


@SETTINGS
@given(frame=frames(("h", "l")))
def test_donchian_breakout_mask_covers_every_signal(frame: Frame) -> None:
    worker = DonchianBreakout(DonchianBreakoutParams(high="h", low="l"))
    check_mask_covers_evaluate(worker, frame, False)


@SETTINGS
@given(frame=frames(("vp", "body")), threshold=st.sampled_from([0.0, 0.5, 0.9]))
def test_volume_spike_mask_covers_every_signal(frame: Frame, threshold: float) -> None:
    worker = VolumeSpike(VolumeSpikeParams(percentile="vp", body="body", threshold=threshold))
    check_mask_covers_evaluate(worker, frame, False)


@SETTINGS
@given(
    frame=frames(("atr", "slow")),
    baseline=st.sampled_from([None, "slow"]),
    relative=st.booleans(),
    threshold=st.sampled_from([0.02, 0.5, 2.0]),
)
def test_volatility_spike_mask_covers_every_threat(
    frame: Frame, baseline: str | None, relative: bool, threshold: float
) -> None:
    params = VolatilitySpikeParams(
        column="atr", baseline=baseline, relative_to_close=relative, threshold=threshold
    )
    check_mask_covers_evaluate(VolatilitySpike(params), frame, True)


@SETTINGS
@given(frame=frames(("vp",)), floor=st.sampled_from([0.1, 0.5, 1.0]))
def test_liquidity_collapse_mask_covers_every_threat(frame: Frame, floor: float) -> None:
    worker = LiquidityCollapse(LiquidityCollapseParams(column="vp", floor=floor))
    check_mask_covers_evaluate(worker, frame, True)


Columns = Callable[[np.random.Generator, FloatArray], dict[str, FloatArray]]


def _near_close(rng: np.random.Generator, close: FloatArray) -> dict[str, FloatArray]:
    return {
        "f": close + rng.normal(0, 2, close.shape[0]),
        "s": close + rng.normal(0, 2, close.shape[0]),
    }


def _unit(rng: np.random.Generator, close: FloatArray) -> dict[str, FloatArray]:
    return {"f": rng.uniform(0, 1, close.shape[0]), "s": rng.normal(0, 0.01, close.shape[0])}


def _rsi(rng: np.random.Generator, close: FloatArray) -> dict[str, FloatArray]:
    return {"f": rng.uniform(0, 100, close.shape[0])}


def _atr(rng: np.random.Generator, close: FloatArray) -> dict[str, FloatArray]:
    return {"f": close * rng.uniform(0, 0.04, close.shape[0])}


WORKERS: list[tuple[Callable[[], object], Columns, bool]] = [
    (lambda: MaCrossover(MaCrossoverParams(fast="f", slow="s")), _near_close, False),
    (lambda: RsiReversion(RsiReversionParams(column="f")), _rsi, False),
    (lambda: DonchianBreakout(DonchianBreakoutParams(high="f", low="s")), _near_close, False),
    (
        lambda: VolumeSpike(VolumeSpikeParams(percentile="f", body="s", threshold=0.5)),
        _unit,
        False,
    ),
    (lambda: VolatilitySpike(VolatilitySpikeParams(column="f", threshold=0.02)), _atr, True),
    (lambda: LiquidityCollapse(LiquidityCollapseParams(column="f", floor=0.5)), _unit, True),
]


@pytest.mark.parametrize(("build", "columns", "threat"), WORKERS)
def test_masks_are_exact_on_a_long_random_frame(
    build: Callable[[], object], columns: Columns, threat: bool
) -> None:
    # the mask is an exact prediction here (same float operations as evaluate), not just a
    # cover: True exactly where evaluate fires, and it does fire somewhere
    rng = np.random.default_rng(7)
    size = 400
    close = 100 + np.cumsum(rng.normal(0, 1, size))
    bars = BarSeries(
        symbol="ETH/BTC",
        ts_ms=np.arange(size, dtype=np.int64),
        open=close,
        high=close,
        low=close,
        close=close,
        volume=np.ones(size),
    )
    features = columns(rng, close)
    for name in features:
        features[name][:5] = np.nan
    worker = build()
    fired = check_mask_covers_evaluate(worker, (bars, features), threat)
    assert fired > 0
    assert int(worker.candidate_mask(bars, features).sum()) == fired  # type: ignore[attr-defined]


def test_missing_feature_column_gives_an_all_false_mask() -> None:
    bars = BarSeries(
        symbol="X",
        ts_ms=np.arange(3, dtype=np.int64),
        open=np.ones(3),
        high=np.ones(3),
        low=np.ones(3),
        close=np.ones(3),
        volume=np.ones(3),
    )
    worker = RsiReversion(RsiReversionParams(column="absent"))
    assert not worker.candidate_mask(bars, {}).any()


def test_account_based_threats_have_no_candidate_mask() -> None:
    assert candidate_mask_of(MaxDrawdown(MaxDrawdownParams())) is None
    assert candidate_mask_of(ExposureConcentration(ExposureConcentrationParams())) is None
    assert candidate_mask_of(VolatilitySpike(VolatilitySpikeParams())) is not None


def test_mask_reads_bars_features_when_not_passed_explicitly() -> None:
    close = np.array([1.0, 2.0, 3.0])
    bars = BarSeries(
        symbol="X",
        ts_ms=np.arange(3, dtype=np.int64),
        open=close,
        high=close,
        low=close,
        close=close,
        volume=np.ones(3),
        features={"rsi": np.array([20.0, 50.0, 80.0])},
    )
    worker = RsiReversion(RsiReversionParams(column="rsi"))
    assert worker.candidate_mask(bars, {}).tolist() == [True, False, True]
