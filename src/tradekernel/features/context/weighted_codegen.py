"""The weighted aggregator compiled to one straight-line function per configuration.

`assess` runs for every symbol of every cycle. Generic code pays a call per component, a
loop over the votes and a loop over the summary labels; the function generated here (as
attrs generates `__init__`) unrolls all three for the configured components, with the same
float operations in the same order, so it returns exactly what the generic rules give.
`tests/unit/features/context/test_context_aggregator_reference.py` compares it against a
plain transcription of the documented rules.
"""

from collections.abc import Callable, Sequence
from decimal import Decimal

from tradekernel.domain.enums import Regime
from tradekernel.domain.signals import ContextAssessment, FeatureSnapshot
from tradekernel.domain.slot_init import positional_new
from tradekernel.features.context.components import ComponentParams
from tradekernel.shared.quantize import SCORE_PLACES, to_score

Assess = Callable[[FeatureSnapshot, str], ContextAssessment]

# `to_score` inlined for values that cannot be NaN: clamped component scores and their
# weighted average (finite weights over values in 0..1).
_SCORE = "(ZERO if {x} <= 0.0 else ONE if {x} >= 1.0 else Decimal(round({x} * 1000000)) * MICRO)"


# The assessment's fields and how the generated code computes them; built positionally.
_RESULT = {
    "assessment_id": "assessment_id",
    "symbol": "snapshot.symbol",
    "ts_ms": "snapshot.ts_ms",
    "strength": _SCORE.format(x="strength"),
    "weakness": _SCORE.format(x="weakness"),
    "regime": "regime",
    "summary": "tuple(summary)",
}
_NEW_ASSESSMENT = positional_new(ContextAssessment, tuple(_RESULT))


def _clamped(target: str, expression: str) -> list[str]:
    # components._clamp unrolled; NaN maps to 0 as it does there.
    return [f"g = {expression}", f"{target} = 1.0 if g >= 1.0 else (g if g > 0.0 else 0.0)"]


def _score_lines(number: int, component: ComponentParams) -> list[str]:
    # Sets s<n>/w<n>, or s<n> = None when the component abstains (see components.scorer).
    s, w = f"s{number}", f"w{number}"
    head = [f"v = get(C{number})"]
    if component.kind == "trend":
        head += ["if v is None or v == 0.0:", f"    {s} = None", "else:"]
        body = [f"gap = (close - v) / abs(v) / K{number}"]
        body += _clamped(s, "gap") + _clamped(w, "-gap")
    else:
        head += ["if v is None:", f"    {s} = None", "else:"]
        if component.kind == "momentum":
            body = _clamped(s, "(v - 50.0) / 50.0") + _clamped(w, "(50.0 - v) / 50.0")
        else:  # regime and volume: a value already in 0..1
            body = _clamped(s, "v") + _clamped(w, "1.0 - v")
    body += [
        f"total += W{number}",
        f"strength += W{number} * {s}",
        f"weakness += W{number} * {w}",
    ]
    if component.kind == "regime":
        body += ["if regime is None:", f"    regime = TRENDING if {s} >= 1.0 else RANGING"]
    return head + ["    " + line for line in body]


def compile_weighted(
    components: Sequence[ComponentParams], summary_order: Sequence[tuple[str, int, int]]
) -> Assess:
    """Return `assess(snapshot, assessment_id)` for the weighted method.

    `components`: the voting components in name order; `summary_order`: (label, component
    number, 0 strength / 1 weakness), sorted by label.
    """
    namespace: dict[str, object] = {
        "new_assessment": _NEW_ASSESSMENT,
        "Decimal": Decimal,
        "ZERO": to_score(0.0),
        "ONE": to_score(1.0),
        "MICRO": SCORE_PLACES,
        "TRENDING": Regime.TRENDING,
        "RANGING": Regime.RANGING,
        "UNKNOWN": Regime.UNKNOWN,
    }
    lines = [
        "def assess(snapshot, assessment_id):",
        "    get = snapshot.current.get",
        "    close = snapshot.close",
        "    total = strength = weakness = 0.0",
        "    regime = None",
        "    summary = []",
    ]
    for number, component in enumerate(components):
        namespace[f"C{number}"] = component.column
        namespace[f"W{number}"] = float(component.weight)
        namespace[f"K{number}"] = float(component.scale)
        lines += ["    " + line for line in _score_lines(number, component)]
    for label_number, (label, number, side) in enumerate(summary_order):
        namespace[f"L{label_number}"] = label
        value = f"{'w' if side else 's'}{number}"
        lines += [
            f"    if s{number} is not None:",
            f"        summary.append((L{label_number}, {_SCORE.format(x=value)}))",
        ]
    lines += [
        "    if total == 0.0:",
        "        strength = weakness = 0.0",
        "        regime = UNKNOWN",
        "    else:",
        "        strength, weakness = strength / total, weakness / total",
        "        if regime is None:",
        "            regime = UNKNOWN",
        "    return new_assessment(",
        *(f"        {expression}," for expression in _RESULT.values()),
        "    )",
    ]
    # Only numbers and fixed text are spliced into the source; names and labels (user text)
    # are passed as constants in the namespace.
    exec(compile("\n".join(lines), "<weighted aggregator>", "exec"), namespace)
    assess: Assess = namespace["assess"]  # type: ignore[assignment]
    return assess
