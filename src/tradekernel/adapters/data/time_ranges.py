"""Half-open epoch-ms ranges `(start, end)`: merge, subtract, and the missing bars of a range."""

from collections.abc import Iterable, Sequence

import numpy as np

from tradekernel.shared.bars import IntArray

TimeRange = tuple[int, int]


def merge_ranges(ranges: Iterable[TimeRange]) -> list[TimeRange]:
    """Return the ranges sorted, with overlapping or touching ones joined; empty ones dropped."""
    merged: list[TimeRange] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def subtract_ranges(wanted: TimeRange, covered: Sequence[TimeRange]) -> list[TimeRange]:
    """Return the parts of `wanted` outside every range of `covered` (merged, sorted)."""
    start, end = wanted
    missing: list[TimeRange] = []
    cursor = start
    for low, high in merge_ranges(covered):
        if high <= cursor or low >= end:
            continue
        if low > cursor:
            missing.append((cursor, low))
        cursor = max(cursor, high)
    if cursor < end:
        missing.append((cursor, end))
    return missing


def missing_bar_ranges(span: TimeRange, ts_ms: IntArray, step_ms: int) -> list[TimeRange]:
    """Return the runs of bar opens in `span` (aligned to `step_ms`) that `ts_ms` lacks."""
    start, end = span
    first = -(-start // step_ms) * step_ms
    expected = np.arange(first, end, step_ms, dtype=np.int64)
    absent = expected[~np.isin(expected, ts_ms)]
    runs: list[TimeRange] = []
    for value in absent.tolist():
        if runs and runs[-1][1] == value:
            runs[-1] = (runs[-1][0], value + step_ms)
        else:
            runs.append((value, value + step_ms))
    return runs
