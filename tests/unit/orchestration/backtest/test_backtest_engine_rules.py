"""The backtest engine on handcrafted bars: rejections, delayed slices, equity, gaps."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import numpy as np

from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.bootstrap.backtest_job import venue_settings
from tradekernel.bootstrap.blueprints import load
from tradekernel.domain.enums import OrderStatus, Side
from tradekernel.domain.errors import Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.orders import Order
from tradekernel.orchestration.backtest.engine import (
    BacktestEngine,
    BacktestRequest,
    RunResult,
)
from tradekernel.orchestration.cycle.timeline import build_timeline, on_timeline
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.shared.bars import BarSeries

HOUR = 3_600_000
T0 = 1_700_000_000_000

# SMA(2)/SMA(4) crossover, 1 unit per trade; `{routing}` picks immediate or TWAP.
BLUEPRINT = """
[blueprint]
name = "tiny_cross"
description = "SMA(2)/SMA(4) crossover on handcrafted bars"
timeframe = "1h"

[universe]
symbols = {symbols}

[account]
quote_asset = "USD"
starting_cash = "{cash}"

[fees]
maker = "0.001"
taker = "0.001"

[[context.workers]]
type = "sma"
key = "sma_fast"
period = 2

[[context.workers]]
type = "sma"
key = "sma_slow"
period = 4

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

{routing}

