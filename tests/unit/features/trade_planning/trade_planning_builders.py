"""Handcrafted directives, snapshots, accounts and routing requests for planner tests."""

from decimal import Decimal

from tradekernel.domain.directives import (
    EntryDirective,
    ExitDirective,
    RoutingDirective,
    SizeDirective,
    StrategyDirective,
)
from tradekernel.domain.enums import DirectiveScope, Side
from tradekernel.domain.signals import FeatureSnapshot
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.domain.trade_plans import EntryPlan, ExitPlan, RoutingRequest, SizePlan

SYMBOL = "BTC/USDT"
TS = 1_700_000_000_000


def directive(
    *,
    side: Side = Side.BUY,
    scope: DirectiveScope = DirectiveScope.NEW_TRADE,
    confidence: str = "0.8",
    entry: EntryDirective | None = None,
    size: SizeDirective | None = None,
    exit_: ExitDirective | None = None,
    routing: RoutingDirective | None = None,
    symbol: str = SYMBOL,
) -> StrategyDirective:
    return StrategyDirective(
        directive_id="dir-1",
        source="test",
        symbol=symbol,
        ts_ms=TS,
        side=side,
        scope=scope,
        confidence=Decimal(confidence),
        entry=entry or EntryDirective(),
        size=size or SizeDirective(),
        exit=exit_ or ExitDirective(),
        routing=routing or RoutingDirective(),
    )


def snapshot(close: float = 100.0, **features: float) -> FeatureSnapshot:
    return FeatureSnapshot(
        symbol=SYMBOL, ts_ms=TS, close=close, current=dict(features), previous={}
    )


def account(equity: str = "10000") -> AccountView:
    return AccountView(
        quote_asset="USDT",
        cash=Decimal(equity),
        equity=Decimal(equity),
        peak_equity=Decimal(equity),
    )


def routing_request(
    quantity: str, reference: str, the_directive: StrategyDirective | None = None
) -> RoutingRequest:
    chosen = the_directive or directive()
    return RoutingRequest(
        directive=chosen,
        entry=EntryPlan(
            directive_id=chosen.directive_id,
            planner="market",
            layers=(),
            reference_price=Decimal(reference),
        ),
        size=SizePlan(directive_id=chosen.directive_id, planner="x", quantity=Decimal(quantity)),
        exit=ExitPlan(directive_id=chosen.directive_id, planner="none"),
    )
