"""A rich blueprint and real-data contexts for kernel property tests."""

import tomllib
from decimal import Decimal

from tradekernel.adapters.config.blueprint_loader import parse_blueprint
from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.adapters.data.loader import load_bars
from tradekernel.domain.account import Balance, Position
from tradekernel.domain.context import PlanningContext
from tradekernel.domain.enums import OrderType, Side
from tradekernel.domain.market import MarkPrice
from tradekernel.domain.orders import OpenOrderView
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.orchestration.kernel.plugin_catalog import builtin_catalog
from tradekernel.orchestration.kernel.prepared_market import PreparedMarket
from tradekernel.shared.bars import BarSeries

RICH_BLUEPRINT = """
[blueprint]
name = "rich"

[universe]
symbols = ["BTC/USD", "BTC/USDT"]

[account]
quote_asset = "USD"
starting_cash = "50000"

[[symbols]]
symbol = "BTC/USD"
tick_size = "0.01"
step_size = "0.0001"
min_qty = "0.0001"
min_notional = "10"

[[symbols]]
symbol = "BTC/USDT"
tick_size = "0.01"
step_size = "0.00001"
min_notional = "5"
quote = "USD"

[[context.workers]]
type = "sma"
key = "sma_fast"
period = 5

[[context.workers]]
type = "sma"
key = "sma_slow"
period = 12

[[context.workers]]
type = "rsi"
key = "rsi"
period = 7

[[context.workers]]
type = "atr"
key = "atr_14"
period = 14

[[context.workers]]
type = "donchian"
key = "dc"
period = 10

[[signals.opportunities]]
type = "ma_crossover"

[[signals.opportunities]]
type = "rsi_reversion"
column = "rsi"
oversold = 45.0
overbought = 55.0

[[signals.threats]]
type = "max_drawdown"
limit = "0.05"

[[strategy.planners]]
type = "weighted"
use_context = false
w_weak = "0"
w_threat = "0.1"
entry_threshold = "0.1"
exit_confidence = "0.2"

[[planners.entry]]
type = "patient_limit"
max_confidence = "0.6"
offset_bps = "10"

[[planners.entry]]
type = "market"

[[planners.size]]
type = "confidence_scaled"
base_notional = "2000"
min_notional = "100"
max_notional = "5000"

[[planners.exit]]
type = "atr"
atr_column = "atr_14"

[[planners.routing]]
type = "twap"
slices = 3
duration_ms = 600000
min_notional_to_split = "1500"

[[planners.routing]]
type = "immediate"

[allocation]
type = "budget"
cash_fraction = "0.5"
symbol_cap = "0.3"
max_open_orders = 6
"""


CATALOG = builtin_catalog()
SETTINGS = parse_blueprint(tomllib.loads(RICH_BLUEPRINT), CATALOG, file="rich.toml")


def rich_kernel() -> PlanningKernel:
    return build_kernel(SETTINGS, CATALOG)


def real_market(kernel: PlanningKernel) -> PreparedMarket:
    """Two real BTC series (different venues and timeframes), prepared by `kernel`."""
    usd = load_bars(bundled_path("coinbase_BTC-USD_1h.csv"), "BTC/USD").series
    usdt = load_bars(bundled_path("binance_BTC-USDT_4h.csv"), "BTC/USDT").series
    return kernel.prepare({"BTC/USD": usd.head(3000), "BTC/USDT": usdt})


def real_series(kernel: PlanningKernel) -> dict[str, BarSeries]:
    """The series of `real_market(kernel)`, carrying the kernel's feature columns."""
    return dict(real_market(kernel).series)


def context_at(
    kernel: PlanningKernel,
    series: dict[str, BarSeries],
    index: int,
    *,
    cash: Decimal,
    held: Decimal,
    with_order: bool,
) -> PlanningContext[BarSeries]:
    history = {}
    marks = {}
    for symbol, full in sorted(series.items()):
        window = full.head(min(index, len(full) - 1) + 1)
        history[symbol] = window
        marks[symbol] = MarkPrice(
            symbol=symbol, price=Decimal(repr(float(window.close[-1]))), ts_ms=int(window.ts_ms[-1])
        )
    now = max(int(h.ts_ms[-1]) for h in history.values())
    positions = {}
    balances = {"USD": Balance(asset="USD", free=cash)}
    if held > 0:
        entry = marks["BTC/USD"].price
        positions["BTC/USD"] = Position(symbol="BTC/USD", quantity=held, avg_entry_price=entry)
        balances["BTC"] = Balance(asset="BTC", free=held)
    orders: tuple[OpenOrderView, ...] = ()
    if with_order:
        orders = (
            OpenOrderView(
                symbol="BTC/USDT",
                side=Side.BUY,
                order_type=OrderType.LIMIT,
                price=Decimal("100.00"),
                quantity=Decimal("0.5"),
                client_order_id="tkEXISTING0000000000000000000001",
            ),
            OpenOrderView(
                symbol="BTC/USD",
                side=Side.SELL,
                order_type=OrderType.LIMIT,
                price=Decimal("999999.00"),
                quantity=Decimal("0.1"),
                client_order_id="tkEXISTING0000000000000000000002",
            ),
        )
    return PlanningContext(
        run_id="prop",
        now_ms=now,
        symbols=tuple(sorted(history)),
        history=history,
        rules={symbol: SETTINGS.rules_for(symbol) for symbol in history},
        marks=marks,
        balances=balances,
        positions=positions,
        open_orders=orders,
        peak_equity=cash * Decimal("1.2"),
    )
