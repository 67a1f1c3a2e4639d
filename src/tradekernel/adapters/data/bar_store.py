"""A local store of bar series: Parquet part files plus a manifest per series.

Layout under the store directory (Hive-style partitions, readable by any Parquet tool):

    exchange=binance/market=spot/timeframe=1m/symbol=BTC-USDT/
        manifest.json                       covered ranges, known gaps, bar count
        part-<first_ts>-<last_ts>.parquet   columns timestamp_ms, open, high, low, close, volume

A perpetual's mark-price bars live under `price=mark/` with the same layout below it, so a
reader of the traded bars never picks them up.

Every write is a new file renamed into place, then the manifest is rewritten the same way:
a run killed at any point leaves every file it finished readable. A part written but not
yet in the manifest only means its range is fetched again; readers drop the identical
duplicate rows that leaves. `compact` folds the parts into one file.
"""

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from tradekernel.adapters.data.series_name import MARK_PRICE, TRADE_PRICE, SeriesKey
from tradekernel.adapters.data.store_files import (
    fold_parts,
    ranges,
    read_manifest,
    replace_durably,
    symbol_dir,
    write_manifest,
)
from tradekernel.adapters.data.time_ranges import TimeRange, merge_ranges, missing_bar_ranges
from tradekernel.adapters.data.validation import COLUMNS
from tradekernel.domain.errors import DataError
from tradekernel.shared.bars import FloatArray, IntArray

DEFAULT_STORE = Path("data")
MANIFEST = "manifest.json"
_SERIES_GLOB = f"exchange=*/market=*/timeframe=*/symbol=*/{MANIFEST}"
_MARK_DIR = f"price={MARK_PRICE}"


