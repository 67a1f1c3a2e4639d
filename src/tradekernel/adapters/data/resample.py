"""Build coarser bars from finer ones by exact OHLCV aggregation.

Buckets are aligned to UTC: a bucket of length T starts at a multiple of T milliseconds
since the epoch (so 1h buckets start on the hour, 1d at 00:00 UTC, and 1w on a Thursday,
the weekday of the epoch). A bucket is kept only when every one of its finer bars is
present: partial buckets at the edges, and buckets holed by a gap, are dropped and
counted. Open is the first bar's open, close the last bar's close, high the max, low the
min, volume the sum added left to right (as `sum()` would).
"""

import attrs
import numpy as np

from tradekernel.shared.bars import BarSeries


@attrs.frozen(kw_only=True)
class ResampleReport:
    """What resampling kept and dropped."""

    source_ms: int
    target_ms: int
    buckets: int
    dropped_at_edges: int
    dropped_in_gaps: int


def resample(series: BarSeries, source_ms: int, target_ms: int) -> tuple[BarSeries, ResampleReport]:
    """Return `series` (bars `source_ms` apart) aggregated into `target_ms` buckets.

    Raises:
        ValueError: `target_ms` is not a whole multiple (2 or more) of `source_ms`, or a
            bar does not open on a `source_ms` boundary.
    """
    if target_ms <= source_ms or target_ms % source_ms:
        raise ValueError(f"cannot resample bars of {source_ms} ms into {target_ms} ms buckets")
    if np.any(series.ts_ms % source_ms):
        raise ValueError(f"bars do not open on {source_ms} ms boundaries: cannot resample")
    ratio = target_ms // source_ms
    ts = series.ts_ms
    bucket = ts // target_ms * target_ms
    starts, counts = np.unique(bucket, return_counts=True)
    complete = counts == ratio
    edge = np.zeros(starts.shape[0], dtype=np.bool_)
    if starts.shape[0]:
        edge[0] = edge[-1] = True
    keep_rows = np.repeat(complete, counts)
    shape = (-1, ratio)
    grid = {
        name: getattr(series, name)[keep_rows].reshape(shape)
        for name in ("open", "high", "low", "close", "volume")
    }
    volume = grid["volume"][:, 0].copy()
    for column in range(1, ratio):
        volume += grid["volume"][:, column]
    out = BarSeries(
        symbol=series.symbol,
        ts_ms=starts[complete].astype(np.int64),
        open=np.ascontiguousarray(grid["open"][:, 0]),
        high=grid["high"].max(axis=1),
        low=grid["low"].min(axis=1),
        close=np.ascontiguousarray(grid["close"][:, -1]),
        volume=volume,
    )
    report = ResampleReport(
        source_ms=source_ms,
        target_ms=target_ms,
        buckets=int(complete.sum()),
        dropped_at_edges=int((~complete & edge).sum()),
        dropped_in_gaps=int((~complete & ~edge).sum()),
    )
    return out, report
