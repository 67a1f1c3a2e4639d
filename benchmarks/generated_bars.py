"""The generated 1-minute bars every backtest benchmark runs on, as a series or a CSV file.

One seeded random walk (prices rounded to cents), so that `bench_backtest`, the CLI
benchmark and the peer frameworks of `make bench-peers` all read the same bars. The CSV
has the columns `tradekernel backtest --data SYMBOL=FILE` reads:
`timestamp_ms,open,high,low,close,volume`.

Usage: `python -m benchmarks.generated_bars PATH [N_BARS [SEED]]`.
"""

import sys
from pathlib import Path

import numpy as np

from tradekernel.shared.bars import BarSeries

BARS = 1_000_000
SEED = 20240601
SYMBOL = "BTC/USD"
MINUTE_MS = 60_000
FIRST_TS_MS = 1_600_000_000_000
CSV_HEADER = "timestamp_ms,open,high,low,close,volume"


def generate(n_bars: int = BARS, seed: int = SEED, symbol: str = SYMBOL) -> BarSeries:
    """Return `n_bars` 1-minute bars of a seeded random walk (prices rounded to cents)."""
    rng = np.random.default_rng(seed)
    close = np.round(30_000.0 * np.exp(np.cumsum(rng.normal(0.0, 0.0008, n_bars))), 2)
    open_ = np.concatenate((close[:1], close[:-1]))
    wick = np.abs(rng.normal(0.0, 0.0004, n_bars))
    return BarSeries(
        symbol=symbol,
        ts_ms=FIRST_TS_MS + np.arange(n_bars, dtype=np.int64) * MINUTE_MS,
        open=open_,
        high=np.round(np.maximum(open_, close) * (1.0 + wick), 2),
        low=np.round(np.minimum(open_, close) * (1.0 - wick), 2),
        close=close,
        volume=np.round(rng.random(n_bars) * 5.0 + 0.01, 4),
    )


def write_bars_csv(path: Path | str, n_bars: int = BARS, seed: int = SEED) -> Path:
    """Write the generated bars to `path` as CSV and return the path.

    Prices are written with `repr` of the float (shortest round-trip text), so a reader
    parsing them as floats gets exactly the generated values.
    """
    series = generate(n_bars, seed)
    target = Path(path)
    columns = zip(
        series.ts_ms.tolist(),
        series.open.tolist(),
        series.high.tolist(),
        series.low.tolist(),
        series.close.tolist(),
        series.volume.tolist(),
        strict=True,
    )
    with target.open("w", encoding="ascii", newline="\n") as out:
        out.write(CSV_HEADER + "\n")
        out.writelines(f"{t},{o!r},{h!r},{lo!r},{c!r},{v!r}\n" for t, o, h, lo, c, v in columns)
    return target


if __name__ == "__main__":
    if not 2 <= len(sys.argv) <= 4:
        print("usage: python -m benchmarks.generated_bars PATH [N_BARS [SEED]]", file=sys.stderr)
        sys.exit(2)
    count = int(sys.argv[2]) if len(sys.argv) > 2 else BARS
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else SEED
    print(write_bars_csv(sys.argv[1], count, seed))
