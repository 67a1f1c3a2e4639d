"""`twap` routing: equal slices spread evenly over a duration."""

from decimal import Decimal

import attrs

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import PluginKind, RoutingStyle
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.trade_plans import RoutingPlan, RoutingRequest, RoutingSlice
from tradekernel.features.trade_planning.directive_check import require_support
from tradekernel.features.trade_planning.fraction_split import split_equal
from tradekernel.features.trade_planning.routing_split import (
    accepts_style,
    single_slice,
    worth_splitting,
)
from tradekernel.features.trade_planning.validation import NON_NEGATIVE, int_range
from tradekernel.shared.decimal_context import planning_decimals

NAME = "twap"
MAX_SLICES = 100


@attrs.frozen(kw_only=True)
class TwapRoutingParams:
    """`slices` (1..100) over `duration_ms` (>= 0); split only above `min_notional_to_split`."""

    slices: int = attrs.field(default=4, validator=int_range(low=1, high=MAX_SLICES))
    duration_ms: int = attrs.field(default=60_000, validator=int_range(low=0))
    min_notional_to_split: Decimal = attrs.field(default=Decimal(0), validator=NON_NEGATIVE)


@attrs.frozen
class TwapRouting:
    """Send N equal slices, slice k after k * duration_ms // N milliseconds.

    N is `slices`, capped by the directive's `routing.max_slices` (a cap below 1 counts as
    1). An order at or below `min_notional_to_split`, or with N = 1, goes out as one
    immediate slice (see `routing_split`). Supports a directive whose `routing.style_hint`
    is None or TWAP.
    """

    params: TwapRoutingParams = attrs.field(factory=TwapRoutingParams)
    # Slices for each N met so far: a pure function of N and the params, computed in the
    # planning decimal context (so never in whatever context the first caller had).
    _slices: dict[int, tuple[RoutingSlice, ...]] = attrs.field(
        init=False, factory=dict, eq=False, repr=False
    )

    @property
    def name(self) -> str:
        return NAME

    def supports(self, directive: StrategyDirective) -> bool:
        """Return True unless the directive hints another routing style."""
        return accepts_style(directive, RoutingStyle.TWAP)

    def slice_count(self, directive: StrategyDirective) -> int:
        """Return N: `slices` capped by the directive's `routing.max_slices`."""
        cap = directive.routing.max_slices
        if cap is None:
            return self.params.slices
        return max(1, min(self.params.slices, cap))

    def plan(self, request: RoutingRequest) -> RoutingPlan:
        """Return the TWAP slices, or one immediate slice for a small order.

        Raises:
            ValueError: if the directive hints another routing style.
        """
        directive = request.directive
        require_support(NAME, self.supports(directive), directive, "style_hint is not twap")
        count = self.slice_count(directive)
        if count == 1 or not worth_splitting(request, self.params.min_notional_to_split):
            return single_slice(NAME, request)
        slices = self._slices.get(count)
        if slices is None:
            slices = self._slices[count] = self._equal_slices(count)
        return RoutingPlan(
            directive_id=directive.directive_id,
            planner=NAME,
            style=RoutingStyle.TWAP,
            slices=slices,
        )

    def _equal_slices(self, count: int) -> tuple[RoutingSlice, ...]:
        duration = self.params.duration_ms
        with planning_decimals():
            return tuple(
                RoutingSlice(fraction=fraction, delay_ms=index * duration // count)
                for index, fraction in enumerate(split_equal(count))
            )


SPEC = PluginSpec(
    kind=PluginKind.ROUTING,
    name=NAME,
    params=TwapRoutingParams,
    factory=TwapRouting,
    summary="Split a large order into equal slices spread over a duration.",
)
