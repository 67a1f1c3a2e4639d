"""The context aggregator: component scoring, the three methods, abstention and summary."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradekernel.domain.enums import Regime
from tradekernel.domain.signals import FeatureSnapshot
from tradekernel.features.context.aggregator import AggregatorParams, ContextScoreAggregator
from tradekernel.features.context.components import ComponentParams

COMPONENTS = (
    ComponentParams(
        name="trend", kind="trend", column="sma", weight=Decimal(2), scale=Decimal("0.04")
    ),
    ComponentParams(name="momentum", kind="momentum", column="rsi"),
    ComponentParams(name="regime", kind="regime", column="adx.trending"),
    ComponentParams(name="volume", kind="volume", column="vp"),
)
FULL = {"sma": 100.0, "rsi": 40.0, "adx.trending": 1.0, "vp": 0.8}


def snapshot(current: dict[str, float], close: float = 102.0) -> FeatureSnapshot:
    return FeatureSnapshot(symbol="ETH/BTC", ts_ms=1_000, close=close, current=current, previous={})


def assess(method: str, current: dict[str, float], **extra: object) -> object:
    params = AggregatorParams(components=COMPONENTS, method=method, **extra)  # type: ignore[arg-type]
    return ContextScoreAggregator(params).assess(snapshot(current), "ctx-1")


def test_weighted_method_averages_component_scores_by_weight() -> None:
    # trend: gap 2% / scale 4% = 0.5 strength (weight 2); momentum rsi 40: weakness 0.2;
    # regime trending: strength 1; volume 0.8/0.2. Total weight 5.
    result = assess("weighted", FULL)
    assert result.strength == Decimal("0.560000")  # (2*0.5 + 0 + 1 + 0.8) / 5 = 2.8 / 5
    assert result.weakness == Decimal("0.080000")  # (0 + 0.2 + 0 + 0.2) / 5
    assert result.regime is Regime.TRENDING
    assert result.assessment_id == "ctx-1"
    assert result.symbol == "ETH/BTC"
    assert result.ts_ms == 1_000


def test_max_method_takes_the_largest_strength_and_weakness() -> None:
    result = assess("max", FULL)
    assert result.strength == Decimal("1.000000")
    assert result.weakness == Decimal("0.200000")


def test_consensus_method_counts_components_agreeing_at_the_threshold() -> None:
    result = assess("consensus", FULL, threshold=Decimal("0.5"))
    # strengths 0.5, 0, 1, 0.8 -> three at or above 0.5; weaknesses 0, 0.2, 0, 0.2 -> none
    assert result.strength == Decimal("0.750000")
    assert result.weakness == Decimal("0.000000")
    stricter = assess("consensus", FULL, threshold=Decimal("0.9"))
    assert stricter.strength == Decimal("0.250000")


def test_summary_records_each_voting_component_sorted_by_name() -> None:
    result = assess("weighted", FULL)
    assert result.summary == (
        ("momentum.strength", Decimal("0.000000")),
        ("momentum.weakness", Decimal("0.200000")),
        ("regime.strength", Decimal("1.000000")),
        ("regime.weakness", Decimal("0.000000")),
        ("trend.strength", Decimal("0.500000")),
        ("trend.weakness", Decimal("0.000000")),
        ("volume.strength", Decimal("0.800000")),
        ("volume.weakness", Decimal("0.200000")),
    )


def test_components_with_missing_columns_abstain() -> None:
    result = assess("weighted", {"rsi": 25.0})
    assert result.strength == Decimal("0.000000")
    assert result.weakness == Decimal("0.500000")
    assert result.regime is Regime.UNKNOWN
    assert [name for name, _ in result.summary] == ["momentum.strength", "momentum.weakness"]


def test_no_voting_component_gives_zero_scores_and_unknown_regime() -> None:
    for method in ("weighted", "max", "consensus"):
        result = assess(method, {})
        assert (result.strength, result.weakness, result.regime) == (
            Decimal(0),
            Decimal(0),
            Regime.UNKNOWN,
        )
        assert result.summary == ()
    empty = ContextScoreAggregator(AggregatorParams()).assess(snapshot(FULL), "x")
    assert (empty.strength, empty.weakness, empty.regime) == (
        Decimal(0),
        Decimal(0),
        Regime.UNKNOWN,
    )


def test_ranging_flag_sets_regime_ranging_and_full_weakness_for_that_component() -> None:
    result = assess("max", {"adx.trending": 0.0})
    assert result.regime is Regime.RANGING
    assert result.weakness == Decimal("1.000000")


def test_zero_weight_component_abstains() -> None:
    components = (
        ComponentParams(name="a", kind="volume", column="vp", weight=Decimal(0)),
        ComponentParams(name="b", kind="momentum", column="rsi"),
    )
    aggregator = ContextScoreAggregator(AggregatorParams(components=components, method="max"))
    result = aggregator.assess(snapshot({"vp": 1.0, "rsi": 60.0}), "x")
    assert result.strength == Decimal("0.200000")
    assert [name for name, _ in result.summary] == ["b.strength", "b.weakness"]


def test_trend_below_its_moving_average_is_weakness_clamped_to_one() -> None:
    result = ContextScoreAggregator(AggregatorParams(components=COMPONENTS[:1])).assess(
        snapshot({"sma": 100.0}, close=90.0), "x"
    )
    assert (result.strength, result.weakness) == (Decimal(0), Decimal("1.000000"))


@given(
    rsi=st.floats(0, 100),
    vp=st.floats(0, 1),
    trending=st.sampled_from([0.0, 1.0]),
    close=st.floats(50, 150),
    method=st.sampled_from(["weighted", "max", "consensus"]),
)
def test_scores_stay_in_unit_interval_and_weighted_lies_between_min_and_max(
    rsi: float, vp: float, trending: float, close: float, method: str
) -> None:
    current = {"sma": 100.0, "rsi": rsi, "adx.trending": trending, "vp": vp}
    params = AggregatorParams(components=COMPONENTS, method=method)
    result = ContextScoreAggregator(params).assess(snapshot(current, close=close), "x")
    assert Decimal(0) <= result.strength <= Decimal(1)
    assert Decimal(0) <= result.weakness <= Decimal(1)
    strengths = [score for name, score in result.summary if name.endswith(".strength")]
    if method == "weighted":
        assert min(strengths) - Decimal("0.000001") <= result.strength
        assert result.strength <= max(strengths) + Decimal("0.000001")
    if method == "max":
        assert result.strength == max(strengths)


@pytest.mark.parametrize("threshold", ["-0.1", "1.5"])
def test_consensus_threshold_outside_unit_interval_is_refused(threshold: str) -> None:
    with pytest.raises(ValueError, match="threshold must be"):
        AggregatorParams(threshold=Decimal(threshold))
