"""Handcrafted StrategyInputs for the planner tests."""

from collections.abc import Mapping
from decimal import Decimal

from tradekernel.domain.account import Position
from tradekernel.domain.enums import OrderType, Side
from tradekernel.domain.orders import OpenOrderView
from tradekernel.domain.signals import (
    ContextAssessment,
    FeatureSnapshot,
    OpportunitySignal,
    ThreatSignal,
)
from tradekernel.domain.stage_inputs import AccountView, StrategyInputs

SYMBOL = "BTC/USDT"
TS = 1_700_000_000_000


def opportunity(
    signal_id: str, side: Side, confidence: str, symbol: str = SYMBOL, source: str = "sma_cross"
) -> OpportunitySignal:
    return OpportunitySignal(
        signal_id=signal_id,
        source=source,
        symbol=symbol,
        ts_ms=TS,
        side=side,
        confidence=Decimal(confidence),
        reason="test",
    )


def threat(signal_id: str, severity: str, symbol: str | None = SYMBOL) -> ThreatSignal:
    return ThreatSignal(
        signal_id=signal_id,
        source="drawdown",
        symbol=symbol,
        ts_ms=TS,
        severity=Decimal(severity),
        reason="test",
    )


def working_order(symbol: str = SYMBOL, side: Side = Side.BUY, **kw: object) -> OpenOrderView:
    fields: dict[str, object] = {
        "symbol": symbol,
        "side": side,
        "order_type": OrderType.LIMIT,
        "price": Decimal(100),
        "quantity": Decimal("0.01"),
        "client_order_id": "tkWORKING",
    }
    fields.update(kw)
    return OpenOrderView(**fields)  # type: ignore[arg-type]


def make_inputs(
    *,
    opportunities: tuple[OpportunitySignal, ...] = (),
    threats: tuple[ThreatSignal, ...] = (),
    strength: str = "1",
    weakness: str = "0",
    position: str | None = None,
    entry_price: str = "100",
    close: float = 100.0,
    features: Mapping[str, float] | None = None,
    open_orders: tuple[OpenOrderView, ...] = (),
    ts_ms: int = TS,
    equity: str = "10000",
    cash: str = "10000",
    run_id: str = "run-1",
) -> StrategyInputs:
    pos = (
        Position(symbol=SYMBOL, quantity=Decimal(position), avg_entry_price=Decimal(entry_price))
        if position is not None
        else None
    )
    return StrategyInputs(
        symbol=SYMBOL,
        ts_ms=ts_ms,
        run_id=run_id,
        snapshot=FeatureSnapshot(
            symbol=SYMBOL, ts_ms=ts_ms, close=close, current=dict(features or {}), previous={}
        ),
        assessment=ContextAssessment(
            assessment_id="asm-1",
            symbol=SYMBOL,
            ts_ms=ts_ms,
            strength=Decimal(strength),
            weakness=Decimal(weakness),
        ),
        opportunities=opportunities,
        threats=threats,
        account=AccountView(
            quote_asset="USDT",
            cash=Decimal(cash),
            equity=Decimal(equity),
            peak_equity=Decimal(equity),
        ),
        position=pos,
        open_orders=open_orders,
    )
