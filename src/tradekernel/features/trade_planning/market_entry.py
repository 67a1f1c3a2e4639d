"""`market` entry: one MARKET layer for the whole quantity."""

from decimal import Decimal

import attrs

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import OrderType, PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import FeatureSnapshot
from tradekernel.domain.trade_plans import EntryLayer, EntryPlan
from tradekernel.features.trade_planning.directive_check import (
    require_same_symbol,
    require_support,
)
from tradekernel.features.trade_planning.reference import reference_price

NAME = "market"
# Frozen, so one tuple serves every plan.
_WHOLE_AT_MARKET = (EntryLayer(fraction=Decimal(1), order_type=OrderType.MARKET),)


@attrs.frozen(kw_only=True)
class MarketEntryParams:
    """A market entry takes no parameters."""


@attrs.frozen
class MarketEntry:
    """Enter at once with a market order.

    Supports a directive whose `entry.order_type_hint` is None or MARKET.
    """

    params: MarketEntryParams = attrs.field(factory=MarketEntryParams)

    @property
    def name(self) -> str:
        return NAME

    def supports(self, directive: StrategyDirective) -> bool:
        """Return True unless the directive asks for a non-market order type."""
        # `is None or ==` rather than `in {None, ...}`, which builds a set on every call.
        hint = directive.entry.order_type_hint
        return hint is None or hint == OrderType.MARKET

    def plan(self, directive: StrategyDirective, snapshot: FeatureSnapshot) -> EntryPlan:
        """Return one MARKET layer of fraction 1 at the snapshot's close as reference.

        Raises:
            ValueError: if the directive is not supported, is for another symbol, or the
                snapshot's close is not a positive finite price.
        """
        require_support(NAME, self.supports(directive), directive, "order_type_hint is not market")
        require_same_symbol(directive, snapshot.symbol)
        return EntryPlan(
            directive_id=directive.directive_id,
            planner=NAME,
            layers=_WHOLE_AT_MARKET,
            reference_price=reference_price(snapshot),
        )


SPEC = PluginSpec(
    kind=PluginKind.ENTRY,
    name=NAME,
    params=MarketEntryParams,
    factory=MarketEntry,
    summary="Enter at once with one market order.",
)
