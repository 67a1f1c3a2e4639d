"""The weighted aggregator over a whole history at once, and the assessment of one scored row.

`score_rows` runs the weighted method's rules (`weighted_codegen`) as numpy operations over
every bar: the same float operations in the same order, so every bar gets the bits the
per-snapshot function computes. It stores each bar as integers: strength and weakness in
micro-units, the regime, and one micro-unit score per summary label (-1 where the
component abstains). `compile_row_assess` turns such a row back into the assessment,
which the kernel then builds without a feature snapshot for symbols where nothing else
needs one. `tests/unit/features/context/test_weighted_rows.py` compares both paths bar
by bar, and the kernel tests compare whole plans.

Micro-units are exact: `Decimal(m) * 10**-6` is the text `to_score` gives, for 0 and 10**6
too. A value the per-snapshot path could not quantise (NaN or infinite strength, from
absurd weights) makes `score_rows` return None, so the kernel takes that path and fails
the same way.
"""

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from tradekernel.domain.enums import Regime
from tradekernel.domain.signals import ContextAssessment
from tradekernel.domain.slot_init import positional_new
from tradekernel.features.context.components import ComponentParams
from tradekernel.shared.bars import FloatArray
from tradekernel.shared.quantize import SCORE_PLACES, to_score
from tradekernel.shared.row_scores import ScoreMatrix

RowAssess = Callable[[list[int], str, int, str], ContextAssessment]

ABSTAINS = -1
MICRO_UNITS = 1_000_000
REGIMES = (Regime.UNKNOWN, Regime.TRENDING, Regime.RANGING)  # row code -> regime
_UNSET = -1  # no regime component has voted yet


def _clamp_array(values: FloatArray) -> FloatArray:
    # 1 at or above 1, the value above 0, else 0 (NaN included), as components._clamp.
    clamped: FloatArray = np.where(values >= 1.0, 1.0, np.where(values > 0.0, values, 0.0))
    return clamped


def _micro(values: FloatArray) -> npt.NDArray[np.int64] | None:
    # to_score: 0 at or below 0 (-inf too), 10**6 at or above 1 (inf too), else the rounded
    # micro-units (np.rint and round() both round half to even, exactly). NaN is the one
    # value to_score's integer path cannot take: None, so the caller falls back to it.
    if np.isnan(values).any():
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = np.rint(values * 1_000_000.0)
    micro = np.where(values >= 1.0, MICRO_UNITS, np.where(values > 0.0, scaled, 0.0))
    return micro.astype(np.int64)


def _votes(
    component: ComponentParams, close: FloatArray, value: FloatArray
) -> tuple[npt.NDArray[np.bool_], FloatArray, FloatArray]:
    # (votes, strength, weakness) of one component on every bar.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if component.kind == "trend":
            votes = ~np.isnan(value) & (value != 0.0)
            gap = (close - value) / np.abs(value) / float(component.scale)
            return votes, _clamp_array(gap), _clamp_array(-gap)
        votes = ~np.isnan(value)
        if component.kind == "momentum":
            return votes, _clamp_array((value - 50.0) / 50.0), _clamp_array((50.0 - value) / 50.0)
        return votes, _clamp_array(value), _clamp_array(1.0 - value)


def score_rows(
    components: Sequence[ComponentParams],
    summary_order: Sequence[tuple[str, int, int]],
    close: FloatArray,
    features: Mapping[str, FloatArray],
) -> ScoreMatrix | None:
    """Return one row per bar: strength, weakness, regime code, then the summary labels.

    `components` and `summary_order` as for `compile_weighted`. None when there is no
    voting component (every assessment is the same, and cheap) or a score is not finite.
    """
    if not components:
        return None
    count = len(close)
    total = np.zeros(count)
    strength = np.zeros(count)
    weakness = np.zeros(count)
    regime = np.full(count, _UNSET, dtype=np.int64)
    scores: list[tuple[npt.NDArray[np.bool_], FloatArray, FloatArray]] = []
    for component in components:
        value = features.get(component.column)
        if value is None:
            value = np.full(count, np.nan)
        votes, s, w = _votes(component, close, np.asarray(value, dtype=np.float64))
        weight = float(component.weight)
        with np.errstate(over="ignore", invalid="ignore"):
            total = np.where(votes, total + weight, total)
            strength = np.where(votes, strength + weight * s, strength)
            weakness = np.where(votes, weakness + weight * w, weakness)
        if component.kind == "regime":
            first = votes & (regime == _UNSET)
            regime = np.where(first, np.where(s >= 1.0, 1, 2), regime)
        scores.append((votes, s, w))
    silent = total == 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        strength = np.where(silent, 0.0, strength / np.where(silent, 1.0, total))
        weakness = np.where(silent, 0.0, weakness / np.where(silent, 1.0, total))
    regime = np.where(silent | (regime == _UNSET), 0, regime)
    columns = [_micro(strength), _micro(weakness), regime]
    for _label, number, side in summary_order:
        votes, s, w = scores[number]
        micro = _micro(w if side else s)
        columns.append(None if micro is None else np.where(votes, micro, ABSTAINS))
    present = [column for column in columns if column is not None]
    if len(present) < len(columns):
        return None
    return np.ascontiguousarray(np.stack(present, axis=1), dtype=np.int32)


_FIELDS = ("assessment_id", "symbol", "ts_ms", "strength", "weakness", "regime", "summary")
# Inlined to_score of micro-units; 0 and 10**6 share the constants the float path returns.
_SCORE = "(ZERO if {m} == 0 else ONE if {m} == 1000000 else Decimal({m}) * MICRO)"


def compile_row_assess(summary_order: Sequence[tuple[str, int, int]]) -> RowAssess:
    """Return `assess_row(row, symbol, ts_ms, assessment_id)` for rows of `score_rows`."""
    labels = [f"m{number}" for number in range(len(summary_order))]
    namespace: dict[str, object] = {
        "new_assessment": positional_new(ContextAssessment, _FIELDS),
        "Decimal": Decimal,
        "ZERO": to_score(0.0),
        "ONE": to_score(1.0),
        "MICRO": SCORE_PLACES,
        "REGIMES": REGIMES,
    }
    lines = [
        "def assess_row(row, symbol, ts_ms, assessment_id):",
        f"    strength, weakness, regime, {', '.join(labels)}, = row"
        if labels
        else "    strength, weakness, regime = row",
        "    summary = []",
    ]
    for number, (label, _component, _side) in enumerate(summary_order):
        namespace[f"L{number}"] = label
        lines += [
            f"    if m{number} >= 0:",
            f"        summary.append((L{number}, {_SCORE.format(m=f'm{number}')}))",
        ]
    lines += [
        "    return new_assessment(",
        "        assessment_id, symbol, ts_ms,",
        f"        {_SCORE.format(m='strength')},",
        f"        {_SCORE.format(m='weakness')},",
        "        REGIMES[regime], tuple(summary),",
        "    )",
    ]
    # Only numbers and fixed text are spliced in; labels (user text) are namespace constants.
    exec(compile("\n".join(lines), "<weighted row assessment>", "exec"), namespace)
    assess_row: RowAssess = namespace["assess_row"]  # type: ignore[assignment]
    return assess_row
