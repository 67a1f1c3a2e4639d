"""An SMA cross with a fixed-percentage stop and target, by a plain loop and by the engine.

The reference loop below knows nothing of the engine: it reads the bundled real 1m BTC
bars (tests/data/binance_BTC-BUSD_1m.csv) and applies the documented rules
(docs/backtesting.md, "Protective exits"):

- decide on each bar's close with SMA(10) and SMA(30) of the close: flat and a cross up
  buys 0.01 BTC at the next bar's open; held and a cross down sells it at the next open;
- once the entry filled, the stop (0.1 % below the decision close, rounded up to the tick)
  and the target (twice that distance above, rounded up) guard every bar from the entry
  bar on: a bar whose low reaches the stop exits at the stop, or at its open if it opened
  below; otherwise a bar whose high reaches the target exits at the target, or at its open
  if it opened above. A bar that touches both exits at the stop;
- a cross down withdraws the protection: the position sells at the next bar's open.

The engine's backtest (dense and sparse) must agree trade for trade, and no trade may
stay open through a bar that crossed its stop or target.
"""

import csv
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

import attrs
import pytest

from tradekernel.adapters.data.loader import load_bars
from tradekernel.bootstrap.backtest_job import run_backtest
from tradekernel.bootstrap.container import configured
from tradekernel.domain.enums import ExitReason, OrderType
from tradekernel.orchestration.cycle.result import RunResult
from tradekernel.shared.ids import protected_entry_id

HERE = Path(__file__).resolve().parent
BLUEPRINT = HERE / "sma_brackets.toml"
DATA = HERE.parents[1] / "data" / "binance_BTC-BUSD_1m.csv"
SYMBOL = "BTC/BUSD"
QTY = Decimal("0.01")
FEE = Decimal("0.001")
STOP_PCT = Decimal("0.001")
RISK_REWARD = Decimal(2)
TICK = Decimal("0.01")


@attrs.frozen
class Bar:
    ts_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal


@attrs.frozen
class Trade:
    entry_ms: int
    entry_price: Decimal
    exit_ms: int
    exit_price: Decimal
    reason: ExitReason


def _bars() -> list[Bar]:
    with DATA.open(newline="") as handle:
        return [
            Bar(
                ts_ms=int(row["timestamp_ms"]),
                open=Decimal(row["open"]),
                high=Decimal(row["high"]),
                low=Decimal(row["low"]),
                close=Decimal(row["close"]),
            )
            for row in csv.DictReader(handle)
        ]


def _sma(closes: list[Decimal], end: int, period: int) -> Decimal | None:
    if end + 1 < period:
        return None
    return sum(closes[end + 1 - period : end + 1], Decimal(0)) / period


def _cross(closes: list[Decimal], index: int) -> int:
    """Return +1 for a cross up at `index`, -1 for a cross down, 0 otherwise."""
    if index < 1:
        return 0
    now = (_sma(closes, index, 10), _sma(closes, index, 30))
    before = (_sma(closes, index - 1, 10), _sma(closes, index - 1, 30))
    if None in now or None in before:
        return 0
    spread = now[0] - now[1]  # type: ignore[operator]
    previous = before[0] - before[1]  # type: ignore[operator]
    if previous <= 0 < spread:
        return 1
    if previous >= 0 > spread:
        return -1
    return 0


def _levels(close: Decimal) -> tuple[Decimal, Decimal]:
    stop = close - close * STOP_PCT
    target = close + (close - stop) * RISK_REWARD
    return (
        stop.quantize(TICK, rounding=ROUND_CEILING),
        target.quantize(TICK, rounding=ROUND_CEILING),
    )


