"""What allocation reads from an execution directive: priority, notional, order count."""

from decimal import Decimal

from tradekernel.domain.enums import DirectiveScope
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.domain.trade_plans import ExecutionDirective

_REDUCING = (DirectiveScope.CLOSE_EXISTING, DirectiveScope.MODIFY_EXISTING)


def is_reduction(item: ExecutionDirective) -> bool:
    """Return True for closes and modifications: they add no exposure and are never blocked."""
    return item.directive.scope in _REDUCING


def priority_key(item: ExecutionDirective) -> tuple[int, Decimal, str, str]:
    """Return the sort key: reductions first, then confidence descending, symbol, id."""
    directive = item.directive
    return (
        0 if is_reduction(item) else 1,
        -directive.confidence,
        directive.symbol,
        directive.directive_id,
    )


def unit_price(item: ExecutionDirective) -> Decimal | None:
    """Return the entry's reference price, else the first priced layer, else None."""
    if item.entry.reference_price > 0:
        return item.entry.reference_price
    for layer in item.entry.layers:
        if layer.price is not None and layer.price > 0:
            return layer.price
    return None


def order_count(item: ExecutionDirective) -> int:
    """Return how many orders the directive adds: one per routing slice (at least one)."""
    return max(1, len(item.routing.slices))


def released_by(item: ExecutionDirective, account: AccountView) -> Decimal:
    """Return the balance a perpetual close frees: its share of `released_by_close`.

    Zero on spot, for a stop move and for a symbol without a position.
    """
    directive = item.directive
    if account.perpetual is None or directive.scope is not DirectiveScope.CLOSE_EXISTING:
        return Decimal(0)
    released = account.released_by_close.get(directive.symbol)
    if released is None:
        return Decimal(0)
    fraction = directive.size.close_fraction
    return released if fraction is None or fraction >= 1 else released * fraction
