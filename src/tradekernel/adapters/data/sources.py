"""Load bars from a file or from the store by name, fitted to a blueprint's timeframe.

A source is a path to a `.csv` or `.parquet` file, a store name
`EXCHANGE:SYMBOL:TIMEFRAME` (`binance:BTC/USDT:1m`) read from the store directory, or a
series directory of a store (what a run records as the path of its stored bars, so
`replay` finds them again). An existing file wins over a name of the same spelling.
"""

from pathlib import Path

import attrs

from tradekernel.adapters.data.loader import load_bars
from tradekernel.adapters.data.report import LoadedBars, build_report
from tradekernel.adapters.data.resample import resample
from tradekernel.adapters.data.series_name import looks_like_series_name, parse_series_name
from tradekernel.adapters.data.spacing import check_spacing
from tradekernel.domain.timeframes import TIMEFRAME_MS


def is_store_source(source: Path | str) -> bool:
    """Return whether `source` reads from the store: not a file, shaped like a store name."""
    return not Path(source).is_file() and looks_like_series_name(str(source))


def load_source(source: Path | str, symbol: str, *, store: Path | None = None) -> LoadedBars:
    """Load a file, a series directory, or a store name from `store` (default `./data`).

    Raises:
        DataError: the file or the stored series is missing or refused by the readers.
    """
    if not Path(source).is_dir() and not is_store_source(source):
        return load_bars(source, symbol)
    # Imported here: a run on a file (the usual backtest) never reads the store, and its
    # modules are start-up time of every run.
    from tradekernel.adapters.data.bar_store import DEFAULT_STORE, ParquetBarStore
    from tradekernel.adapters.data.store_reader import load_stored_bars

    found = ParquetBarStore.of_series_dir(Path(source)) if Path(source).is_dir() else None
    if found is not None:
        return load_stored_bars(found[0], found[1], symbol)
    if is_store_source(source):
        key = parse_series_name(str(source))
        return load_stored_bars(ParquetBarStore(store or DEFAULT_STORE), key, symbol)
    return load_bars(source, symbol)


def fit_to_timeframe(loaded: LoadedBars, timeframe: str, timeframe_ms: int) -> LoadedBars:
    """Return bars spaced by the timeframe: as loaded, or resampled from finer known bars.

    Finer bars (a known timeframe dividing the blueprint's) are aggregated exactly (see
    `resample.py`); `LoadedBars.resampled` then reports the dropped partial buckets.

    Raises:
        DataError: bars in another unit, coarser, or not dividing the timeframe.
    """
    interval = loaded.report.interval_ms
    finer = interval in TIMEFRAME_MS.values() and interval < timeframe_ms
    if not finer or timeframe_ms % interval or loaded.series.ts_ms[0] % interval:
        check_spacing(loaded, timeframe, timeframe_ms)
        return loaded
    series, report = resample(loaded.series, interval, timeframe_ms)
    return attrs.evolve(
        loaded,
        series=series,
        report=build_report(loaded.report.file, series.ts_ms),
        resampled=report,
    )
