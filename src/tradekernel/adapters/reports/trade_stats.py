"""Trade statistics of a report: best, worst, average duration, expectancy and SQN.

Expectancy is the mean net PnL per trade (quote asset). SQN (Van Tharp's System Quality
Number) is computed here on net PnL rather than on R-multiples, as backtesting.py does:
`sqrt(n) * mean(pnl) / stdev(pnl)` with the sample standard deviation; it needs two
trades and a non-zero spread, else it is None.
"""

import math
from collections.abc import Sequence
from decimal import Decimal

import attrs

from tradekernel.domain.trades import ClosedTrade


@attrs.frozen(kw_only=True)
class TradeStats:
    """Statistics over closed trades; every field is None without trades."""

    best: Decimal | None
    worst: Decimal | None
    average_duration_ms: int | None
    expectancy: Decimal | None
    sqn: float | None


def trade_stats(trades: Sequence[ClosedTrade]) -> TradeStats:
    """Return the statistics of `trades` (see the module docstring for the definitions)."""
    if not trades:
        return TradeStats(
            best=None, worst=None, average_duration_ms=None, expectancy=None, sqn=None
        )
    pnls = [trade.pnl for trade in trades]
    count = len(pnls)
    expectancy = sum(pnls, Decimal(0)) / count
    sqn: float | None = None
    if count >= 2:
        mean = float(expectancy)
        variance = sum((float(p) - mean) ** 2 for p in pnls) / (count - 1)
        if variance > 0:
            sqn = math.sqrt(count) * mean / math.sqrt(variance)
    durations = [trade.exit_time_ms - trade.entry_time_ms for trade in trades]
    return TradeStats(
        best=max(pnls),
        worst=min(pnls),
        average_duration_ms=sum(durations) // count,
        expectancy=expectancy,
        sqn=sqn,
    )
