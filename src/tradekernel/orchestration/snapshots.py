"""Feature columns for a symbol's history, and the snapshot of its last two bars."""

from collections.abc import Mapping, Sequence

from tradekernel.domain.errors import DataError
from tradekernel.domain.ports.plugins import ContextWorker
from tradekernel.domain.signals import FeatureSnapshot
from tradekernel.shared.bars import BarSeries, FloatArray


def feature_columns(
    series: BarSeries, workers: Sequence[ContextWorker[BarSeries, FloatArray]]
) -> Mapping[str, FloatArray]:
    """Return every worker output for the series, reusing columns it already carries.

    Raises:
        DataError: when two workers produce a column of the same name.
    """
    wanted = [name for worker in workers for name in worker.outputs]
    if len(set(wanted)) == len(wanted) and all(name in series.features for name in wanted):
        # The backtest (and a live runner that updates features per bar) attaches every
        # column up front: then there is nothing to compute or check per cycle.
        return series.features
    columns: dict[str, FloatArray] = {}
    for worker in workers:
        if all(name in series.features for name in worker.outputs):
            computed: Mapping[str, FloatArray] = {n: series.features[n] for n in worker.outputs}
        else:
            computed = worker.compute(series)
        for name, column in computed.items():
            if name in columns:
                raise DataError(f"two context workers produce the column {name!r}")
            columns[name] = column
    return columns


def _row(columns: Mapping[str, FloatArray], index: int) -> dict[str, float]:
    # A lookup table for plugins, never iterated into a decision or serialised, so its
    # key order does not matter; `.item` is the cheapest way to a Python float.
    row: dict[str, float] = {}
    for name, column in columns.items():
        value = column.item(index)
        if value == value:  # noqa: PLR0124 - not NaN; the cheapest test, run per column per cycle
            row[name] = value
    return row


def snapshot_at(
    series: BarSeries, columns: Mapping[str, FloatArray], index: int
) -> FeatureSnapshot:
    """Return the snapshot of bar `index` (and the bar before it) of the series."""
    return FeatureSnapshot(
        symbol=series.symbol,
        ts_ms=int(series.ts_ms[index]),
        close=float(series.close[index]),
        current=_row(columns, index),
        previous=_row(columns, index - 1) if index >= 1 else {},
    )
