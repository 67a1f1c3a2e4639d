"""`--start` and `--end`: cut each symbol's bars to a window of time before a run uses them."""

from collections.abc import Sequence

import attrs

from tradekernel.adapters.data.report import LoadedBars, build_report
from tradekernel.domain.errors import ConfigError
from tradekernel.shared.utc_time import utc_text


def window_text(start_ms: int | None, end_ms: int | None) -> str:
    """Return the window as a person reads it (`2024-01-01T00:00:00Z .. (end of data)`)."""
    start = "(start of data)" if start_ms is None else utc_text(start_ms)
    end = "(end of data)" if end_ms is None else utc_text(end_ms)
    return f"{start} .. {end}"


def cut_to_window(
    data: Sequence[LoadedBars], start_ms: int | None, end_ms: int | None
) -> tuple[LoadedBars, ...]:
    """Return each symbol's bars with open time in `[start_ms, end_ms)`; None is unbounded.

    Raises:
        ConfigError: if the window is empty (`--start` not before `--end`) or a symbol has
            no bar inside it (the message names the data's own range).
    """
    if start_ms is None and end_ms is None:
        return tuple(data)
    if start_ms is not None and end_ms is not None and start_ms >= end_ms:
        raise ConfigError(
            f"--start {utc_text(start_ms)} is not before --end {utc_text(end_ms)}",
            path="--start",
        )
    cut: list[LoadedBars] = []
    for loaded in data:
        series = loaded.series
        first = 0 if start_ms is None else int(series.ts_ms.searchsorted(start_ms, side="left"))
        stop = len(series) if end_ms is None else int(series.ts_ms.searchsorted(end_ms, "left"))
        if stop <= first:
            covers = (
                f"{utc_text(int(series.ts_ms[0]))} .. {utc_text(int(series.ts_ms[-1]))}"
                if len(series)
                else "no bars"
            )
            raise ConfigError(
                f"no bar of {series.symbol} in {window_text(start_ms, end_ms)}; "
                f"{loaded.report.file} covers {covers}",
                path="--start" if start_ms is not None else "--end",
            )
        window = series.window(first, stop)
        cut.append(
            attrs.evolve(
                loaded,
                series=window,
                report=build_report(loaded.report.file, window.ts_ms),
                start_ms=start_ms,
                end_ms=end_ms,
            )
        )
    return tuple(cut)