def reference_trades(bars: list[Bar]) -> list[Trade]:
    """Return the round trips of the documented rules, in closing order."""
    closes = [bar.close for bar in bars]
    trades: list[Trade] = []
    # While held: (entry time, entry price, stop, target).
    position: tuple[int, Decimal, Decimal, Decimal] | None = None
    buy: tuple[Decimal, Decimal] | None = None  # the levels of a buy decided last close
    sell = False  # a sell decided last close (its decision withdrew the protection)
    for index, bar in enumerate(bars):
        if buy is not None:
            position = (bar.ts_ms, bar.open, *buy)
        elif sell and position is not None:
            trades.append(Trade(position[0], position[1], bar.ts_ms, bar.open, ExitReason.SIGNAL))
            position = None
        buy, sell = None, False
        if position is not None:
            entry_ms, entry_price, stop, target = position
            if bar.low <= stop:
                trades.append(
                    Trade(entry_ms, entry_price, bar.ts_ms, min(stop, bar.open), ExitReason.STOP)
                )
                position = None
            elif bar.high >= target:
                trades.append(
                    Trade(
                        entry_ms, entry_price, bar.ts_ms, max(target, bar.open), ExitReason.TARGET
                    )
                )
                position = None
        cross = _cross(closes, index)
        if position is None and cross > 0:
            buy = _levels(bar.close)
        elif position is not None and cross < 0:
            sell = True
    return trades


def _engine(dense: bool, tmp_path: Path) -> RunResult:
    container = configured(
        mode="backtest", db_path=tmp_path / f"run-{dense}.db", blueprint_path=BLUEPRINT
    )
    try:
        outcome = run_backtest(
            container.recorded_run_parts(),
            [load_bars(DATA, SYMBOL)],
            out_dir=None,
            dense=dense,
            run_id="reference",
            progress_stream=None,
        )
    finally:
        container.shutdown_resources()
    return outcome.result


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunResult]:
    directory = tmp_path_factory.mktemp("brackets")
    return {"dense": _engine(True, directory), "sparse": _engine(False, directory)}


@pytest.mark.parametrize("name", ["dense", "sparse"])
def test_engine_matches_the_reference_loop_trade_for_trade(
    runs: dict[str, RunResult], name: str
) -> None:
    expected = reference_trades(_bars())
    got = [
        Trade(t.entry_time_ms, t.entry_price, t.exit_time_ms, t.exit_price, t.exit_reason)
        for t in runs[name].closed_trades
    ]
    assert got == expected
    reasons = {trade.reason for trade in expected}
    # Every path was taken, or the agreement would prove less than it claims.
    assert {ExitReason.SIGNAL, ExitReason.STOP, ExitReason.TARGET} <= reasons
    # Some protective exits fired on the very bar their entry filled on.
    assert any(trade.entry_ms == trade.exit_ms for trade in expected)
    for trade in runs[name].closed_trades:
        fees = (trade.entry_price + trade.exit_price) * QTY * FEE
        assert trade.pnl == (trade.exit_price - trade.entry_price) * QTY - fees


def test_no_trade_stays_open_through_a_bar_that_crossed_its_stop_or_target(
    runs: dict[str, RunResult],
) -> None:
    result = runs["dense"]
    bars = _bars()
    entry_ms = {f.client_order_id: f.ts_ms for f in result.fills}
    protective = [o for o in result.orders if protected_entry_id(o.client_order_id) is not None]
    assert protective
    by_entry_ms = {}
    for order in protective:
        entry = protected_entry_id(order.client_order_id)
        assert entry is not None and order.order_type is OrderType.OCO
        assert order.stop_price is not None and order.price is not None
        by_entry_ms[entry_ms[entry]] = (order.stop_price, order.price)
    exits = {t.entry_time_ms: t.exit_time_ms for t in result.closed_trades}
    last_ms = bars[-1].ts_ms
    for opened, (stop, target) in by_entry_ms.items():
        closed = exits.get(opened, last_ms + 1)
        for bar in bars:
            if opened <= bar.ts_ms < closed:
                assert stop < bar.low and bar.high < target, (opened, bar)
