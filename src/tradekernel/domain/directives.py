"""What the strategy planner decides: directives with hints and hard limits per concern."""

from decimal import Decimal

import attrs

from tradekernel.domain.enums import (
    DirectiveScope,
    OrderType,
    RoutingStyle,
    Side,
    SizingPolicy,
    TimingPreference,
)


@attrs.frozen(kw_only=True)
class EntryDirective:
    timing: TimingPreference = TimingPreference.ANY
    order_type_hint: OrderType | None = None
    limit_offset_bps: Decimal | None = None
    max_slippage_bps: Decimal | None = None


@attrs.frozen(kw_only=True)
class SizeDirective:
    """`EXPLICIT` sizing carries its own quantity; `DELEGATED` lets a size planner decide."""

    policy: SizingPolicy = SizingPolicy.DELEGATED
    quantity: Decimal | None = None
    close_fraction: Decimal | None = None
    max_notional: Decimal | None = None


@attrs.frozen(kw_only=True)
class ExitDirective:
    stop_loss_price: Decimal | None = None
    take_profit_price: Decimal | None = None
    trailing_stop_pct: Decimal | None = None
    risk_reward: Decimal | None = None


@attrs.frozen(kw_only=True)
class RoutingDirective:
    style_hint: RoutingStyle | None = None
    allow_market_fallback: bool = False
    max_slices: int | None = None


@attrs.frozen(kw_only=True)
class StrategyDirective:
    """One decision of a strategy planner about one symbol, with what caused it."""

    directive_id: str
    source: str
    symbol: str
    ts_ms: int
    side: Side
    scope: DirectiveScope
    confidence: Decimal
    entry: EntryDirective = attrs.Factory(EntryDirective)
    size: SizeDirective = attrs.Factory(SizeDirective)
    exit: ExitDirective = attrs.Factory(ExitDirective)
    routing: RoutingDirective = attrs.Factory(RoutingDirective)
    causes: tuple[str, ...] = ()
    reason: str = ""
