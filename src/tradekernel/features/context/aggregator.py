"""The context aggregator: combines component scores into one ContextAssessment."""

import math
from collections.abc import Mapping
from decimal import Decimal

import attrs
import numpy as np

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import ContextAssessment, FeatureSnapshot
from tradekernel.features.context.components import ComponentParams
from tradekernel.features.context.scored_rows import REGIMES, score_rows
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.param_checks import at_least, at_most, one_of
from tradekernel.shared.quantize import score_of, scores_of
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


def _finite_weight_sum(
    _instance: object,
    _attribute: "attrs.Attribute[tuple[ComponentParams, ...]]",
    value: tuple[ComponentParams, ...],
) -> None:
    # The weighted method sums the weights as floats (in name order; a bar's voters are a
    # subset, so their sum is no larger): an overflow would make its scores inf / inf.
    total = 0.0
    for component in sorted(value, key=lambda c: c.name):
        total += float(component.weight)
    if not math.isfinite(total):
        raise ValueError("component weights must sum to a finite number (as a float)")


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

    components: tuple[ComponentParams, ...] = attrs.field(
        default=(), validator=[_unique_names, _finite_weight_sum]
    )
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

    The rules are numpy operations over whole histories (`features.context.scored_rows`):
    `score_rows` scores every bar once when the kernel precomputes a history, and `assess`
    scores the one bar of a snapshot the same way, so both give the same assessment.
    """

    def __init__(self, params: AggregatorParams) -> None:
        self._params = params
        self._threshold = float(params.threshold)
        # Components in name order (the regime comes from the first that votes).
        self._voting = tuple(
            sorted((c for c in params.components if c.weight != 0), key=lambda c: c.name)
        )
        # Summary labels sorted as text once; a vote fills its two slots in that order.
        self._summary_order = tuple(
            sorted(
                (label, n, side)
                for n, c in enumerate(self._voting)
                for side, label in ((0, f"{c.name}.strength"), (1, f"{c.name}.weakness"))
            )
        )
        self._labels = tuple(label for label, _n, _side in self._summary_order)

    @property
    def name(self) -> str:
        return f"context_{self._params.method}"

    def score_rows(self, bars: BarSeries, features: Mapping[str, FloatArray]) -> ScoreMatrix:
        """Return every bar's scores, for `assess_row`."""
        return self._rows(bars.close, features)

    def assess(self, snapshot: FeatureSnapshot, assessment_id: str) -> ContextAssessment:
        """Return the assessment of the snapshot's bar: its one row of scores, read back."""
        features = {
            c.column: np.array([_nan_if_absent(snapshot.get(c.column))]) for c in self._voting
        }
        row: list[int] = self._rows(np.array([snapshot.close]), features)[0].tolist()
        return self.assess_row(row, snapshot.symbol, snapshot.ts_ms, assessment_id)

    def assess_row(
        self, row: list[int], symbol: str, ts_ms: int, assessment_id: str
    ) -> ContextAssessment:
        """Return the assessment of the bar whose row of `score_rows` this is."""
        # The row holds one score per label by construction (`score_rows`), so the zips
        # need no check; and no keyword either: `strict=` is parsed the slow way, about
        # 0.15 us for every symbol of every cycle.
        if min(row) >= 0:
            # No score is undefined, so no label is left out (the common case past the
            # warm-up): every Decimal in one C-level pass (`scores_of`), not a `score_of`
            # call each; the regime code is converted along, unused, for less than a call.
            strength_score, weakness_score, _, *summary_scores = scores_of(row)
            summary = tuple(zip(self._labels, summary_scores))  # noqa: B905 - see above
        else:
            strength, weakness, _, *scores = row
            strength_score, weakness_score = score_of(strength), score_of(weakness)
            # Negative (NAN_MICRO_UNITS): the label's component abstains on this bar.
            summary = tuple(
                [
                    (label, score_of(score))
                    for label, score in zip(self._labels, scores)  # noqa: B905 - see above
                    if score >= 0
                ]
            )
        return ContextAssessment(
            assessment_id=assessment_id,
            symbol=symbol,
            ts_ms=ts_ms,
            strength=strength_score,
            weakness=weakness_score,
            regime=REGIMES[row[2]],
            summary=summary,
        )

    def _rows(self, close: FloatArray, features: Mapping[str, FloatArray]) -> ScoreMatrix:
        return score_rows(
            self._params.method,
            self._threshold,
            self._voting,
            self._summary_order,
            close,
            features,
        )


def _nan_if_absent(value: float | None) -> float:
    return np.nan if value is None else value


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
