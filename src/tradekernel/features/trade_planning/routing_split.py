"""What the routing planners share: the order's notional and the one-slice fallback.

Splitting (TWAP slices, iceberg display) applies only to orders whose notional, size
quantity times the entry's reference price, is strictly above `min_notional_to_split`;
smaller orders go out as one immediate slice so a split never produces slices below the
venue's minimum notional. Set `min_notional_to_split` to at least `slices` times that
minimum to guarantee it for every slice.
"""

from decimal import Decimal

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import RoutingStyle
from tradekernel.domain.trade_plans import RoutingPlan, RoutingRequest, RoutingSlice


def order_notional(request: RoutingRequest) -> Decimal:
    """Return size quantity * entry reference price, in quote (0 if either is unusable)."""
    quantity = request.size.quantity
    reference = request.entry.reference_price
    if not quantity.is_finite() or not reference.is_finite() or quantity <= 0 or reference <= 0:
        return Decimal(0)
    return quantity * reference


def worth_splitting(request: RoutingRequest, min_notional_to_split: Decimal) -> bool:
    """Return True if the order's notional is strictly above `min_notional_to_split`."""
    return order_notional(request) > min_notional_to_split


_WHOLE = (RoutingSlice(fraction=Decimal(1)),)  # frozen, so one tuple serves every plan


def single_slice(planner: str, request: RoutingRequest) -> RoutingPlan:
    """Return one immediate slice carrying the whole quantity."""
    return RoutingPlan(
        directive_id=request.directive.directive_id,
        planner=planner,
        style=RoutingStyle.IMMEDIATE,
        slices=_WHOLE,
    )


def accepts_style(directive: StrategyDirective, style: RoutingStyle) -> bool:
    """Return True if the directive has no routing style hint or hints `style`."""
    hint = directive.routing.style_hint  # no `in {None, style}`: a set built per call
    return hint is None or hint == style
