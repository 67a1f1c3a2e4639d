"""Handcrafted ExecutionDirectives for the allocator tests."""

from collections.abc import Mapping
from decimal import Decimal

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import DirectiveScope, OrderType, RoutingStyle, Side
from tradekernel.domain.orders import OpenOrderView
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.domain.trade_plans import (
    EntryLayer,
    EntryPlan,
    ExecutionDirective,
    ExitPlan,
    RoutingPlan,
    RoutingSlice,
    SizePlan,
)


def execution(
    directive_id: str,
    *,
    symbol: str = "BTC/USDT",
    quantity: str = "1",
    price: str = "100",
    confidence: str = "0.5",
    scope: DirectiveScope = DirectiveScope.NEW_TRADE,
    side: Side = Side.BUY,
    slices: int = 1,
    layer_price_only: bool = False,
) -> ExecutionDirective:
    directive = StrategyDirective(
        directive_id=directive_id,
        source="test",
        symbol=symbol,
        ts_ms=0,
        side=side,
        scope=scope,
        confidence=Decimal(confidence),
    )
    layer = EntryLayer(
        fraction=Decimal(1),
        order_type=OrderType.LIMIT if layer_price_only else OrderType.MARKET,
        price=Decimal(price) if layer_price_only else None,
    )
    return ExecutionDirective(
        directive=directive,
        entry=EntryPlan(
            directive_id=directive_id,
            planner="test",
            layers=(layer,),
            reference_price=Decimal(0) if layer_price_only else Decimal(price),
        ),
        size=SizePlan(directive_id=directive_id, planner="test", quantity=Decimal(quantity)),
        exit=ExitPlan(directive_id=directive_id, planner="test"),
        routing=RoutingPlan(
            directive_id=directive_id,
            planner="test",
            style=RoutingStyle.TWAP if slices > 1 else RoutingStyle.IMMEDIATE,
            slices=tuple(RoutingSlice(fraction=Decimal(1) / slices) for _ in range(slices)),
        ),
    )


def account(
    cash: str = "1000",
    equity: str = "1000",
    exposure: Mapping[str, str] | None = None,
    open_positions: int = 0,
) -> AccountView:
    return AccountView(
        quote_asset="USDT",
        cash=Decimal(cash),
        equity=Decimal(equity),
        peak_equity=Decimal(equity),
        exposure={k: Decimal(v) for k, v in (exposure or {}).items()},
        open_positions=open_positions,
    )


def working(n: int) -> tuple[OpenOrderView, ...]:
    return tuple(
        OpenOrderView(
            symbol="XRP/USDT",
            side=Side.BUY,
            order_type=OrderType.LIMIT,
            price=Decimal(1),
            quantity=Decimal(1),
            client_order_id=f"tk{i}",
        )
        for i in range(n)
    )
