"""`BarSeries.bar_at`: one bar as a domain object, prices as the floats' exact repr."""

from decimal import Decimal

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tradekernel.shared.bars import BarSeries

_PRICES = st.floats(min_value=1e-8, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(_PRICES, _PRICES, _PRICES, _PRICES, _PRICES), min_size=1, max_size=5))
def test_a_bar_reads_each_column_as_the_numpy_value_at_its_index(
    rows: list[tuple[float, float, float, float, float]],
) -> None:
    columns = np.array(rows, dtype=np.float64).T
    series = BarSeries(
        symbol="BTC/USD",
        ts_ms=np.arange(len(rows), dtype=np.int64) * 60_000 + 1_600_000_000_000,
        open=columns[0],
        high=columns[1],
        low=columns[2],
        close=columns[3],
        volume=columns[4],
    )
    for index in range(len(rows)):
        bar = series.bar_at(index)
        assert type(bar.ts_ms) is int
        assert bar.ts_ms == int(series.ts_ms[index])
        # The numpy scalar's repr is the Python float's: the same Decimal either way.
        assert bar.open == Decimal(repr(float(series.open[index])))
        assert bar.high == Decimal(repr(float(series.high[index])))
        assert bar.low == Decimal(repr(float(series.low[index])))
        assert bar.close == Decimal(repr(float(series.close[index])))
        assert bar.volume == Decimal(repr(float(series.volume[index])))
        assert bar.close == Decimal(repr(rows[index][3]))
