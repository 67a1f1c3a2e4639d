"""`iceberg` routing: one order showing only a fraction of its quantity."""

from decimal import Decimal

import attrs

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import PluginKind, RoutingStyle
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.trade_plans import RoutingPlan, RoutingRequest, RoutingSlice
from tradekernel.features.trade_planning.directive_check import require_support
from tradekernel.features.trade_planning.routing_split import (
    accepts_style,
    single_slice,
    worth_splitting,
)
from tradekernel.features.trade_planning.validation import NON_NEGATIVE, UNIT_FRACTION

NAME = "iceberg"


@attrs.frozen(kw_only=True)
class IcebergRoutingParams:
    """`display_fraction` shown (0 < x <= 1); used only above `min_notional_to_split`."""

    display_fraction: Decimal = attrs.field(default=Decimal("0.1"), validator=UNIT_FRACTION)
    min_notional_to_split: Decimal = attrs.field(default=Decimal(0), validator=NON_NEGATIVE)


@attrs.frozen
class IcebergRouting:
    """Send one slice of fraction 1 that displays `display_fraction` of its quantity.

    An order at or below `min_notional_to_split` goes out as one plain immediate slice
    (see `routing_split`). Supports a directive whose `routing.style_hint` is None or
    ICEBERG.
    """

    params: IcebergRoutingParams = attrs.field(factory=IcebergRoutingParams)

    @property
    def name(self) -> str:
        return NAME

    def supports(self, directive: StrategyDirective) -> bool:
        """Return True unless the directive hints another routing style."""
        return accepts_style(directive, RoutingStyle.ICEBERG)

    def plan(self, request: RoutingRequest) -> RoutingPlan:
        """Return the iceberg slice, or one immediate slice for a small order.

        Raises:
            ValueError: if the directive hints another routing style.
        """
        directive = request.directive
        require_support(NAME, self.supports(directive), directive, "style_hint is not iceberg")
        if not worth_splitting(request, self.params.min_notional_to_split):
            return single_slice(NAME, request)
        return RoutingPlan(
            directive_id=directive.directive_id,
            planner=NAME,
            style=RoutingStyle.ICEBERG,
            slices=(
                RoutingSlice(fraction=Decimal(1), display_fraction=self.params.display_fraction),
            ),
        )


SPEC = PluginSpec(
    kind=PluginKind.ROUTING,
    name=NAME,
    params=IcebergRoutingParams,
    factory=IcebergRouting,
    summary="Send one order that displays only a fraction of its quantity.",
)
