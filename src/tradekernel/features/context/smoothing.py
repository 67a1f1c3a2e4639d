"""Vectorised window statistics and the O(n) recursions behind EMA and Wilder smoothing.

Every function is causal (output i reads inputs 0..i only) and prefix-stable: the value at
i is computed by exactly the same float operations whatever the length of the input, so a
column computed over a whole history and then sliced is bitwise equal to the column
computed on the slice. Window statistics reduce each window row on its own (a
`sliding_window_view`), never through a running cumulative sum, which would drift with
the length of the history and break that equality.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tradekernel.shared.bars import FloatArray


def nan_column(length: int) -> FloatArray:
    """Return a float64 column of `length` NaNs."""
    return np.full(length, np.nan, dtype=np.float64)


def rolling_mean(values: FloatArray, window: int) -> FloatArray:
    """Return the mean of the last `window` values at every index (NaN for the first window-1)."""
    out = nan_column(values.shape[0])
    if values.shape[0] >= window:
        out[window - 1 :] = sliding_window_view(values, window).mean(axis=1)
    return out


def rolling_std(values: FloatArray, window: int) -> FloatArray:
    """Return the population standard deviation (ddof=0) of the last `window` values."""
    out = nan_column(values.shape[0])
    if values.shape[0] >= window:
        out[window - 1 :] = sliding_window_view(values, window).std(axis=1)
    return out


def rolling_max(values: FloatArray, window: int) -> FloatArray:
    """Return the maximum of the last `window` values (NaN for the first window-1)."""
    out = nan_column(values.shape[0])
    if values.shape[0] >= window:
        out[window - 1 :] = sliding_window_view(values, window).max(axis=1)
    return out


def rolling_min(values: FloatArray, window: int) -> FloatArray:
    """Return the minimum of the last `window` values (NaN for the first window-1)."""
    out = nan_column(values.shape[0])
    if values.shape[0] >= window:
        out[window - 1 :] = sliding_window_view(values, window).min(axis=1)
    return out


def shift(values: FloatArray, periods: int = 1) -> FloatArray:
    """Return `values` delayed by `periods` bars (NaN for the first `periods`)."""
    out = nan_column(values.shape[0])
    if values.shape[0] > periods:
        out[periods:] = values[:-periods]
    return out


def seeded_recursion(values: FloatArray, alpha: float, period: int, first: int) -> FloatArray:
    """Return y with y[first] = mean(values[first-period+1 .. first]) and then
    y[i] = y[i-1] + alpha * (values[i] - y[i-1]); NaN before `first`.

    This is the EMA (alpha = 2/(period+1)) and Wilder smoothing (alpha = 1/period), both
    seeded with the simple mean of their first `period` inputs. The recursion cannot be
    vectorised without changing its rounding, so it runs as one tight loop over Python
    floats (a list, not numpy scalars, which are ~10x slower to index).
    """
    length = values.shape[0]
    out = nan_column(length)
    if length <= first:
        return out
    seed = float(np.mean(values[first - period + 1 : first + 1]))
    result = [seed]
    append = result.append
    level = seed
    for value in values[first + 1 :].tolist():
        level += alpha * (value - level)
        append(level)
    out[first:] = result
    return out
