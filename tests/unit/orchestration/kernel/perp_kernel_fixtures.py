"""A long/short SMA-cross blueprint on a perpetual account, and contexts on real XRP bars."""

import tomllib
from decimal import Decimal

from tests.unit.adapters.backtest.perp_data import DATA

from tradekernel.adapters.config.blueprint_loader import parse_blueprint
from tradekernel.adapters.data.loader import load_bars
from tradekernel.domain.account import Balance, Position
from tradekernel.domain.context import PlanningContext
from tradekernel.domain.market import MarkPrice, SymbolRules
from tradekernel.domain.orders import OpenOrderView
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.orchestration.kernel.plugin_catalog import builtin_catalog
from tradekernel.shared.bars import BarSeries

SYMBOL = "XRP/USDT"
STEP = Decimal("0.1")
TICK = Decimal("0.0001")

# The example of docs/perpetuals.md: an SMA cross that is long above and short below.
LONG_SHORT_CROSS = f"""
[blueprint]
name = "xrp-long-short-cross"

[universe]
symbols = ["{SYMBOL}"]

[account]
quote_asset = "USDT"
starting_cash = "1000"
market_type = "linear_perpetual"
leverage = "5"
maintenance_margin_rate = "0.01"

[fees]
taker = "0.0004"
maker = "0.0002"

[[symbols]]
symbol = "{SYMBOL}"
tick_size = "{TICK}"
step_size = "{STEP}"
min_notional = "5"

[[context.workers]]
type = "sma"
key = "sma_fast"
period = 5

[[context.workers]]
type = "sma"
key = "sma_slow"
period = 20

[[signals.opportunities]]
type = "ma_crossover"

[[strategy.planners]]
type = "weighted"
use_context = false
w_weak = "0"
entry_threshold = "0"
exit_confidence = "0"
allow_short = true
reverse = true

[[planners.size]]
type = "margin_fraction"
fraction = "0.5"
fee_rate = "0.0004"
"""

SERIES = load_bars(DATA / "binance_XRP-USDT-PERP_1h.csv", SYMBOL).series
RULES = {
    SYMBOL: SymbolRules(
        symbol=SYMBOL,
        base="XRP",
        quote="USDT",
        tick_size=TICK,
        step_size=STEP,
        min_notional=Decimal(5),
    )
}


def perp_kernel(text: str = LONG_SHORT_CROSS, **replace: str) -> PlanningKernel:
    """Return the kernel of `text`, each `old=new` pair of `replace` applied first."""
    for old, new in replace.items():
        text = text.replace(old, new)
    catalog = builtin_catalog()
    return build_kernel(parse_blueprint(tomllib.loads(text), catalog, file="x.toml"), catalog)


def cross_bars() -> tuple[int, int]:
    """Return the number of bars up to the first SELL cross and the first BUY cross."""
    closes = [float(c) for c in SERIES.close]

    def sma(end: int, period: int) -> float:
        return sum(closes[end - period : end]) / period

    sell = buy = 0
    for end in range(21, len(closes) + 1):
        gap = sma(end, 5) - sma(end, 20)
        before = sma(end - 1, 5) - sma(end - 1, 20)
        if before >= 0 > gap and not sell:
            sell = end
        if before <= 0 < gap and not buy:
            buy = end
    assert sell and buy
    return sell, buy


def perp_context(
    bars: int,
    *,
    held: Decimal = Decimal(0),
    entry: Decimal | None = None,
    available: Decimal = Decimal(1000),
    orders: tuple[OpenOrderView, ...] = (),
) -> PlanningContext[BarSeries]:
    """Return the context at the last of `bars` bars with a signed `held` position."""
    series = SERIES.head(bars)
    now = int(series.ts_ms[-1])
    close = Decimal(repr(float(series.close[-1])))
    entry = close if entry is None else entry
    margin = abs(held) * entry / 5
    positions = (
        {SYMBOL: Position(symbol=SYMBOL, quantity=held, avg_entry_price=entry)} if held else {}
    )
    return PlanningContext(
        run_id="perp",
        now_ms=now,
        symbols=(SYMBOL,),
        history={SYMBOL: series},
        rules=RULES,
        marks={SYMBOL: MarkPrice(symbol=SYMBOL, price=close, ts_ms=now)},
        balances={"USDT": Balance(asset="USDT", free=available, locked=margin)},
        positions=positions,
        open_orders=orders,
    )
