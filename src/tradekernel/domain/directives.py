"""What the strategy planner decides: directives with hints and hard limits per concern.

Frozen msgspec Structs: planners build them for many symbols every cycle (a C constructor,
docs/architecture.md "Hot value objects").
"""

from decimal import Decimal

import msgspec

from tradekernel.domain.enums import (
    DirectiveScope,
    OrderType,
    RoutingStyle,
    Side,
    SizingPolicy,
    TimingPreference,
)


class EntryDirective(msgspec.Struct, frozen=True, kw_only=True):
    timing: TimingPreference = TimingPreference.ANY
    order_type_hint: OrderType | None = None
    limit_offset_bps: Decimal | None = None
    max_slippage_bps: Decimal | None = None


class SizeDirective(msgspec.Struct, frozen=True, kw_only=True):
    """`EXPLICIT` sizing carries its own quantity; `DELEGATED` lets a size planner decide."""

    policy: SizingPolicy = SizingPolicy.DELEGATED
    quantity: Decimal | None = None
    close_fraction: Decimal | None = None
    max_notional: Decimal | None = None


class ExitDirective(msgspec.Struct, frozen=True, kw_only=True):
    stop_loss_price: Decimal | None = None
    take_profit_price: Decimal | None = None
    trailing_stop_pct: Decimal | None = None
    risk_reward: Decimal | None = None


class RoutingDirective(msgspec.Struct, frozen=True, kw_only=True):
    style_hint: RoutingStyle | None = None
    allow_market_fallback: bool = False
    max_slices: int | None = None


class StrategyDirective(msgspec.Struct, frozen=True, kw_only=True):
    """One decision of a strategy planner about one symbol, with what caused it."""

    directive_id: str
    source: str
    symbol: str
    ts_ms: int
    side: Side
    scope: DirectiveScope
    confidence: Decimal
    entry: EntryDirective = msgspec.field(default_factory=EntryDirective)
    size: SizeDirective = msgspec.field(default_factory=SizeDirective)
    exit: ExitDirective = msgspec.field(default_factory=ExitDirective)
    routing: RoutingDirective = msgspec.field(default_factory=RoutingDirective)
    causes: tuple[str, ...] = ()
    reason: str = ""