@attrs.frozen(kw_only=True)
class SeriesManifest:
    """What the store holds of one series: the ranges fetched and the bars missing in them."""

    key: SeriesKey
    covered: tuple[TimeRange, ...] = ()
    gaps: tuple[TimeRange, ...] = ()
    bars: int = 0

    @property
    def missing_bars(self) -> int:
        step = self.key.timeframe_ms
        return sum((end - start) // step for start, end in self.gaps)


@attrs.frozen(kw_only=True, eq=False)
class StoredColumns:
    """The bars of a series, sorted by time, identical duplicates dropped."""

    timestamp_ms: IntArray
    values: FloatArray  # shape (n, 5): open, high, low, close, volume

    @property
    def rows(self) -> int:
        return int(self.timestamp_ms.shape[0])


class ParquetBarStore:
    """Read and write bar series under one directory (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def of_series_dir(cls, path: Path) -> "tuple[ParquetBarStore, SeriesKey] | None":
        """Return the store and key of a series directory (one holding a manifest), or None.

        Raises:
            DataError: the manifest exists but cannot be read.
        """
        if not (path / MANIFEST).is_file():
            return None
        key = _read_manifest(path / MANIFEST).key
        return cls(path.parents[4 if key.price == MARK_PRICE else 3]), key

    def series_dir(self, key: SeriesKey) -> Path:
        base = self.root / _MARK_DIR if key.price == MARK_PRICE else self.root
        return (
            base
            / f"exchange={key.exchange}"
            / f"market={key.market_type}"
            / f"timeframe={key.timeframe}"
            / f"symbol={symbol_dir(key.symbol)}"
        )

    def manifest(self, key: SeriesKey) -> SeriesManifest:
        """Return the series' manifest, empty if nothing is stored.

        Raises:
            DataError: the manifest exists but cannot be read.
        """
        path = self.series_dir(key) / MANIFEST
        if not path.is_file():
            return SeriesManifest(key=key)
        return _read_manifest(path)

    def manifests(self) -> Iterator[SeriesManifest]:
        """Yield the manifest of every stored series, sorted by name.

        Raises:
            DataError: a manifest cannot be read.
        """
        paths = [*self.root.glob(_SERIES_GLOB), *(self.root / _MARK_DIR).glob(_SERIES_GLOB)]
        found = [_read_manifest(path) for path in paths]
        yield from sorted(found, key=lambda m: m.key.name)

    def append(
        self,
        key: SeriesKey,
        timestamp_ms: Sequence[int],
        values: Sequence[Sequence[float]],
        span: TimeRange,
    ) -> SeriesManifest:
        """Store bars fetched for `span` (half-open) and mark `span` covered.

        Bars absent from `span` are recorded as gaps. Returns the new manifest.

        Raises:
            DataError: a bar lies outside `span`, or the store cannot be written.
        """
        ts = np.asarray(timestamp_ms, dtype=np.int64)
        if ts.shape[0] and (int(ts[0]) < span[0] or int(ts[-1]) >= span[1]):
            raise DataError(f"bars outside the range {span} given for them", file=key.name)
        directory = self.series_dir(key)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            if ts.shape[0]:
                table = np.asarray(values, dtype=np.float64).reshape(-1, 5)
                _write_part(directory / f"part-{ts[0]}-{ts[-1]}.parquet", ts, table)
        except OSError as error:
            raise DataError(f"cannot write the store: {error}", file=str(directory)) from error
        old = self.manifest(key)
        new = SeriesManifest(
            key=key,
            covered=tuple(merge_ranges([*old.covered, span])),
            gaps=tuple(merge_ranges([*old.gaps, *missing_bar_ranges(span, ts, key.timeframe_ms)])),
            bars=old.bars + int(ts.shape[0]),
        )
        _write_manifest(directory / MANIFEST, new)
        return new

    def read(self, key: SeriesKey) -> StoredColumns:
        """Return every stored bar of the series.

        Raises:
            DataError: nothing is stored, or a part cannot be read.
        """
        parts = sorted(self.series_dir(key).glob("*.parquet"))
        if not parts:
            raise DataError(
                f"no bars stored for {key.name} (download them: tradekernel data download)",
                file=str(self.root),
            )
        chunks = [_read_part(path) for path in parts]
        ts = np.concatenate([chunk[0] for chunk in chunks])
        values = np.concatenate([chunk[1] for chunk in chunks])
        order = np.argsort(ts, kind="stable")
        ts, values = ts[order], values[order]
        repeat = np.zeros(ts.shape[0], dtype=np.bool_)
        repeat[1:] = (ts[1:] == ts[:-1]) & np.all(values[1:] == values[:-1], axis=1)
        return StoredColumns(timestamp_ms=ts[~repeat], values=values[~repeat])

    def compact(self, key: SeriesKey) -> None:
        """Fold the series' part files into one (no-op for one part or none).

        Raises:
            DataError: a part cannot be read or the new file cannot be written.
        """
        directory = self.series_dir(key)
        if len(list(directory.glob("*.parquet"))) < 2:
            return
        stored = self.read(key)
        ts = stored.timestamp_ms
        fold_parts(directory, ts[0], ts[-1], lambda target: _write_part(target, ts, stored.values))


def _write_part(path: Path, ts: IntArray, values: FloatArray) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = [pa.array(ts, type=pa.int64())]
    arrays += [pa.array(values[:, index], type=pa.float64()) for index in range(5)]
    temporary = path.with_name(f".{path.name}.tmp")
    pq.write_table(pa.table(arrays, names=list(COLUMNS)), temporary)
    replace_durably(temporary, path)


def _read_part(path: Path) -> tuple[IntArray, FloatArray]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path, columns=list(COLUMNS))
        ts = np.asarray(table.column("timestamp_ms").to_numpy(), dtype=np.int64)
        values = np.column_stack(
            [np.asarray(table.column(n).to_numpy(), dtype=np.float64) for n in COLUMNS[1:]]
        )
    except Exception as error:  # pyarrow raises its own ArrowInvalid for corrupt files
        raise DataError(f"not a readable bar file: {error}", file=str(path)) from error
    return ts, values.reshape(-1, 5)


def _write_manifest(path: Path, manifest: SeriesManifest) -> None:
    key = manifest.key
    fields = {
        "exchange": key.exchange,
        "market_type": key.market_type,
        "timeframe": key.timeframe,
        "symbol": key.symbol,
        **({"price": key.price} if key.price != TRADE_PRICE else {}),
        "bars": manifest.bars,
    }
    write_manifest(path, fields, manifest.covered, manifest.gaps)


def _read_manifest(path: Path) -> SeriesManifest:
    return read_manifest(path, _manifest_of)


def _manifest_of(document: dict[str, Any]) -> SeriesManifest:
    key = SeriesKey(
        exchange=str(document["exchange"]),
        symbol=str(document["symbol"]),
        timeframe=str(document["timeframe"]),
        price=str(document.get("price", TRADE_PRICE)),
    )
    return SeriesManifest(
        key=key,
        covered=ranges(document, "covered"),
        gaps=ranges(document, "gaps"),
        bars=int(document["bars"]),
    )
