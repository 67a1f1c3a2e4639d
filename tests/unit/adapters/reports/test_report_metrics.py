"""Metrics against hand computations and naive reimplementations."""

import math
import statistics
from decimal import Decimal
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from report_fixtures import DAY_MS, HOUR_MS, curve, trade, two_year_metrics

from tradekernel.adapters.reports.equity_curve import EquityCurve
from tradekernel.adapters.reports.metrics import MS_PER_YEAR, compute_metrics, drawdown_series
from tradekernel.domain.ports.journal import EquityPoint


def _metrics(values: list[float], step_ms: int = HOUR_MS, trades=(), exposure: float = 0.0):
    return compute_metrics(
        curve(values, step_ms),
        list(trades),
        starting_cash=Decimal(str(values[0])),
        total_fees=Decimal(0),
        bar_interval_ms=step_ms,
        exposure=exposure,
    )


def test_two_year_curve_matches_the_hand_computation() -> None:
    _, m = two_year_metrics()
    assert m.total_return == pytest.approx(0.21)
    assert m.cagr == pytest.approx(0.10)  # sqrt(1.21) - 1
    # returns -0.2 and 0.5125: mean 0.15625, sample std 0.7125 / sqrt(2), one bar a year
    assert m.sharpe == pytest.approx(0.15625 / (0.7125 / math.sqrt(2)))
    assert m.sortino == pytest.approx(0.15625 / math.sqrt(0.02))
    assert m.max_drawdown == pytest.approx(0.2)
    assert m.max_drawdown_duration_ms == 730 * DAY_MS  # from the 100 peak to the 121 recovery
    assert m.calmar == pytest.approx(0.5)
    assert m.win_rate == 0.5
    assert m.profit_factor == pytest.approx(13 / 7)
    assert m.average_trade == Decimal("1.5")
    assert (m.trade_count, m.bars, m.exposure, m.fees) == (4, 3, 0.5, Decimal("1.25"))
    assert m.final_equity == Decimal("121.0")
    assert m.notes == ()


def test_sharpe_and_sortino_agree_with_a_naive_implementation() -> None:
    values = [100.0, 110.0, 99.0, 105.0, 121.0, 120.0]
    m = _metrics(values)
    returns = [b / a - 1 for a, b in pairwise(values)]
    per_year = MS_PER_YEAR / HOUR_MS
    naive_sharpe = statistics.mean(returns) / statistics.stdev(returns) * math.sqrt(per_year)
    downside = math.sqrt(sum(min(r, 0.0) ** 2 for r in returns) / len(returns))
    assert m.sharpe == pytest.approx(naive_sharpe)
    assert m.sortino == pytest.approx(statistics.mean(returns) / downside * math.sqrt(per_year))
    assert m.cagr == pytest.approx(1.2 ** (MS_PER_YEAR / (5 * HOUR_MS)) - 1)


def test_drawdown_duration_runs_from_peak_to_recovery() -> None:
    # peak 110 at bar 1, trough 99 at bar 2, back to 110+ at bar 4
    m = _metrics([100.0, 110.0, 99.0, 105.0, 121.0, 120.0])
    assert m.max_drawdown == pytest.approx(0.1)
    assert m.max_drawdown_duration_ms == 3 * HOUR_MS


def test_unrecovered_drawdown_lasts_until_the_end_of_the_curve() -> None:
    m = _metrics([100.0, 120.0, 120.0, 90.0, 100.0])
    assert m.max_drawdown == pytest.approx(0.25)
    assert m.max_drawdown_duration_ms == 2 * HOUR_MS  # last 120 at bar 2 to the end at bar 4


def test_flat_curve_reports_zero_ratios_and_says_why() -> None:
    m = _metrics([100.0, 100.0, 100.0])
    assert (m.sharpe, m.sortino, m.max_drawdown, m.calmar) == (0.0, 0.0, 0.0, None)
    assert m.total_return == 0.0
    assert any(note.startswith("sharpe: returns have zero variance") for note in m.notes)
    assert any(note.startswith("calmar: no drawdown") for note in m.notes)


