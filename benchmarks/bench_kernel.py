"""Benchmark: planning-cycle latency (p50, p99) of the full pipeline, 200 symbols and 1.

The blueprint uses several context workers and a weighted aggregator, every opportunity
and threat worker, the weighted and position-management planners, entry/size/exit/routing
planners chosen by confidence, and budget allocation. The account holds cash, positions in
a tenth of the symbols and open orders in another twentieth. Bars are a seeded random walk;
indicator columns are precomputed once (as in a backtest; a live runner updates them per
bar), so the figures are the kernel's own planning time. Every symbol has venue rules
(tick, step, minimum quantity and notional), so intents go through every gate and most are
tradable; the table reports how many. Target (issue #16): p50 < 2 ms for 200 symbols.
Besides wall time, each cycle's CPU time (`time.process_time`) is reported: on a shared
machine it moves far less with the load than the wall time does.
"""

import tempfile
import time
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import numpy as np

from tradekernel.bootstrap.blueprints import load
from tradekernel.bootstrap.gc_policy import long_run_gc
from tradekernel.domain.account import Balance, Position
from tradekernel.domain.context import PlanningContext
from tradekernel.domain.enums import OrderStatus, OrderType, Side
from tradekernel.domain.market import MarkPrice, SymbolRules
from tradekernel.domain.orders import OpenOrderView
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.shared.bars import BarSeries

HISTORY = 400
CYCLES = 200
SEED = 7
HOUR_MS = 3_600_000

BLUEPRINT = """
[blueprint]
name = "bench_full_pipeline"
description = "every stage of the pipeline, for latency"
timeframe = "1h"

[universe]
symbols = {symbols}

[account]
quote_asset = "USDT"
starting_cash = "1000000"

[[context.workers]]
type = "sma"
key = "sma_fast"
period = 10

[[context.workers]]
type = "sma"
key = "sma_slow"
period = 30

[[context.workers]]
type = "ema"
key = "ema_trend"
period = 50

[[context.workers]]
type = "rsi"
key = "rsi"
period = 14

[[context.workers]]
type = "atr"
key = "atr"
period = 14

[[context.workers]]
type = "bollinger"
key = "bb"
period = 20

[[context.workers]]
type = "donchian"
key = "donchian"
period = 20

[[context.workers]]
type = "volume_percentile"
key = "volume_pct"
period = 50

[[context.workers]]
type = "candle_body"
key = "body"

[context.aggregator]
type = "score"
method = "weighted"

[[context.aggregator.components]]
name = "trend"
kind = "trend"
column = "ema_trend"

[[context.aggregator.components]]
name = "momentum"
kind = "momentum"
column = "rsi"

[[context.aggregator.components]]
name = "volume"
kind = "volume"
column = "volume_pct"

[[signals.opportunities]]
type = "ma_crossover"
fast = "sma_fast"
slow = "sma_slow"

[[signals.opportunities]]
type = "rsi_reversion"
column = "rsi"

[[signals.opportunities]]
type = "donchian_breakout"

[[signals.opportunities]]
type = "volume_spike"

[[signals.threats]]
type = "max_drawdown"
limit = "0.2"
warn_fraction = "0.5"

[[signals.threats]]
type = "volatility_spike"
column = "atr"
threshold = 0.02

[[signals.threats]]
type = "liquidity_collapse"
column = "volume_pct"

[[signals.threats]]
type = "exposure_concentration"
cap = "0.05"

[[strategy.planners]]
type = "weighted"
entry_threshold = "0.05"
exit_confidence = "0.3"
close_on_threat = "0.9"

[[strategy.planners]]
type = "position_management"
breakeven_trigger_pct = "0.01"
trail_pct = "0.05"
trail_column = "donchian.high"

[[planners.entry]]
type = "market"
min_confidence = "0.6"

[[planners.entry]]
type = "patient_limit"
offset_bps = "10"

[[planners.size]]
type = "confidence_scaled"
base_notional = "2000"
max_notional = "5000"
min_confidence = "0.5"

[[planners.size]]
type = "fixed_fraction"
risk_fraction = "0.002"
atr_column = "atr"

[[planners.exit]]
type = "fixed_rr"

[[planners.routing]]
type = "twap"
slices = 3
duration_ms = 7200000
min_confidence = "0.7"

[[planners.routing]]
type = "immediate"

[allocation]
type = "budget"
"""


def _series(symbol: str, rng: np.random.Generator) -> BarSeries:
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.01, HISTORY)))
    open_ = np.concatenate(([close[0]], close[:-1]))
    wick = np.abs(rng.normal(0.0, 0.004, HISTORY))
    return BarSeries(
        symbol=symbol,
        ts_ms=1_700_000_000_000 + np.arange(HISTORY, dtype=np.int64) * HOUR_MS,
        open=open_,
        high=np.maximum(open_, close) * (1.0 + wick),
        low=np.minimum(open_, close) * (1.0 - wick),
        close=close,
        volume=rng.random(HISTORY) * 1000.0 + 1.0,
    )