[allocation]
type = "budget"
"""

IMMEDIATE = '[[planners.routing]]\ntype = "immediate"'
TWAP = '[[planners.routing]]\ntype = "twap"\nslices = 3\nduration_ms = 10800000'

# Down, a sharp rise, flat, then a fall. fast - slow (SMA2 - SMA4) is -1, -1, 0 at bars
# 3..5 (an exact tie), 2 at bar 6: a cross up at bar 6 (<= 0, then > 0); 0.25 at bar 10
# and -1.5 at bar 11: a cross down at bar 11. Opens are the previous close + 0.5.
CLOSES = [10.0, 9.0, 8.0, 7.0, 6.0, 9.0, 12.0, 13.0, 14.0, 14.0, 14.0, 8.0, 6.0, 5.0, 5.0, 5.0]


def series(symbol: str, closes: Sequence[float], times: Sequence[int] | None = None) -> BarSeries:
    count = len(closes)
    close = np.array(closes, dtype=np.float64)
    open_ = np.concatenate(([close[0]], close[:-1])) + 0.5
    ts = (
        np.array(times, dtype=np.int64)
        if times is not None
        else T0 + np.arange(count, dtype=np.int64) * HOUR
    )
    return BarSeries(
        symbol=symbol,
        ts_ms=ts,
        open=open_,
        high=np.maximum(open_, close) + 1.0,
        low=np.minimum(open_, close) - 1.0,
        close=close,
        volume=np.full(count, 100.0),
    )


def build(
    tmp_path: Path,
    symbols: Sequence[str],
    *,
    cash: str = "1000",
    quantity: str = "1",
    routing: str = IMMEDIATE,
) -> tuple[BacktestEngine, BacktestVenue, Mapping[str, object]]:
    path = tmp_path / "tiny.toml"
    listed = "[" + ", ".join(f'"{s}"' for s in symbols) + "]"
    path.write_text(
        BLUEPRINT.format(symbols=listed, cash=cash, quantity=quantity, routing=routing),
        encoding="utf-8",
    )
    blueprint, catalog = load(path)
    venue = BacktestVenue(venue_settings(blueprint.settings))
    rules = {s: blueprint.settings.rules_for(s) for s in symbols}
    return BacktestEngine(build_kernel(blueprint.settings, catalog), venue), venue, rules


def run(
    tmp_path: Path,
    data: Mapping[str, BarSeries],
    *,
    dense: bool = False,
    venue_wrapper: type | None = None,
    **options: str,
) -> RunResult:
    engine, venue, rules = build(tmp_path, sorted(data), **options)
    if venue_wrapper is not None:
        kernel = engine._kernel
        engine = BacktestEngine(kernel, venue_wrapper(venue))
    return engine.run(
        BacktestRequest(run_id="unit", series=data, rules=rules, dense=dense)  # type: ignore[arg-type]
    )


def test_crossovers_trade_at_the_next_bars_open(tmp_path: Path) -> None:
    bars = series("X/USD", CLOSES)
    result = run(tmp_path, {"X/USD": bars})
    assert [(f.side, f.ts_ms, f.price) for f in result.fills] == [
        (Side.BUY, T0 + 7 * HOUR, Decimal("12.5")),
        (Side.SELL, T0 + 12 * HOUR, Decimal("8.5")),
    ]
    (trade,) = result.closed_trades
    assert trade.pnl == Decimal("8.5") - Decimal("12.5") - Decimal("0.0125") - Decimal("0.0085")
    # Kernel called only on the two cross bars.
    assert result.kernel_calls == 2


class RejectingBuys:
    """A venue that refuses every buy at submit, as a real venue may."""

    def __init__(self, inner: BacktestVenue) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    def submit(self, intent: ExecutionIntent) -> Order:
        if intent.side is Side.BUY:
            raise Rejected("buys are refused here", client_order_id=intent.client_order_id)
        return self._inner.submit(intent)

    def submit_status(self, intent: ExecutionIntent) -> OrderStatus:
        return self.submit(intent).status


def test_a_rejected_submit_is_recorded_and_the_run_goes_on(tmp_path: Path) -> None:
    result = run(tmp_path, {"X/USD": series("X/USD", CLOSES)}, venue_wrapper=RejectingBuys)
    ((ts, cid, message),) = result.rejections
    assert ts == T0 + 6 * HOUR
    assert cid.startswith("tk")
    assert message == "Rejected: buys are refused here"  # worded as paper records it
    assert result.fills == ()
    assert result.orders == ()
    assert result.equity.tolist() == [1000.0] * len(CLOSES)


def test_a_buy_the_cash_cannot_pay_is_planned_skipped_and_never_sent(tmp_path: Path) -> None:
    # 1 unit at 12.5 plus fee cannot be paid from 5 USD: the plan records the directive
    # with a skipped intent, the venue never sees an order, and nothing is raised.
    result = run(tmp_path, {"X/USD": series("X/USD", CLOSES)}, cash="5")
    assert [ts for ts, _ in result.plan_hashes] == [T0 + 6 * HOUR]
    assert result.orders == ()
    assert result.fills == ()
    assert result.rejections == ()
    assert result.final_equity == Decimal(5)


def test_twap_slices_are_submitted_one_bar_apart_and_fill_at_the_following_opens(
    tmp_path: Path,
) -> None:
    result = run(tmp_path, {"X/USD": series("X/USD", CLOSES)}, quantity="3", routing=TWAP)
    buys = [f for f in result.fills if f.side is Side.BUY]
    # Cross at bar 6: slice 0 now (fills at bar 7), slice 1 due at bar 7 (fills at 8),
    # slice 2 due at bar 8 (fills at 9).
    assert [f.ts_ms for f in buys] == [T0 + 7 * HOUR, T0 + 8 * HOUR, T0 + 9 * HOUR]
    assert [f.price for f in buys] == [Decimal("12.5"), Decimal("13.5"), Decimal("14.5")]


def test_twap_slices_add_up_to_the_planned_quantity(tmp_path: Path) -> None:
    result = run(tmp_path, {"X/USD": series("X/USD", CLOSES)}, quantity="3", routing=TWAP)
    buys = sum((f.quantity for f in result.fills if f.side is Side.BUY), Decimal(0))
    sells = sum((f.quantity for f in result.fills if f.side is Side.SELL), Decimal(0))
    assert buys == Decimal(3)
    assert sells == buys


def naive_equity(bars: Mapping[str, BarSeries], result: RunResult, cash: float) -> list[float]:
    """Return cash + sum(qty * close) per timeline bar, replaying the fills in order."""
    times = sorted({int(t) for s in bars.values() for t in s.ts_ms})
    quantity: dict[str, Decimal] = {}
    money = Decimal(repr(cash))
    out: list[float] = []
    last_close: dict[str, float] = {}
    for ts in times:
        for fill in result.fills:
            if fill.ts_ms == ts:
                signed = fill.quantity if fill.side is Side.BUY else -fill.quantity
                quantity[fill.symbol] = quantity.get(fill.symbol, Decimal(0)) + signed
                notional = fill.quantity * fill.price
                money += -notional - fill.fee if fill.side is Side.BUY else notional - fill.fee
        for symbol, s in bars.items():
            hit = np.flatnonzero(s.ts_ms == ts)
            if hit.size:
                last_close[symbol] = float(s.close[hit[0]])
        value = float(money)
        for symbol in sorted(quantity):
            if quantity[symbol] != 0:
                value += float(quantity[symbol]) * last_close.get(symbol, 0.0)
        out.append(value)
    return out


def test_equity_is_cash_plus_quantity_times_close_on_every_bar(tmp_path: Path) -> None:
    bars = {"X/USD": series("X/USD", CLOSES)}
    result = run(tmp_path, bars, quantity="2")
    assert len(result.fills) == 2
    assert result.equity.tolist() == naive_equity(bars, result, 1000.0)
    held = [e for e, c in zip(result.equity, result.cash, strict=True) if e != c]
    assert len(held) == 5  # bars 7..11 hold the position
    assert result.exposed_bars == 5


def test_timeline_is_the_union_of_bar_times_with_last_known_positions() -> None:
    a = series("A/USD", [1.0, 2.0, 3.0], [T0, T0 + 2 * HOUR, T0 + 3 * HOUR])
    b = series("B/USD", [5.0, 6.0], [T0 + HOUR, T0 + 2 * HOUR])
    timeline = build_timeline({"B/USD": b, "A/USD": a})
    assert timeline.symbols == ("A/USD", "B/USD")
    assert timeline.ts_ms.tolist() == [T0 + k * HOUR for k in range(4)]
    assert timeline.index["A/USD"].tolist() == [0, 0, 1, 2]
    assert timeline.index["B/USD"].tolist() == [-1, 0, 1, 1]
    assert timeline.has_bar["A/USD"].tolist() == [True, False, True, True]
    assert timeline.has_bar["B/USD"].tolist() == [False, True, True, False]
    mask = np.array([True, True], dtype=np.bool_)
    assert on_timeline(timeline, "B/USD", mask).tolist() == [False, True, True, False]


def test_two_symbols_with_gaps_fill_only_on_their_own_bars(tmp_path: Path) -> None:
    # Y misses bars 7 and 8: its order from the bar-6 cross waits for its next bar (9).
    times = [T0 + k * HOUR for k in range(len(CLOSES))]
    y_times = [t for k, t in enumerate(times) if k not in (7, 8)]
    y_closes = [c for k, c in enumerate(CLOSES) if k not in (7, 8)]
    bars = {"X/USD": series("X/USD", CLOSES), "Y/USD": series("Y/USD", y_closes, y_times)}
    sparse = run(tmp_path, bars)
    dense = run(tmp_path, bars, dense=True)
    y_fills = [(f.side, f.ts_ms) for f in sparse.fills if f.symbol == "Y/USD"]
    assert y_fills[0] == (Side.BUY, T0 + 9 * HOUR)
    assert next(f.ts_ms for f in sparse.fills if f.symbol == "X/USD") == T0 + 7 * HOUR
    assert sparse.fills == dense.fills
    assert sparse.equity.tobytes() == dense.equity.tobytes()
    assert sparse.plan_hashes == dense.plan_hashes
    assert sparse.equity.tolist() == naive_equity(bars, sparse, 1000.0)


def test_a_cross_on_the_last_bar_before_a_gap_is_planned_once_in_both_modes(
    tmp_path: Path,
) -> None:
    # Y crosses down at its bar 11 and then has no bar for 3 hours while X keeps trading.
    times = [T0 + k * HOUR for k in range(len(CLOSES))]
    y_times = [t for k, t in enumerate(times) if k not in (12, 13, 14)]
    y_closes = [c for k, c in enumerate(CLOSES) if k not in (12, 13, 14)]
    flat_x = [7.0] * len(CLOSES)
    bars = {"X/USD": series("X/USD", flat_x), "Y/USD": series("Y/USD", y_closes, y_times)}
    sparse = run(tmp_path, bars)
    dense = run(tmp_path, bars, dense=True)
    assert sparse.fills == dense.fills
    assert sparse.plan_hashes == dense.plan_hashes
