"""Blueprints and runners shared by the backtest integration tests.

Each blueprint is TOML text (the same format users write), loaded through the real
loader and plugin catalog, so the tests exercise what `tradekernel backtest` runs.
"""

from collections.abc import Mapping, Sequence
from pathlib import Path

from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.adapters.data.loader import load_bars
from tradekernel.adapters.data.report import LoadedBars
from tradekernel.bootstrap.backtest_job import venue_settings
from tradekernel.bootstrap.blueprints import load
from tradekernel.orchestration.backtest.engine import (
    BacktestEngine,
    BacktestRequest,
    RunResult,
)
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
REPO_ROOT = Path(__file__).resolve().parents[3]
SMA_CROSS = REPO_ROOT / "examples" / "sma_cross.toml"

# Three real Bittrex alt/BTC 5m files (see tests/data/README.md); ADA has a 33-bar hole and
# TRX six one-bar holes, so the shared timeline has bars where some symbols have none.
BITTREX = {
    "ADA/BTC": DATA_DIR / "bittrex_ADA-BTC_5m.csv",
    "ETH/BTC": DATA_DIR / "bittrex_ETH-BTC_5m.csv",
    "TRX/BTC": DATA_DIR / "bittrex_TRX-BTC_5m.csv",
}

# The SMA-cross rules of examples/sma_cross.toml, on BTC-quoted symbols. The quantity is
# per symbol (explicit size from the planner), large enough that fees are not dust.
SMA_CROSS_BTC = """
[blueprint]
name = "sma_cross_btc"
description = "examples/sma_cross.toml on BTC-quoted alts"
timeframe = "5m"

[universe]
symbols = {symbols}

[account]
quote_asset = "BTC"
starting_cash = "1000"

[fees]
maker = "0.001"
taker = "0.001"
slippage_bps = "0"

[[context.workers]]
type = "sma"
key = "sma_fast"
period = 10

[[context.workers]]
type = "sma"
key = "sma_slow"
period = 30

[[signals.opportunities]]
type = "ma_crossover"
fast = "sma_fast"
slow = "sma_slow"

[[strategy.planners]]
type = "weighted"
use_context = false
w_threat = "0"
w_weak = "0"
entry_threshold = "0"
exit_confidence = "0"
order_type = "market"
quantity = "{quantity}"

[[planners.entry]]
type = "market"

[[planners.size]]
type = "fixed_quantity"
quantity = "{quantity}"

[[planners.exit]]
type = "none"

[[planners.routing]]
type = "immediate"

[allocation]
type = "budget"
"""

# Entries on the cross-up, a volatility threat that closes on a spike while exposed, and a
# position manager (trailing stop on the Donchian high, one partial exit, break-even):
# both act only while a position is open, through the "exposed" masks.
MANAGED = """
[blueprint]
name = "managed"
description = "SMA cross entries, threat closes, trailing stop and partial exits"
timeframe = "{timeframe}"

[universe]
symbols = {symbols}

[account]
quote_asset = "{quote}"
starting_cash = "{cash}"

[fees]
maker = "0.001"
taker = "0.002"
slippage_bps = "5"

[[context.workers]]
type = "sma"
key = "sma_fast"
period = 10

[[context.workers]]
type = "sma"
key = "sma_slow"
period = 30

[[context.workers]]
type = "atr"
key = "atr"
period = 14

[[context.workers]]
type = "donchian"
key = "don"
period = 20

[[signals.opportunities]]
type = "ma_crossover"
fast = "sma_fast"
slow = "sma_slow"

[[signals.threats]]
type = "volatility_spike"
column = "atr"
threshold = {atr_threshold}

[[strategy.planners]]
type = "weighted"
use_context = false
w_weak = "0"
w_threat = "0"
entry_threshold = "0"
exit_confidence = "0.99"
close_on_threat = "0.5"
order_type = "market"
quantity = "{quantity}"

[[strategy.planners]]
type = "position_management"
breakeven_trigger_pct = "0.01"
entry_quantity = "{quantity}"
trail_pct = "0.02"
trail_column = "don.high"
order_type = "market"

[[strategy.planners.partial_exits]]
gain_pct = "0.005"
fraction = "0.5"

[[planners.entry]]
type = "market"

[[planners.size]]
type = "fixed_quantity"
quantity = "{quantity}"

[[planners.exit]]
type = "none"

[[planners.routing]]
type = "immediate"

[allocation]
type = "budget"
"""

# Patient limit entries a little below the close, sent as TWAP slices spread over later
# bars (delayed intents), closed on the opposite cross at market.
TWAP_LIMIT = """
[blueprint]
name = "twap_limit"
description = "SMA cross, limit entries below the close, TWAP slices over three bars"
timeframe = "{timeframe}"

[universe]
symbols = {symbols}

[account]
quote_asset = "{quote}"
starting_cash = "{cash}"

[fees]
maker = "0.0005"
taker = "0.001"
slippage_bps = "2"
participation = "0.5"

[[context.workers]]
type = "sma"
key = "sma_fast"
period = 10

[[context.workers]]
type = "sma"
key = "sma_slow"
period = 30

[[signals.opportunities]]
type = "ma_crossover"
fast = "sma_fast"
slow = "sma_slow"

[[strategy.planners]]
type = "weighted"
use_context = false
w_threat = "0"
w_weak = "0"
entry_threshold = "0"
exit_confidence = "0"
quantity = "{quantity}"

[[planners.entry]]
type = "patient_limit"
offset_bps = "5"
scopes = ["new_trade"]

[[planners.entry]]
type = "market"

[[planners.size]]
type = "fixed_quantity"
quantity = "{quantity}"

[[planners.exit]]
type = "none"

[[planners.routing]]
type = "twap"
slices = 3
duration_ms = {duration_ms}
scopes = ["new_trade"]

[[planners.routing]]
type = "immediate"

[allocation]
type = "budget"
"""


def toml_list(symbols: Sequence[str]) -> str:
    return "[" + ", ".join(f'"{s}"' for s in symbols) + "]"


def load_text(tmp_path: Path, name: str, text: str) -> LoadedBlueprint:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    blueprint, _ = load(path)
    return blueprint


def kernel_for(blueprint: LoadedBlueprint) -> PlanningKernel:
    _, catalog = load(Path(blueprint.file))
    return build_kernel(blueprint.settings, catalog)


def coinbase_bars() -> LoadedBars:
    return load_bars(bundled_path(), "BTC/USD")


def bittrex_bars(symbols: Sequence[str] = tuple(BITTREX)) -> list[LoadedBars]:
    return [load_bars(BITTREX[symbol], symbol) for symbol in symbols]


def run_engine(
    blueprint: LoadedBlueprint,
    data: Sequence[LoadedBars],
    *,
    dense: bool,
    run_id: str = "run-under-test",
) -> RunResult:
    """Run a fresh kernel and venue over `data`, the way `run_backtest` wires them."""
    settings = blueprint.settings
    engine = BacktestEngine(kernel_for(blueprint), BacktestVenue(venue_settings(settings)))
    series: Mapping[str, object] = {item.series.symbol: item.series for item in data}
    return engine.run(
        BacktestRequest(
            run_id=run_id,
            series={item.series.symbol: item.series for item in data},
            rules={symbol: settings.rules_for(symbol) for symbol in sorted(series)},
            dense=dense,
        )
    )
