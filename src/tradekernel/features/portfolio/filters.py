"""Sequence filters: each returns why a sequence is dropped, or None to keep it.

Filters see one sequence at a time (so the incremental planner can filter per batch), except
the diversity filter, which the planner applies to the whole list in order.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

import attrs

from tradekernel.domain.enums import Side
from tradekernel.domain.portfolio import ActionSequence
from tradekernel.features.portfolio.valuation import ZERO, correlation, unrealised_return
from tradekernel.features.portfolio.view import PlanningView

DAY_MS = 86_400_000


class SequenceFilter(Protocol):
    name: str

    def reject(self, sequence: ActionSequence, view: PlanningView) -> str | None: ...


@attrs.frozen(kw_only=True)
class CorrelationParams:
    max_correlation: Decimal = Decimal("0.85")


@attrs.frozen(kw_only=True)
class CorrelationAware:
    """Drop sequences that buy into two symbols correlated above `max_correlation`.

    The pair counts whether both are bought, or one is bought while the other is held.
    """

    params: CorrelationParams
    name: str = "correlation"

    def reject(self, sequence: ActionSequence, view: PlanningView) -> str | None:
        bought = sorted({a.symbol for a in sequence.actions if a.side is Side.BUY})
        sold = {a.symbol for a in sequence.actions if a.side is Side.SELL}
        exposed = sorted((set(bought) | set(view.quantities)) - sold)
        for a in bought:
            for b in exposed:
                if a == b:
                    continue
                value = correlation(view.state, a, b)
                if value is not None and value > self.params.max_correlation:
                    return f"buys {a} correlated {value} with {b}"
        return None


@attrs.frozen(kw_only=True)
class EligibilityParams:
    min_hold_ms: int = DAY_MS
    cooldown_ms: int = DAY_MS
    max_loss: Decimal = Decimal("0.5")


@attrs.frozen(kw_only=True)
class Eligibility:
    """Minimum hold before selling, cooldown before re-buying, no buying beyond max loss."""

    params: EligibilityParams
    name: str = "eligibility"

    def reject(self, sequence: ActionSequence, view: PlanningView) -> str | None:
        state = view.state
        for action in sequence.actions:
            position = state.position(action.symbol)
            if action.side is Side.SELL and position is not None and position.opened_ms:
                held = state.now_ms - position.opened_ms
                if held < self.params.min_hold_ms:
                    return f"{action.symbol} held {held} ms < min hold {self.params.min_hold_ms}"
            if action.side is Side.BUY:
                last = state.last_trade_ms.get(action.symbol)
                if last is not None and state.now_ms - last < self.params.cooldown_ms:
                    return f"{action.symbol} in cooldown"
                if position is not None:
                    loss = -unrealised_return(
                        position.avg_entry_price, state.marks.get(action.symbol, ZERO)
                    )
                    if loss > self.params.max_loss:
                        return (
                            f"{action.symbol} loss {loss:.1%} > max loss {self.params.max_loss:.1%}"
                        )
        return None


@attrs.frozen(kw_only=True)
class RecentlyTradedParams:
    window_ms: int = 6 * 3_600_000


@attrs.frozen(kw_only=True)
class RecentlyTraded:
    """Drop sequences trading a symbol (either side) traded within `window_ms`."""

    params: RecentlyTradedParams
    name: str = "recently_traded"

    def reject(self, sequence: ActionSequence, view: PlanningView) -> str | None:
        for action in sequence.actions:
            last = view.state.last_trade_ms.get(action.symbol)
            if last is not None and view.state.now_ms - last < self.params.window_ms:
                return f"{action.symbol} traded {view.state.now_ms - last} ms ago"
        return None


@attrs.frozen(kw_only=True)
class DiversityFilterParams:
    max_per_signature: int = 3


@attrs.frozen(kw_only=True)
class Diversity:
    """Keep at most `max_per_signature` sequences trading the same (side, symbol) set.

    Near-duplicates (the same trades at other sizes) otherwise crowd out the runners-up.
    """

    params: DiversityFilterParams
    name: str = "diversity"

    def reject(self, sequence: ActionSequence, view: PlanningView) -> str | None:
        return None

    def thin(self, sequences: Sequence[ActionSequence]) -> tuple[ActionSequence, ...]:
        """Return the sequences in order, dropping those beyond the per-signature limit."""
        counts: dict[tuple[str, ...], int] = {}
        kept = []
        for sequence in sequences:
            trades = sorted(f"{a.side.value}:{a.symbol}" for a in sequence.actions)
            # A what-if never crowds out (or is crowded out by) executable sequences.
            signature = (str(sequence.hypothetical), *trades)
            counts[signature] = counts.get(signature, 0) + 1
            if counts[signature] <= self.params.max_per_signature:
                kept.append(sequence)
        return tuple(kept)
