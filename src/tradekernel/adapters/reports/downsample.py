"""Downsampling a long curve for display without hiding its extremes."""

from itertools import pairwise

import numpy as np
import numpy.typing as npt

from tradekernel.shared.bars import FloatArray

DEFAULT_MAX_POINTS = 2_000

IndexArray = npt.NDArray[np.int64]


def min_max_indices(values: FloatArray, max_points: int = DEFAULT_MAX_POINTS) -> IndexArray:
    """Return sorted indices of at most `max_points` points that keep every bucket's extremes.

    The series is cut into `(max_points - 2) // 2` equal buckets; each keeps its minimum
    and its maximum (one point when they coincide), and the first and last points are
    always kept, so no drawdown or peak disappears from the chart.

    Raises:
        ValueError: if `max_points` is below 4.
    """
    if max_points < 4:
        raise ValueError(f"max_points must be at least 4, got {max_points}")
    count = int(values.shape[0])
    if count <= max_points:
        return np.arange(count, dtype=np.int64)
    buckets = (max_points - 2) // 2
    edges = np.linspace(0, count, buckets + 1).astype(np.int64)
    keep = [0, count - 1]
    for start, stop in pairwise(edges.tolist()):
        window = values[start:stop]
        keep.append(start + int(np.argmin(window)))
        keep.append(start + int(np.argmax(window)))
    return np.unique(np.asarray(keep, dtype=np.int64))
