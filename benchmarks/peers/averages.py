"""The simple moving average every side of `make bench-peers` decides on.

tradekernel's `sma` worker takes numpy's mean over a sliding window. pandas' and vectorbt's
rolling means keep a running sum instead, which rounds differently: on the 1M benchmark
bars fast - slow is exactly zero on 10 bars, and there float rounding alone decides
whether a cross happened (19,392 trades against our 19,391, the first different one the
7,635th). The peers use this function, so every side sees the same floats and a
difference in the trade lists means a difference in fills, fees or timing.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray


def sma(values: NDArray[np.float64], period: int) -> NDArray[np.float64]:
    """Return the mean of the last `period` values at every index (NaN before that)."""
    values = np.asarray(values, dtype=np.float64)
    out = np.full(values.shape[0], np.nan)
    if values.shape[0] >= period:
        out[period - 1 :] = sliding_window_view(values, period).mean(axis=1)
    return out
