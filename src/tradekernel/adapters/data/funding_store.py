"""A perpetual's funding-rate history in the store: Parquet parts plus a manifest.

Layout under the store directory, beside the bar series (Hive-style partitions):

    funding/exchange=binanceusdm/market=swap/interval=8h/symbol=XRP-USDT_USDT/
        manifest.json                     covered funding times, those missing, rate count
        part-<first>-<last>.parquet       funding_time_ms (int64), timestamp_ms (int64),
                                          rate (string: the exact decimal)

`timestamp_ms` is the venue's stamp, `funding_time_ms` that stamp floored to the interval
(the key of `adapters/backtest/funding.py::FundingSchedule`). Rates are decimal strings, so
what is read back equals what was downloaded, digit for digit. Writes are atomic and
resumable exactly as in `bar_store.py`.
"""

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from tradekernel.adapters.data.store_files import (
    fold_parts,
    ranges,
    read_manifest,
    replace_durably,
    symbol_dir,
    write_manifest,
)
from tradekernel.adapters.data.time_ranges import TimeRange, merge_ranges, missing_bar_ranges
from tradekernel.domain.errors import DataError
from tradekernel.domain.perpetuals import FundingRate
from tradekernel.domain.timeframes import TIMEFRAME_MS
from tradekernel.shared.bars import IntArray

FUNDING_DIR = "funding"
FUNDING_COLUMNS = ("funding_time_ms", "timestamp_ms", "rate")
_MANIFEST = "manifest.json"


@attrs.frozen(kw_only=True)
class FundingKey:
    """One stored funding history: exchange, perpetual symbol and funding interval."""

    exchange: str
    symbol: str
    interval: str

    @property
    def interval_ms(self) -> int:
        return TIMEFRAME_MS[self.interval]

    @property
    def name(self) -> str:
        return f"{self.exchange}:{self.symbol} funding {self.interval}"


