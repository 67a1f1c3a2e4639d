"""The engine against an independent plain-Python SMA-cross backtest, trade for trade.

The reference below re-implements the rules of examples/sma_cross.toml from its comment,
with no tradekernel code: read the CSV, SMA(10)/SMA(30) of the close, decide on each bar's
close, buy `quantity` at the next bar's open when flat, sell everything at the next open
on the cross below, fee 0.1% of notional, mark an open position at the last close.
"""

import csv
from decimal import Decimal
from pathlib import Path

import attrs
import numpy as np
from backtest_blueprints import BITTREX, SMA_CROSS, SMA_CROSS_BTC, load_text, run_engine, toml_list

from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.adapters.data.loader import load_bars
from tradekernel.bootstrap.blueprints import load
from tradekernel.features.context.smoothing import rolling_mean

FEE = Decimal("0.001")


@attrs.frozen
class RefTrade:
    entry_time_ms: int
    entry_price: Decimal
    exit_time_ms: int
    exit_price: Decimal
    qty: Decimal
    fees: Decimal
    pnl: Decimal


@attrs.frozen
class RefRun:
    trades: tuple[RefTrade, ...]
    cash_delta: Decimal
    held: Decimal
    last_close: Decimal


def window_mean(values: list[float]) -> float:
    """Return the mean the way numpy's `mean` sums a contiguous row of 8..128 floats.

    Why not a plain left-to-right sum, or Decimal? A crossover is a sign change of
    fast - slow, and on real data the two averages are sometimes equal or within one ulp
    (flat prices give exact ties): a sum in another order, or exact arithmetic, flips the
    sign of such a gap and with it a trade. numpy sums a row of n >= 8 values in eight
    interleaved partial sums, combines them pairwise, then adds the rest; doing the same
    float operations in the same order gives bitwise the engine's averages (checked below
    against the worker's column), so every cross decision is the same decision.
    """
    n = len(values)
    if n < 8:
        total = 0.0
        for value in values:
            total += value
        return total / n
    partial = list(values[:8])
    index = 8
    while index < n - n % 8:
        for lane in range(8):
            partial[lane] += values[index + lane]
        index += 8
    total = ((partial[0] + partial[1]) + (partial[2] + partial[3])) + (
        (partial[4] + partial[5]) + (partial[6] + partial[7])
    )
    while index < n:
        total += values[index]
        index += 1
    return total / n


def sma(values: list[float], period: int) -> list[float | None]:
    return [
        window_mean(values[i - period + 1 : i + 1]) if i >= period - 1 else None
        for i in range(len(values))
    ]


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def reference_backtest(path: Path, quantity: Decimal) -> RefRun:
    rows = read_rows(path)
    closes = [float(row["close"]) for row in rows]
    fast, slow = sma(closes, 10), sma(closes, 30)
    cash = Decimal(0)
    held = Decimal(0)
    pending: str | None = None
    entry: tuple[int, Decimal, Decimal] | None = None
    trades: list[RefTrade] = []
    for i, row in enumerate(rows):
        ts = int(row["timestamp_ms"])
        # CSV prices are short decimals, so Decimal(text) equals the engine's
        # Decimal(repr(float(text))) exactly.
        price = Decimal(row["open"])
        if pending == "buy":
            fee = quantity * price * FEE
            cash -= quantity * price + fee
            held = quantity
            entry = (ts, price, fee)
        elif pending == "sell" and entry is not None:
            fee = held * price * FEE
            cash += held * price - fee
            entry_ts, entry_price, entry_fee = entry
            trades.append(
                RefTrade(
                    entry_time_ms=entry_ts,
                    entry_price=entry_price,
                    exit_time_ms=ts,
                    exit_price=price,
                    qty=held,
                    fees=entry_fee + fee,
                    pnl=held * (price - entry_price) - entry_fee - fee,
                )
            )
            held = Decimal(0)
            entry = None
        pending = None
        f_now, s_now = fast[i], slow[i]
        f_before, s_before = (fast[i - 1], slow[i - 1]) if i else (None, None)
        if f_now is None or s_now is None or f_before is None or s_before is None:
            continue
        gap, gap_before = f_now - s_now, f_before - s_before
        if gap_before <= 0.0 < gap and held == 0:
            pending = "buy"
        elif gap_before >= 0.0 > gap and held > 0:
            pending = "sell"
    return RefRun(
        trades=tuple(trades),
        cash_delta=cash,
        held=held,
        last_close=Decimal(rows[-1]["close"]),
    )


def test_reference_sma_is_bitwise_the_context_workers_sma() -> None:
    closes = [float(row["close"]) for row in read_rows(bundled_path())]
    for period in (10, 30):
        ours = sma(closes, period)
        theirs = rolling_mean(np.array(closes, dtype=np.float64), period)
        assert [v for v in ours if v is not None] == list(theirs[period - 1 :])


def test_engine_matches_reference_trade_for_trade_on_bundled_coinbase() -> None:
    blueprint, _ = load(SMA_CROSS)
    result = run_engine(blueprint, [load_bars(bundled_path(), "BTC/USD")], dense=False)
    reference = reference_backtest(bundled_path(), Decimal("0.01"))
    engine_trades = tuple(
        RefTrade(
            entry_time_ms=t.entry_time_ms,
            entry_price=t.entry_price,
            exit_time_ms=t.exit_time_ms,
            exit_price=t.exit_price,
            qty=t.qty,
            fees=t.fees,
            pnl=t.pnl,
        )
        for t in result.closed_trades
    )
    assert len(reference.trades) == 387
    # Exact Decimal equality, stronger than "to the cent".
    assert engine_trades == reference.trades
    start = blueprint.settings.account.starting_cash
    expected = start + reference.cash_delta + reference.held * reference.last_close
    assert result.final_equity == expected
    assert result.final_equity.quantize(Decimal("0.01")) == Decimal("100109.03")


def test_engine_matches_reference_per_symbol_on_three_bittrex_files(tmp_path: Path) -> None:
    quantity = Decimal("100")
    text = SMA_CROSS_BTC.format(symbols=toml_list(BITTREX), quantity=quantity)
    blueprint = load_text(tmp_path, "sma_btc", text)
    data = [load_bars(path, symbol) for symbol, path in BITTREX.items()]
    result = run_engine(blueprint, data, dense=False)
    expected_equity = blueprint.settings.account.starting_cash
    for symbol, path in BITTREX.items():
        reference = reference_backtest(path, quantity)
        engine_trades = tuple(
            RefTrade(
                entry_time_ms=t.entry_time_ms,
                entry_price=t.entry_price,
                exit_time_ms=t.exit_time_ms,
                exit_price=t.exit_price,
                qty=t.qty,
                fees=t.fees,
                pnl=t.pnl,
            )
            for t in result.closed_trades
            if t.symbol == symbol
        )
        assert len(reference.trades) > 50, symbol
        assert engine_trades == reference.trades, symbol
        expected_equity += reference.cash_delta + reference.held * reference.last_close
    assert result.final_equity == expected_equity
