"""Scored rows (`scored_rows`) give, bar by bar, the assessment `assess` gives a snapshot."""

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradekernel.domain.enums import Regime
from tradekernel.domain.signals import ContextAssessment
from tradekernel.features.context.aggregator import AggregatorParams, ContextScoreAggregator
from tradekernel.features.context.components import ComponentParams
from tradekernel.features.context.scored_rows import REGIMES
from tradekernel.orchestration.kernel.plugin_contract import row_scorer
from tradekernel.orchestration.kernel.snapshots import snapshot_at
from tradekernel.shared.bars import BarSeries
from tradekernel.shared.quantize import score_of

KINDS = ("trend", "momentum", "regime", "volume")
COLUMNS = ("c1", "c2", "c3")

components = st.lists(
    st.builds(
        ComponentParams,
        name=st.sampled_from(["a", "a-b", "b", "trend", "t.x", "z"]),
        kind=st.sampled_from(KINDS),
        column=st.sampled_from([*COLUMNS, "absent"]),
        weight=st.sampled_from(
            [Decimal(0), Decimal("0.5"), Decimal(1), Decimal(3), Decimal("1e-7")]
        ),
        scale=st.sampled_from([Decimal("0.01"), Decimal("0.02"), Decimal("0.5")]),
    ),
    min_size=1,
    max_size=5,
    unique_by=lambda c: c.name,
)
values = st.one_of(
    st.floats(min_value=-200.0, max_value=200.0),
    st.sampled_from([0.0, -0.0, 1.0, 0.5, 50.0, 100.0, float("inf"), float("-inf"), float("nan")]),
)
BARS = 6


def _series(close: list[float], columns: dict[str, list[float]]) -> BarSeries:
    prices = np.array(close, dtype=np.float64)
    bare = BarSeries(
        symbol="X/Y",
        ts_ms=np.arange(len(close), dtype=np.int64) * 60_000,
        open=prices,
        high=prices,
        low=prices,
        close=prices,
        volume=np.ones(len(close)),
    )
    return bare.with_features({k: np.array(v, dtype=np.float64) for k, v in columns.items()})


def _text(assessment: ContextAssessment) -> tuple[object, ...]:
    # Decimal equality ignores the exponent; the plan's text does not.
    return (
        assessment,
        str(assessment.strength),
        str(assessment.weakness),
        tuple((label, str(score)) for label, score in assessment.summary),
    )


@settings(max_examples=300)
@given(
    chosen=components,
    method=st.sampled_from(["weighted", "max", "consensus"]),
    close=st.lists(st.floats(min_value=0.01, max_value=500.0), min_size=BARS, max_size=BARS),
    columns=st.fixed_dictionaries(
        {name: st.lists(values, min_size=BARS, max_size=BARS) for name in COLUMNS}
    ),
)
def test_every_scored_row_gives_the_snapshot_assessment(
    chosen: list[ComponentParams],
    method: str,
    close: list[float],
    columns: dict[str, list[float]],
) -> None:
    aggregator = ContextScoreAggregator(AggregatorParams(components=tuple(chosen), method=method))
    series = _series(close, columns)
    rows = aggregator.score_rows(series, series.features)
    assert rows.shape[0] == BARS
    for index in range(BARS):
        snapshot = snapshot_at(series, series.features, index)
        want = aggregator.assess(snapshot, f"ctx-{index}")
        got = aggregator.assess_row(
            rows[index].tolist(), "X/Y", int(series.ts_ms[index]), f"ctx-{index}"
        )
        assert _text(got) == _text(want)


@given(
    row=st.lists(
        st.one_of(st.just(-1), st.integers(min_value=0, max_value=10**6)), min_size=6, max_size=6
    ),
    regime=st.integers(min_value=0, max_value=len(REGIMES) - 1),
)
def test_a_row_reads_back_as_score_of_each_score_with_abstentions_left_out(
    row: list[int], regime: int
) -> None:
    # Both ways of reading a row back (every score defined, or some undefined) give the
    # Decimals `score_of` gives, exponents included.
    components = (
        ComponentParams(name="a", kind="trend", column="c1"),
        ComponentParams(name="b", kind="momentum", column="c2"),
    )
    aggregator = ContextScoreAggregator(AggregatorParams(components=components))
    got = aggregator.assess_row([*row[:2], regime, *row[2:]], "X/Y", 7, "ctx-7")
    labels = ("a.strength", "a.weakness", "b.strength", "b.weakness")
    want = ContextAssessment(
        assessment_id="ctx-7",
        symbol="X/Y",
        ts_ms=7,
        strength=score_of(row[0]),
        weakness=score_of(row[1]),
        regime=REGIMES[regime],
        summary=tuple(
            (label, score_of(score))
            for label, score in zip(labels, row[2:], strict=True)
            if score >= 0
        ),
    )
    assert _text(got) == _text(want)


def test_a_history_without_voting_components_shares_one_silent_row() -> None:
    component = ComponentParams(name="m", kind="momentum", column="c1", weight=Decimal(0))
    aggregator = ContextScoreAggregator(AggregatorParams(components=(component,)))
    assert row_scorer(aggregator)
    series = _series([1.0, 2.0, 3.0], {"c1": [40.0, 60.0, 70.0]})
    rows = aggregator.score_rows(series, series.features)
    assert rows.shape == (3, 3) and rows.strides[0] == 0  # no memory per bar
    got = aggregator.assess_row(rows[2].tolist(), "X/Y", 7, "ctx-2")
    assert (got.strength, got.weakness, got.regime, got.summary) == (0, 0, Regime.UNKNOWN, ())


def test_weights_whose_float_sum_overflows_are_refused() -> None:
    # Their weighted average would be inf / inf on every bar.
    huge = (
        ComponentParams(name="a", kind="volume", column="c1", weight=Decimal("1e308")),
        ComponentParams(name="b", kind="volume", column="c2", weight=Decimal("1e308")),
    )
    with pytest.raises(ValueError, match="finite"):
        AggregatorParams(components=huge)
    AggregatorParams(components=huge[:1])
