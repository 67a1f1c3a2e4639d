"""`patient_limit` entry: one passive LIMIT layer a few basis points away from the close."""

from decimal import Decimal

import attrs

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import OrderType, PluginKind, TimeInForce
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.signals import FeatureSnapshot
from tradekernel.domain.trade_plans import EntryLayer, EntryPlan
from tradekernel.features.trade_planning.directive_check import (
    require_same_symbol,
    require_support,
)
from tradekernel.features.trade_planning.reference import (
    BPS_PER_UNIT,
    passive_price,
    reference_price,
)
from tradekernel.features.trade_planning.validation import OFFSET_BPS
from tradekernel.shared.param_checks import one_of

NAME = "patient_limit"
PASSIVE_TIME_IN_FORCE = (TimeInForce.GTC, TimeInForce.POST_ONLY)


@attrs.frozen(kw_only=True)
class PatientLimitEntryParams:
    """`offset_bps` from the close (0 <= x < 10000) and the limit's time in force."""

    offset_bps: Decimal = attrs.field(default=Decimal(10), validator=OFFSET_BPS)
    time_in_force: TimeInForce = attrs.field(
        default=TimeInForce.GTC, validator=one_of(PASSIVE_TIME_IN_FORCE, qualified=True)
    )


def valid_offset(offset_bps: Decimal | None) -> bool:
    """Return True if a directive's offset is absent or usable (finite, 0 <= x < 10000)."""
    return offset_bps is None or (offset_bps.is_finite() and 0 <= offset_bps < BPS_PER_UNIT)


@attrs.frozen
class PatientLimitEntry:
    """Rest one limit order on the passive side: a buy below the close, a sell above it.

    Supports a directive whose `entry.order_type_hint` is None or LIMIT and whose
    `entry.limit_offset_bps` (which overrides the `offset_bps` param) is absent or in
    0..10000 bps (exclusive), so the price stays positive and passive.
    """

    params: PatientLimitEntryParams = attrs.field(factory=PatientLimitEntryParams)

    @property
    def name(self) -> str:
        return NAME

    def supports(self, directive: StrategyDirective) -> bool:
        """Return True for a LIMIT (or unhinted) directive with a usable offset."""
        hint = directive.entry.order_type_hint
        hint_ok = hint is None or hint == OrderType.LIMIT
        return hint_ok and valid_offset(directive.entry.limit_offset_bps)

    def plan(self, directive: StrategyDirective, snapshot: FeatureSnapshot) -> EntryPlan:
        """Return one LIMIT layer of fraction 1 at the passive price.

        Raises:
            ValueError: if the directive is not supported, is for another symbol, or the
                snapshot's close is not a positive finite price.
        """
        require_support(
            NAME,
            self.supports(directive),
            directive,
            "order_type_hint is not limit or entry.limit_offset_bps is outside 0..10000",
        )
        require_same_symbol(directive, snapshot.symbol)
        reference = reference_price(snapshot)
        offset = directive.entry.limit_offset_bps
        if offset is None:
            offset = self.params.offset_bps
        layer = EntryLayer(
            fraction=Decimal(1),
            order_type=OrderType.LIMIT,
            price=passive_price(reference, directive.side, offset),
        )
        return EntryPlan(
            directive_id=directive.directive_id,
            planner=NAME,
            layers=(layer,),
            time_in_force=self.params.time_in_force,
            reference_price=reference,
        )


SPEC = PluginSpec(
    kind=PluginKind.ENTRY,
    name=NAME,
    params=PatientLimitEntryParams,
    factory=PatientLimitEntry,
    summary="Rest one passive limit order offset_bps away from the close.",
)
