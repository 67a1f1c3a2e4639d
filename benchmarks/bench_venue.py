"""Benchmark: CSV load throughput on 1M generated rows, and backtest venue fills per second."""

import tempfile
import time
from decimal import Decimal
from pathlib import Path

import attrs
import numpy as np

from tradekernel.adapters.backtest.settings import VenueSettings
from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.adapters.data.csv_reader import read_csv_bars
from tradekernel.domain.enums import OrderType, Side
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar

CSV_ROWS = 1_000_000
ROUND_TRIPS = 20_000
IDLE_BARS = 200_000


def _write_csv(path: Path, rows: int) -> None:
    rng = np.random.default_rng(11)
    ts = 1_600_000_000_000 + np.arange(rows, dtype=np.int64) * 60_000
    close = 1000.0 * np.exp(np.cumsum(rng.normal(0.0, 0.001, rows)))
    open_ = np.concatenate(([1000.0], close[:-1]))
    table = np.column_stack(
        (
            ts,
            open_,
            np.maximum(open_, close) * 1.001,
            np.minimum(open_, close) * 0.999,
            close,
            rng.random(rows) * 10,
        )
    )
    header = "timestamp_ms,open,high,low,close,volume"
    fmt = ["%d", "%.2f", "%.2f", "%.2f", "%.2f", "%.4f"]
    np.savetxt(path, table, fmt=fmt, delimiter=",", header=header, comments="")


def _bench_csv() -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.csv"
        _write_csv(path, CSV_ROWS)
        start = time.perf_counter()
        loaded = read_csv_bars(path, "SYN/USD")
        elapsed = time.perf_counter() - start
    return [
        ("csv_load_rows", str(len(loaded.series))),
        ("csv_load_seconds", f"{elapsed:.3f}"),
        ("csv_load_rows_per_s", f"{len(loaded.series) / elapsed:,.0f}"),
    ]


def _bar(ts: int, price: Decimal) -> Bar:
    return Bar(
        symbol="BTC/USD",
        ts_ms=ts,
        open=price,
        high=price,
        low=price,
        close=price,
        volume=Decimal(1000),
    )


def _bench_venue() -> list[tuple[str, str]]:
    venue = BacktestVenue(VenueSettings(taker_fee=Decimal("0.001"), starting_cash=Decimal(10**9)))
    qty = Decimal("0.01")
    start = time.perf_counter()
    fills = 0
    for i in range(ROUND_TRIPS):
        side = Side.BUY if i % 2 == 0 else Side.SELL
        venue.submit(
            ExecutionIntent(
                client_order_id=f"o{i}",
                directive_id="d",
                symbol="BTC/USD",
                side=side,
                order_type=OrderType.MARKET,
                quantity=qty,
            )
        )
        fills += len(venue.on_bar(_bar(i + 1, Decimal(20_000 + i % 100))))
    fill_elapsed = time.perf_counter() - start
    idle = _bar(0, Decimal(20_000))
    start = time.perf_counter()
    for i in range(IDLE_BARS):
        venue.on_bar(attrs.evolve(idle, ts_ms=ROUND_TRIPS + 1 + i))
    idle_elapsed = time.perf_counter() - start
    return [
        ("venue_fills", str(fills)),
        ("venue_submit_and_fill_per_s", f"{fills / fill_elapsed:,.0f}"),
        ("venue_idle_on_bar_per_s", f"{IDLE_BARS / idle_elapsed:,.0f}"),
    ]


def _fields(bar: Bar) -> dict[str, object]:
    return {
        "symbol": bar.symbol,
        "ts_ms": bar.ts_ms,
        "open": bar.open,
        "high": bar.high,
        "low": bar.low,
        "close": bar.close,
        "volume": bar.volume,
    }


def run() -> list[tuple[str, str]]:
    """Return (metric, value) rows: CSV load throughput and venue fill throughput."""
    return _bench_csv() + _bench_venue()


if __name__ == "__main__":
    for metric, value in run():
        print(f"{metric}\t{value}")
