"""The context aggregator: combines component scores into one ContextAssessment."""

from collections.abc import Mapping
from decimal import Decimal

import attrs

from tradekernel.domain.enums import PluginKind, Regime
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import ContextAssessment, FeatureSnapshot
from tradekernel.features.context.components import ComponentParams, Score, scorer
from tradekernel.features.context.weighted_codegen import Assess, compile_weighted
from tradekernel.features.context.weighted_rows import RowAssess, compile_row_assess, score_rows
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.param_checks import at_least, at_most, one_of
from tradekernel.shared.quantize import to_score
from tradekernel.shared.row_scores import ScoreMatrix

METHODS = ("weighted", "max", "consensus")


def _unique_names(
    _instance: object,
    _attribute: "attrs.Attribute[tuple[ComponentParams, ...]]",
    value: tuple[ComponentParams, ...],
) -> None:
    names = [component.name for component in value]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"components must have unique names, repeated: {', '.join(duplicates)}")


@attrs.frozen(kw_only=True)
class AggregatorParams:
    """How to combine the components.

    `method`:
    - `weighted`: strength and weakness are the weight-averaged component scores (a
      component of weight 0 abstains).
    - `max`: the largest component strength and the largest weakness (weights ignored
      except that weight 0 abstains).
    - `consensus`: the fraction of voting components whose strength is >= `threshold`,
      and likewise for weakness (each voting component counts once).
    """

    components: tuple[ComponentParams, ...] = attrs.field(default=(), validator=_unique_names)
    method: str = attrs.field(default="weighted", validator=one_of(METHODS))
    threshold: Decimal = attrs.field(
        default=Decimal("0.5"), validator=[at_least(Decimal(0)), at_most(Decimal(1))]
    )


class ContextScoreAggregator:
    """Turn a feature snapshot into strength, weakness and regime (see `AggregatorParams`).

    Components whose columns are absent abstain. With no voting component the result is
    strength 0, weakness 0 and regime unknown. The regime comes from the first `regime`
    component (by name) that votes: trending at 1.0, ranging below. `summary` lists
    `<component>.strength` and `<component>.weakness` of each voting component, sorted.
    """

    def __init__(self, params: AggregatorParams) -> None:
        self._params = params
        # Compiled once: assess runs per symbol per cycle. Components in name order (the
        # regime comes from the first), each with its scorer and its two summary labels.
        voting = sorted((c for c in params.components if c.weight != 0), key=lambda c: c.name)
        self._components = tuple(
            (c, scorer(c), f"{c.name}.strength", f"{c.name}.weakness") for c in voting
        )
        # Summary labels sorted as text once; a vote fills its two slots in that order.
        labels = sorted(
            (label, n, side)
            for n, c in enumerate(self._components)
            for side, label in ((0, c[2]), (1, c[3]))
        )
        self._summary_order = tuple(labels)
        self._scorers = tuple(c[1] for c in self._components)
        # `assess(snapshot, assessment_id)` returns the assessment of `snapshot`. It is an
        # attribute, not a method: for the common method it is the function compiled for
        # these components (features.context.weighted_codegen), called with no wrapper.
        self.assess: Assess = (
            compile_weighted([c[0] for c in self._components], self._summary_order)
            if params.method == "weighted"
            else self._assess_votes
        )
        # The weighted method also scores whole histories (shared.row_scores): the kernel
        # then reads a symbol's assessment from its precomputed row.
        self.assess_row: RowAssess = compile_row_assess(self._summary_order)

    def score_rows(self, bars: BarSeries, features: Mapping[str, FloatArray]) -> ScoreMatrix | None:
        """Return every bar's scores for `assess_row` (weighted method only, else None)."""
        if self._params.method != "weighted":
            return None
        components = [c[0] for c in self._components]
        return score_rows(components, self._summary_order, bars.close, features)

    @property
    def name(self) -> str:
        return f"context_{self._params.method}"

    def _assess_votes(self, snapshot: FeatureSnapshot, assessment_id: str) -> ContextAssessment:
        # The max and consensus methods.
        scores = [score_of(snapshot) for score_of in self._scorers]
        summary = []
        for label, n, side in self._summary_order:
            result = scores[n]
            if result is not None:
                summary.append((label, to_score(result[side])))
        votes = [
            (c[0], result)
            for c, result in zip(self._components, scores, strict=True)
            if result is not None
        ]
        strength, weakness = self._combine(votes)
        regime = self._regime(votes)
        return ContextAssessment(
            assessment_id=assessment_id,
            symbol=snapshot.symbol,
            ts_ms=snapshot.ts_ms,
            strength=to_score(strength),
            weakness=to_score(weakness),
            regime=regime,
            summary=tuple(summary),
        )

    def _combine(self, votes: list[tuple[ComponentParams, Score]]) -> Score:
        # max and consensus; the weighted method is compiled (see __init__).
        if not votes:
            return 0.0, 0.0
        if self._params.method == "max":
            return max(s for _, (s, _w) in votes), max(w for _, (_s, w) in votes)
        threshold = float(self._params.threshold)
        agree_strong = sum(1 for _, (s, _w) in votes if s >= threshold)
        agree_weak = sum(1 for _, (_s, w) in votes if w >= threshold)
        return agree_strong / len(votes), agree_weak / len(votes)

    @staticmethod
    def _regime(votes: list[tuple[ComponentParams, Score]]) -> Regime:
        for component, (strength, _weakness) in votes:
            if component.kind == "regime":
                return Regime.TRENDING if strength >= 1.0 else Regime.RANGING
        return Regime.UNKNOWN


def _requires(params: AggregatorParams) -> tuple[str, ...]:
    return tuple(sorted({component.column for component in params.components}))


AGGREGATOR_SPEC = PluginSpec(
    kind=PluginKind.CONTEXT_AGGREGATOR,
    name="score",
    params=AggregatorParams,
    factory=ContextScoreAggregator,
    summary="Weighted, max or consensus combination of trend/momentum/regime/volume scores.",
    requires=_requires,
)
