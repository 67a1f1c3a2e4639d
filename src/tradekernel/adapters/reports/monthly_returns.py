"""Monthly returns of an equity curve: each calendar month's (UTC) last equity over the last
equity of the month before (the first point of the curve for the first month)."""

import numpy as np

from tradekernel.adapters.reports.equity_curve import EquityCurve

# year -> twelve returns (fractions), None for a month the curve does not cover.
MonthlyTable = dict[int, list[float | None]]


_EPOCH_MONTHS = 1970 * 12


def monthly_returns(curve: EquityCurve) -> MonthlyTable:
    """Return the curve's returns by year and month, oldest year first."""
    # Months since 1970-01 (numpy's calendar is UTC), made absolute: year * 12 + month - 1.
    since_epoch = curve.ts_ms.astype("datetime64[ms]").astype("datetime64[M]")
    months = since_epoch.astype(np.int64) + _EPOCH_MONTHS
    # The last point of each month: where the month index changes, and the very end.
    last = [*np.flatnonzero(np.diff(months) != 0).tolist(), len(curve) - 1]
    table: MonthlyTable = {}
    previous = float(curve.equity[0])
    for index in last:
        month, close = int(months[index]), float(curve.equity[index])
        row = table.setdefault(month // 12, [None] * 12)
        row[month % 12] = close / previous - 1.0 if previous > 0 else None
        previous = close
    return table
