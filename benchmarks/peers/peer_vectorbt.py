"""The SMA(10)/SMA(30) cross in vectorbt, written from its documentation.

Run in the peers' environment: `python -m benchmarks.peers.peer_vectorbt BARS.csv OUT.csv`.
The averages are `averages.sma` (numpy's, as tradekernel computes them; `vbt.MA.run`'s
running sum rounds differently at exact ties, see `averages`). A cross is decided on a
bar's close, so the entry and exit signals are shifted one bar and
`Portfolio.from_signals` fills them at that bar's open (`price=open`), 0.01 BTC
(`size_type="amount"`), fee 0.1%. Without `accumulate`, an entry while holding and an exit
while flat are ignored, as in the other two. The first run in a
fresh environment compiles vectorbt's numba functions (cached on disk for the next ones).
"""

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import vectorbt as vbt

from benchmarks.peers.averages import sma
from benchmarks.peers.peer_report import report


def main(bars_csv: Path, trades_csv: Path) -> None:
    """Run the cross on the bars and report its closed trades."""
    frame = pd.read_csv(bars_csv)
    started = time.perf_counter()
    close, open_ = frame["close"], frame["open"]
    closes = close.to_numpy()
    gap = pd.Series(sma(closes, 10) - sma(closes, 30))
    gap_before = gap.shift(1)
    crossed_up = (gap_before <= 0) & (gap > 0)
    crossed_down = (gap_before >= 0) & (gap < 0)
    portfolio = vbt.Portfolio.from_signals(
        close,
        entries=crossed_up.shift(1, fill_value=False),
        exits=crossed_down.shift(1, fill_value=False),
        price=open_,
        size=0.01,
        size_type="amount",
        fees=0.001,
        init_cash=100_000,
        freq="1min",
    )
    records = portfolio.trades.closed.records
    engine_s = time.perf_counter() - started
    ts_ms = frame["timestamp_ms"].to_numpy(dtype=np.int64)
    report(
        trades_csv,
        zip(
            ts_ms[records["entry_idx"]].tolist(),
            records["entry_price"].tolist(),
            ts_ms[records["exit_idx"]].tolist(),
            records["exit_price"].tolist(),
            strict=True,
        ),
        engine_s,
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
