"""The four plans made for a directive, the routing request and the execution directive.

Frozen msgspec Structs: they are built for every directive of every cycle (a C
constructor, docs/architecture.md "Hot value objects"); copy one with
`msgspec.structs.replace`, not `attrs.evolve`.
"""

from decimal import Decimal

import msgspec

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import OrderType, RoutingStyle, TimeInForce


class EntryLayer(msgspec.Struct, frozen=True, kw_only=True):
    """One price level of an entry; fractions of a layered entry add up to 1."""

    fraction: Decimal
    order_type: OrderType
    price: Decimal | None = None


class EntryPlan(msgspec.Struct, frozen=True, kw_only=True):
    directive_id: str
    planner: str
    layers: tuple[EntryLayer, ...]
    time_in_force: TimeInForce = TimeInForce.GTC
    reference_price: Decimal = Decimal(0)


class SizePlan(msgspec.Struct, frozen=True, kw_only=True):
    directive_id: str
    planner: str
    quantity: Decimal
    rationale: str = ""


class ExitPlan(msgspec.Struct, frozen=True, kw_only=True):
    directive_id: str
    planner: str
    stop_price: Decimal | None = None
    take_profit_price: Decimal | None = None
    trailing_stop_pct: Decimal | None = None


class RoutingRequest(msgspec.Struct, frozen=True, kw_only=True):
    """Built only when all three plans exist: the routing planner cannot run without them."""

    directive: StrategyDirective
    entry: EntryPlan
    size: SizePlan
    exit: ExitPlan

    def __post_init__(self) -> None:
        ids = {self.entry.directive_id, self.size.directive_id, self.exit.directive_id}
        if ids != {self.directive.directive_id}:
            raise ValueError("routing request mixes plans of different directives")


class RoutingSlice(msgspec.Struct, frozen=True, kw_only=True):
    fraction: Decimal
    delay_ms: int = 0
    display_fraction: Decimal | None = None


class RoutingPlan(msgspec.Struct, frozen=True, kw_only=True):
    directive_id: str
    planner: str
    style: RoutingStyle
    slices: tuple[RoutingSlice, ...]


class ExecutionDirective(msgspec.Struct, frozen=True, kw_only=True):
    """A directive with its four plans: what allocation and the intent builder work on."""

    directive: StrategyDirective
    entry: EntryPlan
    size: SizePlan
    exit: ExitPlan
    routing: RoutingPlan

    @property
    def directive_id(self) -> str:
        return self.directive.directive_id
