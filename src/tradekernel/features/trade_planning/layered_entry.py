"""`layered` entry: N passive LIMIT layers spaced apart, equal or geometric fractions."""

from decimal import Decimal
from enum import StrEnum

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
from tradekernel.features.trade_planning.fraction_split import split_equal, split_weighted
from tradekernel.features.trade_planning.patient_limit_entry import (
    PASSIVE_TIME_IN_FORCE,
    valid_offset,
)
from tradekernel.features.trade_planning.reference import (
    BPS_PER_UNIT,
    passive_price,
    reference_price,
)
from tradekernel.features.trade_planning.validation import (
    OFFSET_BPS,
    POSITIVE,
    decimal_range,
    int_range,
)
from tradekernel.shared.param_checks import one_of

NAME = "layered"
MAX_LAYERS = 20


class LayerWeighting(StrEnum):
    """How the quantity is shared across layers, nearest layer first."""

    EQUAL = "equal"
    GEOMETRIC = "geometric"


@attrs.frozen(kw_only=True)
class LayeredEntryParams:
    """Layer count, offsets in bps and weighting.

    Layer i (0-based) rests `first_offset_bps + i * spacing_bps` from the close. With
    GEOMETRIC weighting layer i weighs `ratio ** i` (ratio > 1 buys more deeper). The
    deepest offset must stay below 10000 bps so every price is positive.
    """

    layers: int = attrs.field(default=3, validator=int_range(low=1, high=MAX_LAYERS))
    first_offset_bps: Decimal = attrs.field(default=Decimal(10), validator=OFFSET_BPS)
    spacing_bps: Decimal = attrs.field(default=Decimal(25), validator=POSITIVE)
    weighting: LayerWeighting = attrs.field(
        default=LayerWeighting.EQUAL, validator=one_of(tuple(LayerWeighting), qualified=True)
    )
    # Bounded so that the smallest of 20 geometric layers keeps a non-zero fraction.
    ratio: Decimal = attrs.field(
        default=Decimal("1.5"), validator=decimal_range(low=Decimal("0.5"), high=Decimal(2))
    )
    time_in_force: TimeInForce = attrs.field(
        default=TimeInForce.GTC, validator=one_of(PASSIVE_TIME_IN_FORCE, qualified=True)
    )

    def __attrs_post_init__(self) -> None:
        deepest = deepest_offset(self.first_offset_bps, self.spacing_bps, self.layers)
        if deepest >= BPS_PER_UNIT:
            raise ValueError(
                f"LayeredEntryParams.spacing_bps must keep the deepest layer "
                f"(first_offset_bps + (layers - 1) * spacing_bps) below 10000 bps, "
                f"got {deepest} bps"
            )


def deepest_offset(first_offset_bps: Decimal, spacing_bps: Decimal, layers: int) -> Decimal:
    """Return the offset of the last layer, in bps."""
    return first_offset_bps + (layers - 1) * spacing_bps


@attrs.frozen
class LayeredEntry:
    """Rest N limit orders on the passive side, the first nearest to the close.

    Supports a directive whose `entry.order_type_hint` is None or LIMIT. The directive's
    `entry.limit_offset_bps`, when set, replaces `first_offset_bps`; the directive is
    supported only if the deepest layer then stays below 10000 bps.
    """

    params: LayeredEntryParams = attrs.field(factory=LayeredEntryParams)

    @property
    def name(self) -> str:
        return NAME

    def _first_offset(self, directive: StrategyDirective) -> Decimal:
        offset = directive.entry.limit_offset_bps
        return self.params.first_offset_bps if offset is None else offset

    def supports(self, directive: StrategyDirective) -> bool:
        """Return True for a LIMIT (or unhinted) directive whose layers all stay positive."""
        if directive.entry.order_type_hint not in {None, OrderType.LIMIT}:
            return False
        if not valid_offset(directive.entry.limit_offset_bps):
            return False
        first = self._first_offset(directive)
        return deepest_offset(first, self.params.spacing_bps, self.params.layers) < BPS_PER_UNIT

    def fractions(self) -> tuple[Decimal, ...]:
        """Return the layer fractions, nearest layer first, summing to exactly 1."""
        if self.params.weighting is LayerWeighting.EQUAL:
            return split_equal(self.params.layers)
        return split_weighted([self.params.ratio**index for index in range(self.params.layers)])

    def plan(self, directive: StrategyDirective, snapshot: FeatureSnapshot) -> EntryPlan:
        """Return the limit layers, nearest first.

        Raises:
            ValueError: if the directive is not supported, is for another symbol, or the
                snapshot's close is not a positive finite price.
        """
        require_support(
            NAME,
            self.supports(directive),
            directive,
            "order_type_hint is not limit or the layers would reach 10000 bps",
        )
        require_same_symbol(directive, snapshot.symbol)
        reference = reference_price(snapshot)
        first = self._first_offset(directive)
        layers = tuple(
            EntryLayer(
                fraction=fraction,
                order_type=OrderType.LIMIT,
                price=passive_price(
                    reference, directive.side, first + index * self.params.spacing_bps
                ),
            )
            for index, fraction in enumerate(self.fractions())
        )
        return EntryPlan(
            directive_id=directive.directive_id,
            planner=NAME,
            layers=layers,
            time_in_force=self.params.time_in_force,
            reference_price=reference,
        )


SPEC = PluginSpec(
    kind=PluginKind.ENTRY,
    name=NAME,
    params=LayeredEntryParams,
    factory=LayeredEntry,
    summary="Rest N passive limit layers spacing_bps apart, equal or geometric fractions.",
)
