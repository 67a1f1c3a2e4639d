"""`immediate` routing: the whole order at once, in one slice."""

import attrs

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import PluginKind, RoutingStyle
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.trade_plans import RoutingPlan, RoutingRequest
from tradekernel.features.trade_planning.directive_check import require_support
from tradekernel.features.trade_planning.routing_split import accepts_style, single_slice

NAME = "immediate"


@attrs.frozen(kw_only=True)
class ImmediateRoutingParams:
    """Immediate routing takes no parameters."""


@attrs.frozen
class ImmediateRouting:
    """Send the order at once. Supports a directive whose `routing.style_hint` is None or
    IMMEDIATE."""

    params: ImmediateRoutingParams = attrs.field(factory=ImmediateRoutingParams)

    @property
    def name(self) -> str:
        return NAME

    def supports(self, directive: StrategyDirective) -> bool:
        """Return True unless the directive hints another routing style."""
        return accepts_style(directive, RoutingStyle.IMMEDIATE)

    def plan(self, request: RoutingRequest) -> RoutingPlan:
        """Return one slice of fraction 1 without delay.

        Raises:
            ValueError: if the directive hints another routing style.
        """
        directive = request.directive
        require_support(NAME, self.supports(directive), directive, "style_hint is not immediate")
        return single_slice(NAME, request)


SPEC = PluginSpec(
    kind=PluginKind.ROUTING,
    name=NAME,
    params=ImmediateRoutingParams,
    factory=ImmediateRouting,
    summary="Send the whole order at once.",
)
