"""Each opportunity worker's exact rule and confidence, on handcrafted snapshots."""

from decimal import Decimal

import pytest
from signals_fixtures import ASSESSMENT, SYMBOL, snap

from tradekernel.domain.enums import Side
from tradekernel.features.signals.breakout import DonchianBreakout, DonchianBreakoutParams
from tradekernel.features.signals.crossover import MaCrossover, MaCrossoverParams
from tradekernel.features.signals.mean_reversion import RsiReversion, RsiReversionParams
from tradekernel.features.signals.volume_spike import VolumeSpike, VolumeSpikeParams
from tradekernel.shared.ids import derive_id

CROSS = MaCrossover(MaCrossoverParams(fast="sma_fast", slow="sma_slow"))


def cross(prev_fast: float, prev_slow: float, fast: float, slow: float) -> Side | None:
    snapshot = snap(
        {"sma_fast": fast, "sma_slow": slow}, {"sma_fast": prev_fast, "sma_slow": prev_slow}
    )
    signal = CROSS.evaluate(snapshot, ASSESSMENT)
    return None if signal is None else signal.side


@pytest.mark.parametrize(
    ("previous_gap", "gap", "expected"),
    [
        (-1.0, 1.0, Side.BUY),  # a plain cross up
        (0.0, 1.0, Side.BUY),  # touching before counts: <= 0 then > 0
        (-1.0, 0.0, None),  # reaching equality is not yet a cross
        (0.0, 0.0, None),
        (1.0, 2.0, None),  # already above
        (1.0, -1.0, Side.SELL),
        (0.0, -1.0, Side.SELL),  # >= 0 then < 0
        (1.0, 0.0, None),
        (-1.0, -2.0, None),
    ],
)
def test_crossover_exact_rule_on_the_gap_fast_minus_slow(
    previous_gap: float, gap: float, expected: Side | None
) -> None:
    assert cross(100.0 + previous_gap, 100.0, 100.0 + gap, 100.0) is expected


def test_crossover_needs_both_averages_on_both_bars() -> None:
    assert CROSS.evaluate(snap({"sma_fast": 101.0, "sma_slow": 100.0}), ASSESSMENT) is None
    partial = snap({"sma_fast": 101.0, "sma_slow": 100.0}, {"sma_fast": 99.0})
    assert CROSS.evaluate(partial, ASSESSMENT) is None


def test_crossover_confidence_scales_with_the_normalised_gap_and_id_is_derived() -> None:
    wide = snap({"sma_fast": 101.0, "sma_slow": 100.0}, {"sma_fast": 99.0, "sma_slow": 100.0})
    signal = CROSS.evaluate(wide, ASSESSMENT)
    assert signal is not None
    assert signal.confidence == Decimal("1.000000")  # gap 1% = gap_scale
    assert signal.signal_id == derive_id("opp", "ma_crossover", SYMBOL, 3_600_000, "buy")
    assert (signal.source, signal.symbol, signal.ts_ms) == ("ma_crossover", SYMBOL, 3_600_000)
    half = snap({"sma_fast": 100.5, "sma_slow": 100.0}, {"sma_fast": 99.0, "sma_slow": 100.0})
    signal = CROSS.evaluate(half, ASSESSMENT)
    assert signal is not None
    assert signal.confidence == Decimal("0.750000")  # 0.5 + 0.5 * (0.5% / 1%)


RSI = RsiReversion(RsiReversionParams(column="rsi", oversold=30.0, overbought=70.0))


@pytest.mark.parametrize(
    ("rsi", "side", "confidence"),
    [
        (29.0, Side.BUY, "0.033333"),  # (30 - 29) / 30
        (15.0, Side.BUY, "0.500000"),
        (0.0, Side.BUY, "1.000000"),
        (85.0, Side.SELL, "0.500000"),  # (85 - 70) / 30
        (100.0, Side.SELL, "1.000000"),
    ],
)
def test_rsi_reversion_confidence_rises_with_distance_past_the_level(
    rsi: float, side: Side, confidence: str
) -> None:
    signal = RSI.evaluate(snap({"rsi": rsi}), ASSESSMENT)
    assert signal is not None
    assert (signal.side, signal.confidence) == (side, Decimal(confidence))


@pytest.mark.parametrize("rsi", [30.0, 50.0, 70.0])
def test_rsi_reversion_is_silent_inside_and_at_the_levels(rsi: float) -> None:
    assert RSI.evaluate(snap({"rsi": rsi}), ASSESSMENT) is None
    assert RSI.evaluate(snap({}), ASSESSMENT) is None


BREAKOUT = DonchianBreakout(DonchianBreakoutParams(high="dc.high", low="dc.low"))


@pytest.mark.parametrize(
    ("close", "side", "confidence"),
    [
        (105.0, Side.BUY, "0.625000"),  # 0.5 + 0.5 * (1 / 4)
        (112.0, Side.BUY, "1.000000"),
        (98.0, Side.SELL, "0.750000"),  # 0.5 + 0.5 * (2 / 4)
        (104.0, None, None),  # touching the edge is not a breakout
        (100.0, None, None),
        (102.0, None, None),
    ],
)
def test_donchian_breakout_is_a_strict_close_beyond_the_channel(
    close: float, side: Side | None, confidence: str | None
) -> None:
    signal = BREAKOUT.evaluate(snap({"dc.high": 104.0, "dc.low": 100.0}, close=close), ASSESSMENT)
    if side is None:
        assert signal is None
    else:
        assert signal is not None
        assert (signal.side, signal.confidence) == (side, Decimal(confidence or "0"))


def test_donchian_breakout_of_a_flat_channel_has_full_confidence() -> None:
    signal = BREAKOUT.evaluate(snap({"dc.high": 100.0, "dc.low": 100.0}, close=100.1), ASSESSMENT)
    assert signal is not None
    assert signal.confidence == Decimal("1.000000")


SPIKE = VolumeSpike(VolumeSpikeParams(percentile="vp", body="body", threshold=0.9))


@pytest.mark.parametrize(
    ("rank", "body", "side", "confidence"),
    [
        (0.95, 0.01, Side.BUY, "0.750000"),  # 0.5 + 0.5 * 0.05 / 0.1
        (1.0, -0.002, Side.SELL, "1.000000"),
        (0.9, 0.01, None, None),  # at the threshold: not above it
        (0.95, 0.0, None, None),  # a doji has no direction
        (0.5, 0.01, None, None),
    ],
)
def test_volume_spike_side_follows_the_bar_direction(
    rank: float, body: float, side: Side | None, confidence: str | None
) -> None:
    signal = SPIKE.evaluate(snap({"vp": rank, "body": body}), ASSESSMENT)
    if side is None:
        assert signal is None
    else:
        assert signal is not None
        assert (signal.side, signal.confidence) == (side, Decimal(confidence or "0"))
        assert signal.signal_id == derive_id("opp", "volume_spike", SYMBOL, 3_600_000, side.value)


def test_volume_spike_without_a_body_column_is_silent() -> None:
    assert SPIKE.evaluate(snap({"vp": 1.0}), ASSESSMENT) is None
