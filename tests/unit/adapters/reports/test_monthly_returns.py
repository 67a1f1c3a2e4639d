"""Monthly returns: each UTC month's last equity over the previous month's last equity."""

from datetime import UTC, datetime

import numpy as np
import pytest

from tradekernel.adapters.reports.equity_curve import EquityCurve
from tradekernel.adapters.reports.monthly_returns import monthly_returns


def _ms(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)


def test_months_chain_from_the_first_point_and_skip_uncovered_months() -> None:
    points = [
        (_ms(2023, 12, 15), 100.0),
        (_ms(2023, 12, 31, 23), 110.0),  # December: 110 / 100
        (_ms(2024, 1, 1), 99.0),
        (_ms(2024, 1, 31), 99.0),  # January: 99 / 110
        (_ms(2024, 3, 2), 118.8),  # March: 118.8 / 99 (February has no point)
    ]
    curve = EquityCurve.from_arrays(
        np.asarray([t for t, _ in points], dtype=np.int64),
        np.asarray([e for _, e in points], dtype=np.float64),
    )
    table = monthly_returns(curve)
    assert sorted(table) == [2023, 2024]
    assert table[2023][11] == pytest.approx(0.10)
    assert table[2023][:11] == [None] * 11
    assert table[2024][0] == pytest.approx(99 / 110 - 1)
    assert table[2024][1] is None
    assert table[2024][2] == pytest.approx(0.2)
