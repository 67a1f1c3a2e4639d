"""What a reader found in a file: size, time range, bar interval and gaps (never filled)."""

import attrs
import numpy as np

from tradekernel.adapters.data.resample import ResampleReport
from tradekernel.shared.bars import BarSeries, IntArray

MAX_GAP_POSITIONS = 10


@attrs.frozen(kw_only=True)
class GapRun:
    """Consecutive missing bars: `missing` bars absent after the bar at `after_ts_ms`."""

    after_ts_ms: int
    resume_ts_ms: int
    missing: int


@attrs.frozen(kw_only=True)
class DataReport:
    """A summary of one loaded file.

    `interval_ms` is the most common step between consecutive bars (0 for fewer than two
    bars). A step of k intervals counts as k - 1 missing bars; a step that is not a whole
    number of intervals counts as irregular (its whole intervals still count as missing).
    """

    file: str
    rows: int
    first_ts_ms: int
    last_ts_ms: int
    interval_ms: int
    missing_bars: int
    gap_runs: int
    longest_gap: int
    irregular_steps: int
    first_gaps: tuple[GapRun, ...] = ()

    @property
    def is_contiguous(self) -> bool:
        return self.missing_bars == 0 and self.irregular_steps == 0


@attrs.frozen(kw_only=True, eq=False)
class LoadedBars:
    """Bars of one source with their report and `fingerprint` (sha256 hex of the file bytes,
    or of the bars for a stored series).

    `start_ms` and `end_ms` are the `--start`/`--end` window the bars were cut to (start
    inclusive, end exclusive), None where the source was not cut.
    """

    series: BarSeries
    report: DataReport
    fingerprint: str
    start_ms: int | None = None
    end_ms: int | None = None
    # Set when the bars were aggregated from finer ones to the blueprint's timeframe.
    resampled: ResampleReport | None = None


def build_report(file: str, ts_ms: IntArray) -> DataReport:
    """Summarise strictly increasing timestamps (validated by the caller)."""
    rows = int(ts_ms.shape[0])
    if rows < 2:
        first = int(ts_ms[0]) if rows else 0
        return DataReport(
            file=file,
            rows=rows,
            first_ts_ms=first,
            last_ts_ms=first,
            interval_ms=0,
            missing_bars=0,
            gap_runs=0,
            longest_gap=0,
            irregular_steps=0,
        )
    steps = np.diff(ts_ms)
    values, counts = np.unique(steps, return_counts=True)
    # np.unique sorts, so argmax picks the smallest of equally common steps: deterministic.
    interval = int(values[int(np.argmax(counts))])
    missing_per_step = steps // interval - 1
    irregular = int(np.count_nonzero(steps % interval))
    gap_idx = np.flatnonzero(missing_per_step > 0)
    first_gaps = tuple(
        GapRun(
            after_ts_ms=int(ts_ms[i]),
            resume_ts_ms=int(ts_ms[i + 1]),
            missing=int(missing_per_step[i]),
        )
        for i in gap_idx[:MAX_GAP_POSITIONS]
    )
    return DataReport(
        file=file,
        rows=rows,
        first_ts_ms=int(ts_ms[0]),
        last_ts_ms=int(ts_ms[-1]),
        interval_ms=interval,
        missing_bars=int(missing_per_step[gap_idx].sum()),
        gap_runs=int(gap_idx.shape[0]),
        longest_gap=int(missing_per_step[gap_idx].max()) if gap_idx.shape[0] else 0,
        irregular_steps=irregular,
        first_gaps=first_gaps,
    )
