"""The dashboard's equity chart coordinates and times."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tradekernel.adapters.api.pages import (
    CHART_HEIGHT,
    CHART_POINTS,
    CHART_WIDTH,
    equity_polyline,
    iso_time,
)
from tradekernel.domain.ports.journal import EquityPoint


def _points(values: list[int]) -> list[EquityPoint]:
    return [
        EquityPoint(ts_ms=1_000 * i, equity=Decimal(v), cash=Decimal(0))
        for i, v in enumerate(values)
    ]


def test_the_curve_spans_the_frame_from_corner_to_corner() -> None:
    assert equity_polyline(_points([10, 20])) == f"0.0,{CHART_HEIGHT:.1f} {CHART_WIDTH:.1f},0.0"


def test_fewer_than_two_points_draw_nothing() -> None:
    assert equity_polyline(_points([5])) == ""


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=2, max_size=3000))
def test_a_long_curve_is_thinned_but_keeps_its_last_point_inside_the_frame(
    values: list[int],
) -> None:
    pairs = [tuple(map(float, p.split(","))) for p in equity_polyline(_points(values)).split()]
    assert len(pairs) <= CHART_POINTS + 1
    assert pairs[-1][0] == CHART_WIDTH
    assert all(0 <= x <= CHART_WIDTH and 0 <= y <= CHART_HEIGHT for x, y in pairs)


def test_times_are_iso_utc_to_the_second() -> None:
    assert iso_time(1_700_000_000_123) == "2023-11-14 22:13:20"
    assert iso_time(None) == "-"
