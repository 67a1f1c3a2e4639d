"""The aggregator against a plain transcription of its documented rules."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tradekernel.domain.enums import Regime
from tradekernel.domain.signals import ContextAssessment, FeatureSnapshot
from tradekernel.features.context.aggregator import AggregatorParams, ContextScoreAggregator
from tradekernel.features.context.components import ComponentParams
from tradekernel.shared.quantize import to_score

KINDS = ("trend", "momentum", "regime", "volume")


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _reference_score(component: ComponentParams, current: dict[str, float], close: float):  # type: ignore[no-untyped-def]
    value = current.get(component.column)
    if value is None:
        return None
    if component.kind == "trend":
        if value == 0.0:
            return None
        gap = (close - value) / abs(value) / float(component.scale)
        return _clamp(gap), _clamp(-gap)
    if component.kind == "momentum":
        return _clamp((value - 50.0) / 50.0), _clamp((50.0 - value) / 50.0)
    return _clamp(value), _clamp(1.0 - value)


def _reference(
    params: AggregatorParams, current: dict[str, float], close: float
) -> ContextAssessment:
    voting = sorted((c for c in params.components if c.weight != 0), key=lambda c: c.name)
    votes = [(c, r) for c in voting if (r := _reference_score(c, current, close)) is not None]
    summary = sorted(
        item
        for c, (s, w) in votes
        for item in ((f"{c.name}.strength", to_score(s)), (f"{c.name}.weakness", to_score(w)))
    )
    if not votes:
        strength = weakness = 0.0
    elif params.method == "max":
        strength, weakness = max(s for _, (s, _) in votes), max(w for _, (_, w) in votes)
    elif params.method == "consensus":
        t = float(params.threshold)
        strength = sum(1 for _, (s, _) in votes if s >= t) / len(votes)
        weakness = sum(1 for _, (_, w) in votes if w >= t) / len(votes)
    else:
        total = 0.0
        strength = weakness = 0.0
        for c, (s, w) in votes:
            total += float(c.weight)
            strength += float(c.weight) * s
            weakness += float(c.weight) * w
        strength, weakness = strength / total, weakness / total
    regime = next(
        (
            Regime.TRENDING if s >= 1.0 else Regime.RANGING
            for c, (s, _) in votes
            if c.kind == "regime"
        ),
        Regime.UNKNOWN,
    )
    return ContextAssessment(
        assessment_id="ctx-ref",
        symbol="X/Y",
        ts_ms=7,
        strength=to_score(strength),
        weakness=to_score(weakness),
        regime=regime,
        summary=tuple(summary),
    )


components = st.lists(
    st.builds(
        ComponentParams,
        name=st.sampled_from(["a", "a-b", "b", "trend", "t.x", "z"]),
        kind=st.sampled_from(KINDS),
        column=st.sampled_from(["c1", "c2", "c3"]),
        weight=st.sampled_from([Decimal(0), Decimal("0.5"), Decimal(1), Decimal(3)]),
        scale=st.sampled_from([Decimal("0.01"), Decimal("0.02"), Decimal("0.5")]),
    ),
    max_size=5,
    unique_by=lambda c: c.name,
)
values = st.one_of(
    st.floats(min_value=-200.0, max_value=200.0, allow_nan=False),
    st.sampled_from([0.0, 1.0, 50.0, float("inf"), float("-inf")]),
)


@given(
    chosen=components,
    method=st.sampled_from(["weighted", "max", "consensus"]),
    current=st.dictionaries(st.sampled_from(["c1", "c2", "c3"]), values),
    close=st.floats(min_value=0.01, max_value=500.0),
)
def test_assess_equals_the_documented_rules(
    chosen: list[ComponentParams], method: str, current: dict[str, float], close: float
) -> None:
    params = AggregatorParams(components=tuple(chosen), method=method)
    snapshot = FeatureSnapshot(symbol="X/Y", ts_ms=7, close=close, current=current, previous={})
    got = ContextScoreAggregator(params).assess(snapshot, "ctx-ref")
    want = _reference(params, current, close)
    assert got == want
    assert [str(v) for _, v in got.summary] == [str(v) for _, v in want.summary]
    assert (str(got.strength), str(got.weakness)) == (str(want.strength), str(want.weakness))
