"""Check loaded bars against the blueprint's timeframe: the timestamp unit and the bar spacing.

Timestamps must be epoch milliseconds. A file in seconds, microseconds or nanoseconds is
recognised by its spacing: bars one timeframe apart in another unit are a whole power of
1000 away from the timeframe in milliseconds. Judging by the spacing, not by the size of
the first timestamp, keeps small synthetic timestamps (1000, 2000, ...) valid whenever
their spacing matches the timeframe. Microseconds and nanoseconds of real dates are also
caught by magnitude in `validation.py`.
"""

from pathlib import Path

import numpy as np

from tradekernel.adapters.data.report import LoadedBars
from tradekernel.domain.errors import DataError
from tradekernel.domain.timeframes import timeframe_name

_UNITS = (("seconds", 1000), ("microseconds", 1 / 1000), ("nanoseconds", 1 / 1_000_000))


def check_spacing(loaded: LoadedBars, timeframe: str, timeframe_ms: int) -> None:
    """Refuse bars whose usual spacing is not the blueprint's timeframe.

    Gaps (whole multiples of the timeframe) stay allowed; they are reported, not filled.

    Raises:
        DataError: naming the file and the line of the first bar of the usual spacing, and
            the unit the timestamps seem to be in when the spacing is a power of 1000 off.
    """
    report = loaded.report
    interval = report.interval_ms
    if report.rows < 2 or interval == timeframe_ms:
        return
    steps = np.diff(loaded.series.ts_ms)
    index = int(np.flatnonzero(steps == interval)[0]) + 1
    csv = Path(report.file).suffix.lower() == ".csv"
    line = index + 2 if csv else index + 1
    prefix = "" if csv else f"row {line}: "
    for unit, factor in _UNITS:
        if interval * factor == timeframe_ms:
            raise DataError(
                f"{prefix}timestamps look like {unit}: bars are {interval} apart, and one "
                f"{timeframe} bar is {timeframe_ms} ms; timestamp_ms must be epoch milliseconds",
                file=report.file,
                line=line,
            )
    raise DataError(
        f"{prefix}bars are {timeframe_name(interval)} apart, the blueprint's timeframe is "
        f"{timeframe}: resample the data, or set blueprint.timeframe to match it",
        file=report.file,
        line=line,
    )