def test_rising_curve_has_zero_sortino_with_a_note() -> None:
    m = _metrics([100.0, 101.0, 103.0])
    assert m.sharpe > 0
    assert m.sortino == 0.0
    assert any(note.startswith("sortino:") for note in m.notes)


def test_single_point_curve_has_no_cagr() -> None:
    m = _metrics([100.0])
    assert (m.cagr, m.sharpe, m.total_return, m.max_drawdown_duration_ms) == (None, 0.0, 0.0, 0)
    assert any(note.startswith("cagr:") for note in m.notes)


def test_no_trades_and_no_losses_leave_trade_ratios_undefined() -> None:
    none = _metrics([100.0, 101.0])
    assert (none.win_rate, none.profit_factor, none.average_trade) == (None, None, None)
    winners = _metrics([100.0, 101.0], trades=[trade("1"), trade("2")])
    assert (winners.win_rate, winners.profit_factor) == (1.0, None)
    assert winners.average_trade == Decimal("1.5")


def test_wiped_out_account_gives_full_drawdown_without_warnings() -> None:
    m = _metrics([100.0, 50.0, 0.0, 0.0], step_ms=DAY_MS)
    assert m.max_drawdown == 1.0
    assert m.total_return == -1.0
    assert m.cagr == -1.0


def test_curve_from_points_keeps_the_exact_final_equity() -> None:
    points = [
        EquityPoint(ts_ms=0, equity=Decimal("1000"), cash=Decimal("1000")),
        EquityPoint(ts_ms=DAY_MS, equity=Decimal("1000.123456789012345"), cash=Decimal(0)),
    ]
    m = compute_metrics(
        EquityCurve.from_points(points),
        [],
        starting_cash=Decimal(1000),
        total_fees=Decimal(0),
        bar_interval_ms=DAY_MS,
        exposure=1.0,
    )
    assert m.final_equity == Decimal("1000.123456789012345")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starting_cash": Decimal(0)}, "starting_cash"),
        ({"bar_interval_ms": 0}, "bar_interval_ms"),
        ({"exposure": 1.5}, "exposure"),
    ],
)
def test_invalid_inputs_are_named(changes: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "starting_cash": Decimal(100),
        "total_fees": Decimal(0),
        "bar_interval_ms": HOUR_MS,
        "exposure": 0.5,
    }
    arguments.update(changes)
    with pytest.raises(ValueError, match=message):
        compute_metrics(curve([100.0, 101.0], HOUR_MS), [], **arguments)  # type: ignore[arg-type]


def test_curve_with_unsorted_timestamps_is_refused_with_the_index() -> None:
    with pytest.raises(ValueError, match=r"ts_ms\[2\] is not after ts_ms\[1\]"):
        EquityCurve.from_arrays(
            np.array([0, 5, 5], dtype=np.int64), np.array([1.0, 1.0, 1.0], dtype=np.float64)
        )
    with pytest.raises(ValueError, match="empty"):
        EquityCurve.from_points([])


@given(st.lists(st.floats(min_value=1.0, max_value=1e6), min_size=1, max_size=40))
def test_max_drawdown_equals_the_worst_peak_to_later_trough(values: list[float]) -> None:
    naive = max(
        (1 - values[j] / values[i] for i in range(len(values)) for j in range(i, len(values))),
        default=0.0,
    )
    m = _metrics(values)
    assert m.max_drawdown == pytest.approx(max(naive, 0.0), abs=1e-12)
    assert float(np.max(drawdown_series(np.asarray(values)))) == pytest.approx(
        max(naive, 0.0), abs=1e-12
    )
    assert 0.0 <= m.max_drawdown < 1.0


def test_huge_gain_over_a_short_span_has_no_cagr_instead_of_overflowing() -> None:
    m = _metrics([1.0, 2.0], step_ms=1)
    assert m.cagr is None
    assert m.calmar is None
    assert any("too large" in note for note in m.notes)
