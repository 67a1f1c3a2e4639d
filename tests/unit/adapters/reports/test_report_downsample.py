"""Min/max downsampling of long curves for the report charts."""

from itertools import pairwise

import numpy as np
import pytest

from tradekernel.adapters.reports.downsample import min_max_indices


def test_min_max_downsampling_keeps_global_extremes_and_bounds_the_count() -> None:
    rng = np.random.default_rng(7)
    values = np.cumsum(rng.normal(size=100_000)) + 1_000.0
    keep = min_max_indices(values, 2_000)
    assert len(keep) <= 2_000
    assert keep[0] == 0 and keep[-1] == len(values) - 1
    assert int(np.argmin(values)) in keep and int(np.argmax(values)) in keep
    assert np.all(np.diff(keep) > 0)
    # Every bucket's extremes survive: the kept minimum over any bucket is its true minimum.
    edges = np.linspace(0, len(values), 999 + 1).astype(np.int64)
    for start, stop in pairwise(edges.tolist()):
        inside = keep[(keep >= start) & (keep < stop)]
        assert values[inside].min() == values[start:stop].min()
        assert values[inside].max() == values[start:stop].max()


def test_short_series_are_not_downsampled() -> None:
    assert list(min_max_indices(np.arange(10, dtype=np.float64), 2_000)) == list(range(10))


def test_constant_series_keeps_one_point_per_bucket_and_the_last() -> None:
    keep = min_max_indices(np.full(10_000, 5.0), 100)
    assert len(keep) == 49 + 1  # (100 - 2) // 2 buckets, each min == max at its start


def test_too_few_points_requested_is_refused() -> None:
    with pytest.raises(ValueError, match="max_points"):
        min_max_indices(np.arange(10, dtype=np.float64), 3)
