"""Why the holistic plan left a directive out: a reason code and the evidence in words.

The evidence is the best-ranked sequence that did trade the directive's (symbol, side):
outscored when it was valid, else the simulation's reason (min notional, min qty, cash).
"""

from collections.abc import Sequence

from tradekernel.domain.enums import Side, SkipReason
from tradekernel.domain.portfolio import ScoredSequence

# Simulation reasons, by the phrase that names them, mapped to the gate codes they mirror.
_INVALID_CODES: tuple[tuple[str, SkipReason], ...] = (
    ("min notional", SkipReason.MIN_NOTIONAL),
    ("min qty", SkipReason.MIN_QTY),
    ("rounds to zero", SkipReason.QTY_ROUNDS_TO_ZERO),
    ("no symbol rules", SkipReason.RULES_UNAVAILABLE),
    ("but holds", SkipReason.INSUFFICIENT_BALANCE),
    ("before sales settle", SkipReason.INSUFFICIENT_BALANCE),
    ("overdraws cash", SkipReason.CASH_BUDGET),
)


def _trades(item: ScoredSequence, key: tuple[str, Side]) -> bool:
    return any((a.symbol, a.side) == key for a in item.sequence.actions)


def _label(item: ScoredSequence) -> str:
    return f"{item.sequence.pattern} via {item.sequence.generator}"


def invalid_code(reason: str) -> SkipReason:
    """Return the skip reason a simulation failure mirrors (cash budget when unknown)."""
    for phrase, code in _INVALID_CODES:
        if phrase in reason:
            return code
    return SkipReason.CASH_BUDGET


def left_out(
    key: tuple[str, Side], best: ScoredSequence | None, ranked: Sequence[ScoredSequence]
) -> tuple[SkipReason, str]:
    """Return why the directive trading `key` is not in `best`.

    `ranked` are the scored sequences in rank order. A directive the best sequence leaves
    out is `portfolio_plan`, with the two scores in the detail.
    """
    symbol, side = key
    chosen = (
        f"{_label(best)} (score {best.score.total})" if best is not None else "no valid sequence"
    )
    trading = [item for item in ranked if _trades(item, key)]
    valid = [item for item in trading if item.valid]
    if valid:
        rival = valid[0]
        return (
            SkipReason.PORTFOLIO_PLAN,
            f"holistic: plan chose {chosen}; the best sequence to {side.value} {symbol}, "
            f"{_label(rival)}, scored {rival.score.total}",
        )
    if trading:
        # The smallest failing sequence says most about the directive itself.
        failing = min(trading, key=lambda item: (len(item.sequence.actions), item.sequence.key))
        return (
            invalid_code(failing.reason),
            f"holistic: every sequence to {side.value} {symbol} is invalid, e.g. "
            f"{_label(failing)}: {failing.reason}",
        )
    return (
        SkipReason.PORTFOLIO_PLAN,
        f"holistic: plan chose {chosen}; no sequence to {side.value} {symbol} passed the "
        "planner's patterns and filters",
    )
