"""Attach a `KernelTable` to a history whose feature columns are all computed.

The columns are copied once into one row-major matrix and handed back as views of it, so
the table costs no second copy of the features; see `shared.kernel_table`.
"""

import attrs
import numpy as np

from tradekernel.orchestration.activity import candidate_bits
from tradekernel.orchestration.plugin_contract import row_scorer
from tradekernel.shared.bars import BarSeries
from tradekernel.shared.kernel_table import KernelTable


def with_table(
    series: BarSeries, workers: tuple[object, ...], aggregator: object = None
) -> BarSeries:
    """Return `series` with its features stacked into a table tagged for `workers`.

    An `aggregator` that implements `ScoresRows` also has every bar's assessment scored.
    """
    names = tuple(series.features)
    rows = np.empty((len(series), len(names)), dtype=np.float64)
    for number, name in enumerate(names):
        rows[:, number] = series.features[name]
    columns = {name: rows[:, number] for number, name in enumerate(names)}
    staged = attrs.evolve(series, features=columns, table=None)
    table = KernelTable(
        workers=workers,
        bits=candidate_bits(workers, staged),
        names=names,
        rows=rows,
        complete=np.asarray(~np.isnan(rows).any(axis=1), dtype=np.bool_),
        scores=aggregator.score_rows(staged, columns) if row_scorer(aggregator) else None,
    )
    return attrs.evolve(staged, table=table)