@attrs.frozen(kw_only=True)
class FundingManifest:
    """The funding times fetched (`covered`), those the venue lacks there, the rate count."""

    key: FundingKey
    covered: tuple[TimeRange, ...] = ()
    gaps: tuple[TimeRange, ...] = ()
    rates: int = 0

    @property
    def missing_times(self) -> int:
        step = self.key.interval_ms
        return sum((end - start) // step for start, end in self.gaps)


@attrs.frozen(kw_only=True, eq=False)
class StoredFunding:
    """Every stored funding event, sorted by funding time, identical duplicates dropped."""

    funding_time_ms: IntArray
    timestamp_ms: IntArray
    rates: tuple[str, ...]


class ParquetFundingStore:
    """Read and write funding histories under a store directory (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def series_dir(self, key: FundingKey) -> Path:
        return (
            self.root
            / FUNDING_DIR
            / f"exchange={key.exchange}"
            / "market=swap"
            / f"interval={key.interval}"
            / f"symbol={symbol_dir(key.symbol)}"
        )

    def manifest(self, key: FundingKey) -> FundingManifest:
        """Return the history's manifest, empty if nothing is stored.

        Raises:
            DataError: the manifest exists but cannot be read.
        """
        path = self.series_dir(key) / _MANIFEST
        return _read_funding_manifest(path) if path.is_file() else FundingManifest(key=key)

    def manifests(self) -> Iterator[FundingManifest]:
        """Yield the manifest of every stored funding history, sorted by name.

        Raises:
            DataError: a manifest cannot be read.
        """
        pattern = f"exchange=*/market=*/interval=*/symbol=*/{_MANIFEST}"
        found = [_read_funding_manifest(path) for path in (self.root / FUNDING_DIR).glob(pattern)]
        yield from sorted(found, key=lambda m: m.key.name)

    def append(
        self, key: FundingKey, rates: Sequence[FundingRate], span: TimeRange
    ) -> FundingManifest:
        """Store funding events fetched for `span` (half-open, in funding times) and mark
        `span` covered; funding times absent from `span` are recorded as gaps.

        Raises:
            DataError: an event lies outside `span`, two fall in one interval, or the store
                cannot be written.
        """
        step = key.interval_ms
        stamps = np.asarray([rate.ts_ms for rate in rates], dtype=np.int64)
        times = stamps - stamps % step
        if times.shape[0] and (int(times.min()) < span[0] or int(times.max()) >= span[1]):
            raise DataError(f"funding outside the range {span} given for it", file=key.name)
        if np.unique(times).shape[0] != times.shape[0]:
            raise DataError(
                f"two funding events in one {key.interval} interval: the venue pays funding "
                "more often (pass a shorter --funding-interval)",
                file=key.name,
            )
        directory = self.series_dir(key)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            if times.shape[0]:
                texts = tuple(str(rate.rate) for rate in rates)
                part = directory / f"part-{times[0]}-{times[-1]}.parquet"
                _write_funding_part(part, times, stamps, texts)
        except OSError as error:
            raise DataError(f"cannot write the store: {error}", file=str(directory)) from error
        old = self.manifest(key)
        new = FundingManifest(
            key=key,
            covered=tuple(merge_ranges([*old.covered, span])),
            gaps=tuple(merge_ranges([*old.gaps, *missing_bar_ranges(span, times, step)])),
            rates=old.rates + int(times.shape[0]),
        )
        _write_funding_manifest(directory / _MANIFEST, new)
        return new

    def read(self, key: FundingKey) -> StoredFunding:
        """Return every stored funding event of the history.

        Raises:
            DataError: nothing is stored, or a part cannot be read.
        """
        parts = sorted(self.series_dir(key).glob("*.parquet"))
        if not parts:
            raise DataError(
                f"no funding rates stored for {key.name} "
                "(download them: tradekernel data download --funding)",
                file=str(self.root),
            )
        rows = sorted({row for path in parts for row in _read_funding_part(path)})
        return StoredFunding(
            funding_time_ms=np.asarray([row[0] for row in rows], dtype=np.int64),
            timestamp_ms=np.asarray([row[1] for row in rows], dtype=np.int64),
            rates=tuple(row[2] for row in rows),
        )

    def compact(self, key: FundingKey) -> None:
        """Fold the history's part files into one (no-op for one part or none).

        Raises:
            DataError: a part cannot be read or the new file cannot be written.
        """
        directory = self.series_dir(key)
        if len(list(directory.glob("*.parquet"))) < 2:
            return
        stored = self.read(key)
        times = stored.funding_time_ms
        fold_parts(
            directory,
            times[0],
            times[-1],
            lambda target: _write_funding_part(target, times, stored.timestamp_ms, stored.rates),
        )


def _write_funding_part(
    path: Path, times: IntArray, stamps: IntArray, rates: Sequence[str]
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = [pa.array(times, type=pa.int64()), pa.array(stamps, type=pa.int64())]
    arrays.append(pa.array(list(rates), type=pa.string()))
    temporary = path.with_name(f".{path.name}.tmp")
    pq.write_table(pa.table(arrays, names=list(FUNDING_COLUMNS)), temporary)
    replace_durably(temporary, path)


def _read_funding_part(path: Path) -> list[tuple[int, int, str]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path, columns=list(FUNDING_COLUMNS))
        columns = [table.column(name).to_pylist() for name in FUNDING_COLUMNS]
        rows = [(int(t), int(s), str(r)) for t, s, r in zip(*columns, strict=True)]
    except Exception as error:  # pyarrow raises its own ArrowInvalid for corrupt files
        raise DataError(f"not a readable funding file: {error}", file=str(path)) from error
    return rows


def _write_funding_manifest(path: Path, manifest: FundingManifest) -> None:
    key = manifest.key
    fields = {
        "exchange": key.exchange,
        "market_type": "swap",
        "interval": key.interval,
        "symbol": key.symbol,
        "rates": manifest.rates,
    }
    write_manifest(path, fields, manifest.covered, manifest.gaps)


def _read_funding_manifest(path: Path) -> FundingManifest:
    return read_manifest(path, _funding_manifest_of)


def _funding_manifest_of(document: dict[str, Any]) -> FundingManifest:
    interval = str(document["interval"])
    TIMEFRAME_MS[interval]
    key = FundingKey(
        exchange=str(document["exchange"]), symbol=str(document["symbol"]), interval=interval
    )
    return FundingManifest(
        key=key,
        covered=ranges(document, "covered"),
        gaps=ranges(document, "gaps"),
        rates=int(document["rates"]),
    )
