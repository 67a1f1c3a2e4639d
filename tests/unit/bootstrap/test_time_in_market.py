"""Time in market read back from a run's recorded equity snapshots."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tradekernel.bootstrap.dashboard_report import time_in_market
from tradekernel.domain.ports.journal import EquityPoint


def _point(ts_ms: int, equity: str, cash: str) -> EquityPoint:
    return EquityPoint(ts_ms=ts_ms, equity=Decimal(equity), cash=Decimal(cash))


def test_a_snapshot_whose_equity_is_not_its_cash_holds_a_position() -> None:
    points = [
        _point(0, "100", "100"),
        _point(1, "101", "1"),
        _point(2, "99", "0"),
        _point(3, "99", "99"),
    ]
    assert time_in_market(points) == 0.5


def test_no_snapshot_is_no_time_in_market() -> None:
    assert time_in_market([]) == 0.0


@given(st.lists(st.booleans(), min_size=1, max_size=50))
def test_the_share_counts_the_holding_snapshots(holding: list[bool]) -> None:
    points = [_point(i, "100", "40" if held else "100") for i, held in enumerate(holding)]
    assert time_in_market(points) == sum(holding) / len(holding)
