"""Small builders for portfolio-planner tests: rules, positions, states and actions."""

from decimal import Decimal

from tradekernel.domain.account import Position
from tradekernel.domain.enums import Side
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.portfolio import PortfolioState, TradeAction
from tradekernel.features.portfolio.view import PlanningView

D = Decimal
NOW_MS = 1_767_225_600_000


def rules(
    symbol: str, step: str = "0.001", min_notional: str = "5", min_qty: str = "0"
) -> SymbolRules:
    return SymbolRules(
        symbol=symbol,
        base=symbol.split("/", maxsplit=1)[0],
        quote="USDT",
        tick_size=D("0.01"),
        step_size=D(step),
        min_qty=D(min_qty),
        min_notional=D(min_notional),
    )


def position(symbol: str, quantity: str, avg: str, opened_ms: int = 0) -> Position:
    return Position(
        symbol=symbol, quantity=D(quantity), avg_entry_price=D(avg), opened_ms=opened_ms
    )


def state(
    cash: str,
    positions: tuple[Position, ...] = (),
    marks: dict[str, str] | None = None,
    **kwargs: object,
) -> PortfolioState:
    marks = marks or {}
    return PortfolioState(
        quote_asset="USDT",
        now_ms=NOW_MS,
        cash=D(cash),
        positions=positions,
        marks={s: D(m) for s, m in marks.items()},
        rules={s: rules(s) for s in marks},
        **kwargs,  # type: ignore[arg-type]
    )


def view(st: PortfolioState, targets: dict[str, str] | None = None) -> PlanningView:
    return PlanningView.of(st, {s: D(w) for s, w in (targets or {}).items()})


def action(
    symbol: str, side: Side, quantity: str, price: str, source: str = "test", priority: str = "0.5"
) -> TradeAction:
    return TradeAction(
        symbol=symbol,
        side=side,
        quantity=D(quantity),
        price=D(price),
        source=source,
        priority=D(priority),
    )
