"""The SMA(10)/SMA(30) cross in backtesting.py, written from its documentation.

Run in the peers' environment: `python -m benchmarks.peers.peer_backtesting BARS.csv OUT.csv`.
A `Strategy` with two `self.I` indicators decides in `next()` on each bar's close; its
orders fill at the next bar's open (`trade_on_close=False`, the default). The averages are
`averages.sma` of the unscaled closes, passed in as a strategy parameter: the scaled
`self.data.Close` would round differently at exact ties (see `averages`). `FractionalBacktest`
with a unit of 0.01 BTC makes `buy(size=1)` buy 0.01 BTC, as backtesting.py's
documentation recommends for fractional coins; commission 0.1% of notional.
"""

import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from backtesting import Strategy
from backtesting.lib import FractionalBacktest

from benchmarks.peers.averages import sma
from benchmarks.peers.peer_report import report

UNIT_BTC = 0.01


class SmaCross(Strategy):  # type: ignore[misc]  # backtesting.py ships no type hints
    """Buy when fast - slow turns from <= 0 to > 0 while flat; sell all when it turns < 0."""

    closes: Any = None  # a strategy parameter: the closes in USD per BTC, unscaled

    def init(self) -> None:
        self.fast = self.I(sma, self.closes, 10)
        self.slow = self.I(sma, self.closes, 30)

    def next(self) -> None:
        gap = self.fast[-1] - self.slow[-1]
        gap_before = self.fast[-2] - self.slow[-2]
        if gap_before <= 0 < gap and not self.position:
            self.buy(size=1)
        elif gap_before >= 0 > gap and self.position:
            self.position.close()


def main(bars_csv: Path, trades_csv: Path) -> None:
    """Run the cross on the bars and report its closed trades."""
    frame = pd.read_csv(bars_csv)
    frame.index = pd.to_datetime(frame.pop("timestamp_ms"), unit="ms")
    frame.columns = ["Open", "High", "Low", "Close", "Volume"]
    started = time.perf_counter()
    backtest = FractionalBacktest(
        frame, SmaCross, cash=100_000, commission=0.001, fractional_unit=UNIT_BTC
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "some trades remain open": the last one may
        stats = backtest.run(closes=frame["Close"].to_numpy())
    engine_s = time.perf_counter() - started
    trades = stats["_trades"]
    millis = np.timedelta64(1, "ms")
    epoch = np.datetime64(0, "ms")
    entries = ((trades["EntryTime"].to_numpy() - epoch) // millis).tolist()
    exits = ((trades["ExitTime"].to_numpy() - epoch) // millis).tolist()
    report(
        trades_csv,
        zip(entries, trades["EntryPrice"], exits, trades["ExitPrice"], strict=True),
        engine_s,
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
