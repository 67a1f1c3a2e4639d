"""Load a stored series as `LoadedBars`, with the checks of the CSV and Parquet readers."""

import hashlib

import numpy as np
import numpy.typing as npt

from tradekernel.adapters.data.bar_store import ParquetBarStore, SeriesManifest
from tradekernel.adapters.data.report import LoadedBars, build_report
from tradekernel.adapters.data.series_name import SeriesKey
from tradekernel.adapters.data.spacing import check_spacing
from tradekernel.adapters.data.validation import RawColumns, validate_bars
from tradekernel.domain.errors import DataError
from tradekernel.shared.bars import IntArray


def load_stored_bars(store: ParquetBarStore, key: SeriesKey, symbol: str) -> LoadedBars:
    """Return the stored bars of `key` as the series of `symbol`.

    The fingerprint hashes the bars themselves, so folding parts (`compact`) keeps it.

    Raises:
        DataError: nothing stored, an unreadable part, or a bar the CSV reader would refuse
            (naming the series directory and the 1-based row in time order).
    """
    stored = store.read(key)
    file = str(store.series_dir(key))
    values = stored.values
    raw = RawColumns(
        timestamp_ms=stored.timestamp_ms.astype(np.float64),
        open=np.ascontiguousarray(values[:, 0]),
        high=np.ascontiguousarray(values[:, 1]),
        low=np.ascontiguousarray(values[:, 2]),
        close=np.ascontiguousarray(values[:, 3]),
        volume=np.ascontiguousarray(values[:, 4]),
    )
    validate_bars(raw, file=file, line_of=lambda index: index + 1, unit="row")
    digest = hashlib.sha256(stored.timestamp_ms.tobytes())
    digest.update(np.ascontiguousarray(values).tobytes())
    return LoadedBars(
        series=raw.to_series(symbol),
        report=build_report(file, stored.timestamp_ms),
        fingerprint=digest.hexdigest(),
    )


def check_stored_series(store: ParquetBarStore, manifest: SeriesManifest) -> LoadedBars:
    """Validate one stored series: the reader's rules, its spacing, and its manifest.

    Raises:
        DataError: the first problem found, naming the series directory.
    """
    key = manifest.key
    loaded = load_stored_bars(store, key, key.symbol)
    check_spacing(loaded, key.timeframe, key.timeframe_ms)
    ts = loaded.series.ts_ms
    file = loaded.report.file
    if int(ts.shape[0]) != manifest.bars:
        raise DataError(
            f"the manifest counts {manifest.bars} bars, the parts hold {ts.shape[0]}", file=file
        )
    _refuse_first(ts % key.timeframe_ms != 0, f"is not on a {key.timeframe} boundary", ts, file)
    inside = np.zeros(ts.shape[0], dtype=np.bool_)
    for start, end in manifest.covered:
        inside |= (ts >= start) & (ts < end)
    _refuse_first(~inside, "lies outside the manifest's ranges", ts, file)
    return loaded


def _refuse_first(bad: "npt.NDArray[np.bool_]", what: str, ts: IntArray, file: str) -> None:
    hits = np.flatnonzero(bad)
    if hits.shape[0]:
        row = int(hits[0]) + 1
        raise DataError(f"row {row}: timestamp_ms {int(ts[row - 1])} {what}", file=file, line=row)
