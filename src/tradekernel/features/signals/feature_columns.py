"""Reading feature columns for candidate masks: an absent column can never trigger."""

from collections.abc import Mapping

import numpy as np

from tradekernel.shared.bars import BarSeries, FloatArray


def column(bars: BarSeries, features: Mapping[str, FloatArray], name: str) -> FloatArray:
    """Return the column `name` from `features` (then `bars.features`), or all NaN.

    NaN compares False with everything, so a missing column gives an all-False mask,
    which is exact: `evaluate` never finds the value in a snapshot either.
    """
    found = features.get(name)
    if found is None:
        found = bars.features.get(name)
    if found is None:
        return np.full(len(bars), np.nan, dtype=np.float64)
    return np.asarray(found, dtype=np.float64)


def previous(values: FloatArray) -> FloatArray:
    """Return the column one bar back (NaN at bar 0), as `snapshot.previous` sees it."""
    out = np.full(values.shape[0], np.nan, dtype=np.float64)
    out[1:] = values[:-1]
    return out
