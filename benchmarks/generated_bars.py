"""Write seeded, generated one-minute bars to CSV, the input every side-by-side run reads.

The prices are a random walk rounded to cents, the same recipe as
`bench_backtest.generate`, so one seed gives one file, byte for byte, on every machine.
"""

from pathlib import Path

import numpy as np

MINUTE_MS = 60_000
FIRST_TS_MS = 1_600_000_000_000
HEADER = "timestamp_ms,open,high,low,close,volume"


def write_bars_csv(path: Path, n_bars: int, seed: int) -> None:
    """Write `n_bars` one-minute bars generated from `seed` to `path` (tradekernel's CSV).

    Raises:
        OSError: If the file cannot be written.
    """
    rng = np.random.default_rng(seed)
    close = np.round(30_000.0 * np.exp(np.cumsum(rng.normal(0.0, 0.0008, n_bars))), 2)
    open_ = np.concatenate(([close[0]], close[:-1]))
    wick = np.abs(rng.normal(0.0, 0.0004, n_bars))
    high = np.round(np.maximum(open_, close) * (1.0 + wick), 2)
    low = np.round(np.minimum(open_, close) * (1.0 - wick), 2)
    volume = np.round(rng.random(n_bars) * 5.0 + 0.01, 4)
    ts_ms = FIRST_TS_MS + np.arange(n_bars, dtype=np.int64) * MINUTE_MS
    rows = zip(
        ts_ms.tolist(),
        open_.tolist(),
        high.tolist(),
        low.tolist(),
        close.tolist(),
        volume.tolist(),
        strict=True,
    )
    # repr of a float rounded to cents is its shortest form: "30012.5", never "30012.50001".
    lines = [HEADER, *(",".join(map(repr, row)) for row in rows)]
    Path(path).write_text("\n".join(lines) + "\n", encoding="ascii")
