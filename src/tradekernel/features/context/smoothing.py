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

# Values per block of the vectorised linear recursion (see `linear_filter`).
BLOCK = 128


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
    y[i] = (1 - alpha) * y[i-1] + alpha * values[i]; NaN before `first`.

    This is the EMA (alpha = 2/(period+1)) and Wilder smoothing (alpha = 1/period), both
    seeded with the simple mean of their first `period` inputs.
    """
    length = values.shape[0]
    out = nan_column(length)
    if length <= first:
        return out
    seed = float(np.mean(values[first - period + 1 : first + 1]))
    out[first] = seed
    if length > first + 1:
        out[first + 1 :] = linear_filter(values[first + 1 :], alpha, seed)
    return out


def linear_filter(values: FloatArray, alpha: float, initial: float) -> FloatArray:
    """Return y[i] = (1 - alpha) * y[i-1] + alpha * values[i], with y[-1] = `initial`.

    Vectorised by blocks of `BLOCK` values. Inside a block starting at s,
    y[s+j] = r^(j+1) y[s-1] + r^j * sum_k<=j (alpha x[s+k] r^-k) with r = 1 - alpha: the
    sum is one `cumsum` per block row, and only the carry y[s-1] between blocks is a Python
    loop (n / BLOCK steps). Blocks always start at the same offsets and `cumsum` adds
    left to right, so each value is bitwise the same whatever the input length
    (prefix-stable). The scaled terms grow by at most r^-BLOCK (< 1e62 for alpha <= 2/3),
    far from overflow, and every addend is weighted as in the plain recursion, so the
    result agrees with it to ~BLOCK ulps.
    """
    decay = 1.0 - alpha
    if decay == 0.0:
        return values.astype(np.float64, copy=True)
    length = values.shape[0]
    blocks = -(-length // BLOCK)
    padded = np.zeros(blocks * BLOCK, dtype=np.float64)
    padded[:length] = values
    steps = np.arange(BLOCK, dtype=np.float64)
    within = np.cumsum(padded.reshape(blocks, BLOCK) * (alpha * decay**-steps), axis=1)
    within *= decay**steps
    carry = np.empty(blocks, dtype=np.float64)
    level = initial
    block_decay = decay**BLOCK
    for index, block_end in enumerate(within[:, -1].tolist()):
        carry[index] = level
        level = block_decay * level + block_end
    result = within + carry[:, np.newaxis] * decay ** (steps + 1.0)
    return result.reshape(-1)[:length]
