"""Trade statistics checked against numbers computed here with the statistics module."""

import math
import statistics
from decimal import Decimal

from report_fixtures import HOUR_MS, trade

from tradekernel.adapters.reports.trade_stats import trade_stats


def test_best_worst_duration_expectancy_and_sqn() -> None:
    pnls = ["10", "-5", "3", "-2", "7.5"]
    trades = [trade(p, entry_ms=i * 10 * HOUR_MS) for i, p in enumerate(pnls)]
    stats = trade_stats(trades)
    values = [float(p) for p in pnls]
    assert stats.best == Decimal("10")
    assert stats.worst == Decimal("-5")
    assert stats.average_duration_ms == HOUR_MS  # every fixture trade lasts one hour
    assert stats.expectancy == Decimal("2.7")
    expected_sqn = math.sqrt(5) * statistics.mean(values) / statistics.stdev(values)
    assert stats.sqn is not None
    assert math.isclose(stats.sqn, expected_sqn, rel_tol=1e-12)


def test_without_trades_or_spread_the_undefined_numbers_are_none() -> None:
    empty = trade_stats([])
    assert (empty.best, empty.expectancy, empty.sqn, empty.average_duration_ms) == (
        None,
        None,
        None,
        None,
    )
    assert trade_stats([trade("4")]).sqn is None  # one trade has no spread
    assert trade_stats([trade("4"), trade("4")]).sqn is None  # nor do equal trades
