"""The rules every size planner shares, in one place.

1. An EXPLICIT directive's own `size.quantity` always wins over the planner's logic.
2. A CLOSE_EXISTING directive's explicit quantity is returned unchanged (no cap: shrinking
   a close would leave risk on); a CLOSE_EXISTING directive without one sizes to 0.
3. Every other quantity is capped at `size.max_notional / reference`.
4. A quantity that cannot be computed or is not positive becomes 0 with a rationale (the
   intent builder then skips it as `qty_rounds_to_zero`), never a negative number.

Cash is not checked here: allocation shares it across directives.
"""

from collections.abc import Callable
from decimal import Decimal

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import DirectiveScope, SizingPolicy
from tradekernel.domain.signals import FeatureSnapshot
from tradekernel.domain.trade_plans import SizePlan
from tradekernel.features.trade_planning.directive_check import require_same_symbol
from tradekernel.features.trade_planning.reference import reference_price

# A planner's own sizing: given the reference price, return (quantity, rationale).
DelegatedSizing = Callable[[Decimal], tuple[Decimal, str]]


def zero_size(planner: str, directive: StrategyDirective, why: str) -> SizePlan:
    """Return a size of 0 that says why."""
    return SizePlan(
        directive_id=directive.directive_id, planner=planner, quantity=Decimal(0), rationale=why
    )


def plan_size(
    planner: str,
    directive: StrategyDirective,
    snapshot: FeatureSnapshot,
    delegated: DelegatedSizing,
) -> SizePlan:
    """Size a directive: the explicit quantity if it has one, else `delegated`, then cap.

    Raises:
        ValueError: if the snapshot is for another symbol, or its close is not a positive
            finite price (when the reference is needed).
    """
    require_same_symbol(directive, snapshot.symbol)
    if directive.size.policy is SizingPolicy.EXPLICIT:
        return _explicit_size(planner, directive, snapshot)
    if directive.scope is DirectiveScope.CLOSE_EXISTING:
        return zero_size(
            planner, directive, "close_existing directive without an EXPLICIT quantity"
        )
    reference = reference_price(snapshot)
    quantity, why = delegated(reference)
    return _capped(planner, directive, reference, quantity, why)


def _explicit_size(
    planner: str, directive: StrategyDirective, snapshot: FeatureSnapshot
) -> SizePlan:
    quantity = directive.size.quantity
    if quantity is None:
        return zero_size(planner, directive, "EXPLICIT sizing without size.quantity")
    if not quantity.is_finite() or quantity <= 0:
        return zero_size(planner, directive, f"EXPLICIT size.quantity {quantity} is not positive")
    if directive.scope is DirectiveScope.CLOSE_EXISTING:
        return SizePlan(
            directive_id=directive.directive_id,
            planner=planner,
            quantity=quantity,
            rationale="explicit quantity of a close_existing directive, unchanged",
        )
    reference = reference_price(snapshot)
    return _capped(planner, directive, reference, quantity, "explicit quantity of the directive")


def _capped(
    planner: str,
    directive: StrategyDirective,
    reference: Decimal,
    quantity: Decimal,
    why: str,
) -> SizePlan:
    if quantity.is_zero():
        # The planner already said why (no edge, no stop information, ...).
        return zero_size(planner, directive, why)
    if not quantity.is_finite() or quantity < 0:
        return zero_size(planner, directive, f"{why}: quantity {quantity} is not positive")
    cap = directive.size.max_notional
    if cap is not None:
        if cap.is_nan() or cap <= 0:
            return zero_size(planner, directive, f"size.max_notional {cap} is not positive")
        limit = cap / reference
        if quantity > limit:
            quantity = limit
            why = f"{why}; capped by size.max_notional {cap}"
    return SizePlan(
        directive_id=directive.directive_id, planner=planner, quantity=quantity, rationale=why
    )
