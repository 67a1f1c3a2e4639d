"""The context aggregator's rules as numpy operations: one row of scores per bar.

This is the one implementation of the three methods (weighted, max, consensus).
`ContextScoreAggregator` runs it over a whole history when the kernel precomputes the
history (`shared.row_scores`), and over the single bar of a snapshot when a cycle has no
precomputed row; both paths then read the row back into an assessment the same way, so
they cannot disagree.

A row holds integers: strength and weakness in micro-units, the regime's code (an index
into `REGIMES`), then one score per summary label in micro-units, `NAN_MICRO_UNITS` where
that label's component abstains. Scores are quantised here, once per bar, with
`shared.quantize.micro_units_of` (the vectorised rule of `to_score`); reading a row back is
`shared.quantize.score_of` of each score.
"""

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from tradekernel.domain.enums import Regime
from tradekernel.features.context.components import BoolArray, ComponentParams, component_scores
from tradekernel.shared.bars import FloatArray
from tradekernel.shared.quantize import micro_units_of
from tradekernel.shared.row_scores import ScoreMatrix

REGIMES = (Regime.UNKNOWN, Regime.TRENDING, Regime.RANGING)  # row code -> regime
_UNSET = -1.0  # no regime component has voted yet

# (label, component number, 0 strength / 1 weakness), sorted by label.
SummaryOrder = Sequence[tuple[str, int, int]]
Scores = tuple[BoolArray, FloatArray, FloatArray]  # votes, strength, weakness
# Strength, weakness and the silent bars (no vote counted), from the components' scores.
Combined = tuple[FloatArray, FloatArray, BoolArray]
Combine = Callable[[Sequence[ComponentParams], Sequence[Scores], float], Combined]


def _weighted(
    components: Sequence[ComponentParams], scores: Sequence[Scores], _threshold: float
) -> Combined:
    # The weight-averaged scores of the voting components, summed in name order.
    total = np.zeros(len(scores[0][0]))
    strength, weakness = total, total
    for component, (votes, s, w) in zip(components, scores, strict=True):
        weight = float(component.weight)
        total = np.where(votes, total + weight, total)
        strength = np.where(votes, strength + weight * s, strength)
        weakness = np.where(votes, weakness + weight * w, weakness)
    # A bar whose voting weights sum to 0.0 (none voted, or all round to 0.0) is silent.
    silent = total == 0.0
    divisor = np.where(silent, 1.0, total)
    return (
        np.where(silent, 0.0, strength / divisor),
        np.where(silent, 0.0, weakness / divisor),
        silent,
    )


def _max(
    _components: Sequence[ComponentParams], scores: Sequence[Scores], _threshold: float
) -> Combined:
    # Scores are 0..1 and never NaN, so starting from 0 gives 0 where nothing votes.
    strength = weakness = np.zeros(len(scores[0][0]))
    voted = np.zeros(len(scores[0][0]), dtype=np.bool_)
    for votes, s, w in scores:
        strength = np.where(votes, np.maximum(strength, s), strength)
        weakness = np.where(votes, np.maximum(weakness, w), weakness)
        voted = voted | votes
    return strength, weakness, ~voted


def _consensus(
    _components: Sequence[ComponentParams], scores: Sequence[Scores], threshold: float
) -> Combined:
    # Counts as floats: small integers divide exactly as Python's int / int does.
    voters = strong = weak = np.zeros(len(scores[0][0]))
    for votes, s, w in scores:
        voters = voters + votes
        strong = strong + (votes & (s >= threshold))
        weak = weak + (votes & (w >= threshold))
    silent = voters == 0.0
    divisor = np.where(silent, 1.0, voters)
    return np.where(silent, 0.0, strong / divisor), np.where(silent, 0.0, weak / divisor), silent


COMBINE: Mapping[str, Combine] = {"weighted": _weighted, "max": _max, "consensus": _consensus}


def _regime(components: Sequence[ComponentParams], scores: Sequence[Scores]) -> FloatArray:
    # The first regime component (by name) that votes: trending at 1.0, ranging below.
    regime = np.full(len(scores[0][0]), _UNSET)
    for component, (votes, s, _w) in zip(components, scores, strict=True):
        if component.kind == "regime":
            first = votes & (regime == _UNSET)
            regime = np.where(first, np.where(s >= 1.0, 1.0, 2.0), regime)
    return regime


def score_rows(
    method: str,
    threshold: float,
    components: Sequence[ComponentParams],
    summary_order: SummaryOrder,
    close: FloatArray,
    features: Mapping[str, FloatArray],
) -> ScoreMatrix:
    """Return one row per bar: strength, weakness, regime code, then the summary scores.

    `components`: the voting components in name order; a column missing from `features`
    makes its component abstain on every bar.
    """
    count = len(close)
    if not components:
        # Every bar is silent (0, 0, unknown, no summary): one row, broadcast, no copy per bar.
        return np.broadcast_to(np.zeros(3, dtype=np.int64), (count, 3))
    scores: list[Scores] = []
    for component in components:
        column = features.get(component.column)
        value = np.full(count, np.nan) if column is None else np.asarray(column, np.float64)
        scores.append(component_scores(component, close, value))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        strength, weakness, silent = COMBINE[method](components, scores, threshold)
    regime = _regime(components, scores)
    regime = np.where(silent | (regime == _UNSET), 0.0, regime)
    columns = [micro_units_of(strength), micro_units_of(weakness), regime.astype(np.int64)]
    for _label, number, side in summary_order:
        votes, s, w = scores[number]
        columns.append(micro_units_of(np.where(votes, w if side else s, np.nan)))
    return np.stack(columns, axis=1)