def _kernel(symbols: list[str]) -> PlanningKernel:
    listed = "[" + ", ".join(f'"{s}"' for s in symbols) + "]"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench_kernel.toml"
        path.write_text(BLUEPRINT.format(symbols=listed), encoding="utf-8")
        blueprint, catalog = load(path)
    return build_kernel(blueprint.settings, catalog)


def _price(value: float) -> Decimal:
    return Decimal(repr(round(float(value), 6)))


def _rules(symbol: str) -> SymbolRules:
    base, _, quote = symbol.partition("/")
    return SymbolRules(
        symbol=symbol,
        base=base,
        quote=quote,
        tick_size=Decimal("0.0001"),
        step_size=Decimal("0.001"),
        min_qty=Decimal("0.001"),
        min_notional=Decimal(10),
    )


def _context(
    symbols: list[str], series: Mapping[str, BarSeries], index: int
) -> PlanningContext[BarSeries]:
    history = {s: series[s].head(index + 1) for s in symbols}
    marks = {s: MarkPrice(symbol=s, price=_price(series[s].close[index]), ts_ms=0) for s in symbols}
    held = symbols[::10]
    working = symbols[5::20]
    positions = {
        s: Position(symbol=s, quantity=Decimal(10), avg_entry_price=_price(series[s].close[0]))
        for s in held
    }
    balances = {"USDT": Balance(asset="USDT", free=Decimal(900_000))}
    for s in held:
        balances[s.split("/")[0]] = Balance(asset=s.split("/")[0], free=Decimal(10))
    orders = tuple(
        OpenOrderView(
            symbol=s,
            side=Side.BUY,
            order_type=OrderType.LIMIT,
            price=_price(series[s].close[index] * 0.98),
            quantity=Decimal(5),
            client_order_id=f"tkbench{n:04d}",
            status=OrderStatus.ACCEPTED,
        )
        for n, s in enumerate(working)
    )
    return PlanningContext(
        run_id="bench",
        now_ms=int(series[symbols[0]].ts_ms[index]),
        symbols=tuple(symbols),
        history=history,
        rules={s: _rules(s) for s in symbols},
        marks=marks,
        balances=balances,
        positions=positions,
        open_orders=orders,
        peak_equity=Decimal(1_000_000),
    )


P50_TARGET_MS = 2.0


def _latencies(count: int) -> tuple[list[float], list[float], int, int, int]:
    rng = np.random.default_rng(SEED)
    symbols = [f"S{n:03d}/USDT" for n in range(count)]
    kernel = _kernel(symbols)
    market = kernel.prepare({s: _series(s, rng) for s in symbols})
    series = market.series
    timings: list[float] = []
    cpu_timings: list[float] = []
    directives = intents = tradable = 0
    for cycle in range(CYCLES):
        context = _context(symbols, series, HISTORY - CYCLES + cycle)
        started, cpu_started = time.perf_counter(), time.process_time()
        plan = kernel.plan(context, market)
        timings.append(time.perf_counter() - started)
        cpu_timings.append(time.process_time() - cpu_started)
        directives += len(plan.directives)
        intents += len(plan.intents)
        tradable += sum(1 for intent in plan.intents if not intent.skipped)
    return timings, cpu_timings, directives, intents, tradable


def run() -> list[tuple[str, str]]:
    """Return p50/p99 planning latency for 200 symbols and for one symbol."""
    rows: list[tuple[str, str]] = []
    for count in (200, 1):
        # The collector settings a live or paper run has (bootstrap.gc_policy, via the CLI).
        with long_run_gc():
            timings, cpu_timings, directives, intents, tradable = _latencies(count)
        p50, p99 = np.percentile(np.array(timings) * 1000.0, [50, 99])
        cpu_p50 = float(np.percentile(np.array(cpu_timings) * 1000.0, 50))
        rows += [
            (f"{count}_symbols p50_ms", f"{p50:.2f}"),
            (f"{count}_symbols p99_ms", f"{p99:.2f}"),
            (f"{count}_symbols cpu p50_ms", f"{cpu_p50:.2f}"),
            (
                f"{count}_symbols directives/intents/tradable per cycle",
                f"{directives / CYCLES:.1f} / {intents / CYCLES:.1f} / {tradable / CYCLES:.1f}",
            ),
        ]
    p50_200 = float(rows[0][1])
    rows.append(
        (
            f"target p50 < {P50_TARGET_MS:g} ms (200 symbols)",
            "met" if p50_200 < P50_TARGET_MS else "NOT met",
        )
    )
    return rows
