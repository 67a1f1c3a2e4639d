"""The SMA cross grid in backtesting.py's `Backtest.optimize`, written from its documentation.

Run in the peers' environment: `python -m benchmarks.peers.peer_backtesting_grid BARS.csv
FAST SLOW`, FAST and SLOW comma-separated periods. The strategy is `peer_backtesting`'s
cross with its two periods as the optimised class variables; the averages are of the
unscaled closes, an extra data column (`FractionalBacktest` scales only the prices it
trades on). `optimize` maximises `Equity Final [$]` over every (fast, slow) point (its grid
search, in processes as the library decides) and the last line printed is JSON: the best
point, its final equity and the time `optimize` took.
"""

import json
import sys
import time
import warnings
from pathlib import Path

import pandas as pd
from backtesting.lib import FractionalBacktest

from benchmarks.peers.averages import sma
from benchmarks.peers.peer_backtesting import UNIT_BTC, SmaCross


class GridSmaCross(SmaCross):
    """The same cross with its periods as optimisable parameters."""

    fast_period = 10
    slow_period = 30

    def init(self) -> None:  # type: ignore[explicit-override]  # no typing.override on 3.11
        closes = self.data.RawClose
        self.fast = self.I(sma, closes, self.fast_period)
        self.slow = self.I(sma, closes, self.slow_period)


def _periods(text: str) -> list[int]:
    return [int(part) for part in text.split(",")]


def main(bars_csv: Path, fast: list[int], slow: list[int]) -> None:
    """Optimise the cross over the grid and print the best point as JSON."""
    frame = pd.read_csv(bars_csv)
    frame.index = pd.to_datetime(frame.pop("timestamp_ms"), unit="ms")
    frame.columns = ["Open", "High", "Low", "Close", "Volume"]
    frame["RawClose"] = frame["Close"].to_numpy().copy()
    started = time.perf_counter()
    backtest = FractionalBacktest(
        frame, GridSmaCross, cash=100_000, commission=0.001, fractional_unit=UNIT_BTC
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "some trades remain open", per grid point
        stats = backtest.optimize(fast_period=fast, slow_period=slow, maximize="Equity Final [$]")
    engine_s = time.perf_counter() - started
    strategy = stats["_strategy"]
    print(
        json.dumps(
            {
                "fast": int(strategy.fast_period),
                "slow": int(strategy.slow_period),
                "final_equity": float(stats["Equity Final [$]"]),
                "engine_s": engine_s,
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), _periods(sys.argv[2]), _periods(sys.argv[3]))
