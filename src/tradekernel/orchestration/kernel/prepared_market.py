"""What a kernel derives once from whole histories, so each cycle reads one prepared row.

`PlanningKernel.prepare(series_by_symbol)` returns a `PreparedMarket`: per symbol, the
history carrying every context-worker column and its `KernelTable` (candidate bits, the
columns stacked row-major, the aggregator's scored rows; see `shared.kernel_table`). The
backtest, replay and a replayed paper run prepare once; `plan(context, market)` reads the
row of each symbol's last bar from it. A history the market does not hold (a live window,
a revised bar) is prepared on the fly, so the kernel has one data path: a prepared row.

A market belongs to the kernel that prepared it (`owner`): planning with another kernel's
market is refused, since its bits and scores were computed for other plugins.
"""

from collections.abc import Mapping

import attrs
import numpy as np

from tradekernel.orchestration.kernel.activity import (
    Activity,
    activity,
    candidate_bits,
    signal_workers,
)
from tradekernel.orchestration.kernel.kernel_spec import KernelSpec
from tradekernel.orchestration.kernel.plugin_contract import row_scorer
from tradekernel.orchestration.kernel.snapshots import feature_columns
from tradekernel.shared.bars import BarSeries, FloatArray
from tradekernel.shared.kernel_table import FloatMatrix, KernelTable


@attrs.frozen(kw_only=True, eq=False)
class PreparedHistory:
    """One symbol's history with every worker column (views of `table.rows`) and its table."""

    series: BarSeries
    table: KernelTable

    def holds(self, last: int, ts_ms: int, close: float) -> bool:
        """Return whether a history whose bar `last` opens at `ts_ms` and closes at `close`
        is cut from this one: then its prepared row is the row of that bar.

        Workers are causal, so a window's row is the row the window alone would give; a
        revised bar (same time, other close) is not held.
        """
        series = self.series
        return (
            last < len(series.ts_ms)
            and series.ts_ms.item(last) == ts_ms
            and series.close.item(last) == close
        )


def prepare_history(spec: KernelSpec, series: BarSeries) -> PreparedHistory:
    """Return `series` with every worker column of `spec`, stacked into its kernel table.

    The columns are copied once into one row-major matrix and handed back as views of it,
    so the table costs no second copy of the features.
    """
    computed = series.with_features(feature_columns(series, spec.workers))
    names = tuple(computed.features)
    rows = _stacked(computed.features, names, len(computed))
    if rows is None:
        rows = np.empty((len(computed), len(names)), dtype=np.float64)
        for number, name in enumerate(names):
            rows[:, number] = computed.features[name]
    columns = {name: rows[:, number] for number, name in enumerate(names)}
    staged = attrs.evolve(computed, features=columns)
    aggregator = spec.aggregator
    table = KernelTable(
        bits=candidate_bits(signal_workers(spec), staged),
        names=names,
        rows=rows,
        complete=np.asarray(~np.isnan(rows).any(axis=1), dtype=np.bool_),
        scores=aggregator.score_rows(staged, columns) if row_scorer(aggregator) else None,
    )
    return PreparedHistory(series=staged, table=table)


def _stacked(
    features: Mapping[str, FloatArray], names: tuple[str, ...], count: int
) -> FloatMatrix | None:
    """Return the row-major matrix whose columns the features already are, in order.

    The series of a prepared market carry their columns as views of the table's rows; a
    caller that prepares them again (a benchmark timing the indicators apart, then the
    backtest engine) reuses those rows instead of holding every feature twice.
    """
    if not names:
        return None
    rows = features[names[0]].base
    if not (
        isinstance(rows, np.ndarray)
        and rows.dtype == np.float64
        and rows.shape == (count, len(names))
        and rows.flags.c_contiguous
    ):
        return None
    start: int = rows.__array_interface__["data"][0]
    width, stride = rows.itemsize, rows.strides[:1]
    for number, name in enumerate(names):
        column = features[name]
        if (
            column.base is not rows
            or column.strides != stride
            or column.__array_interface__["data"][0] != start + number * width
        ):
            return None
    stacked: FloatMatrix = rows
    return stacked


class PreparedMarket:
    """Every symbol's prepared history, made by (and only usable with) one kernel."""

    __slots__ = ("_histories", "_owner", "_spec", "series")

    def __init__(
        self, owner: object, spec: KernelSpec, histories: Mapping[str, PreparedHistory]
    ) -> None:
        self._owner = owner
        self._spec = spec
        self._histories = dict(histories)
        self.series: Mapping[str, BarSeries] = {
            symbol: prepared.series for symbol, prepared in self._histories.items()
        }

    def prepared_by(self, owner: object) -> bool:
        """Return whether `owner` (a kernel) prepared this market."""
        return self._owner is owner

    @property
    def histories(self) -> Mapping[str, PreparedHistory]:
        """Return the prepared history of every symbol."""
        return self._histories

    def activity(self, symbol: str) -> Activity:
        """Return the bars of `symbol` where the kernel can emit a directive (sparse loops)."""
        prepared = self._histories[symbol]
        return activity(self._spec, prepared.series, prepared.table.bits)
