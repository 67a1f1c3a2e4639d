"""Read OHLCV candles from CSV: `timestamp_ms,open,high,low,close,volume`, plain decimals.

Fast path: numpy parses the file in one call (opening it by path, so its reader takes
the text in chunks rather than line by line: the text is never held whole), the price and
volume columns are made contiguous in one transposing copy, and the checks run vectorised
on them. Only when something fails is the text read whole, for a line-by-line scan that
locates the offending line for the message. The columns of an accepted file are kept in
the bar cache under the file's sha256 (`bar_cache.py`), so reading the same bytes again
skips the parse.
"""

import hashlib
import re
import warnings
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from tradekernel.adapters.data.bar_cache import load_columns, store_columns
from tradekernel.adapters.data.report import LoadedBars, build_report
from tradekernel.adapters.data.validation import COLUMNS, RawColumns, validate_bars
from tradekernel.domain.errors import DataError
from tradekernel.shared.bars import BarSeries

HEADER = ",".join(COLUMNS)
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_CHUNK_BYTES = 1 << 20
_NON_FINITE = frozenset({"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "-infinity"})


def read_csv_bars(path: Path | str, symbol: str) -> LoadedBars:
    """Load and validate one CSV file of candles.

    Gaps are reported in `LoadedBars.report`, never filled.

    Raises:
        DataError: Naming the file and 1-based line (header is line 1) of the first
            problem: unreadable file, wrong header, wrong column count, a value that is not
            a finite number, non-increasing or duplicate timestamps, inconsistent OHLC,
            non-positive price, negative volume, no data rows.
    """
    file = str(path)
    try:
        with Path(path).open("rb") as handle:
            first_line = handle.readline()
            header = first_line.removesuffix(b"\n").decode("utf-8", "replace")
            header = header.removeprefix("\ufeff").rstrip("\r")
            if not header.strip():
                raise DataError("empty file: expected the header " + HEADER, file=file, line=1)
            if header != HEADER:
                raise DataError(f"wrong header {header!r}, expected {HEADER!r}", file=file, line=1)
            fingerprint, expected_rows = _digest_and_count_rows(first_line, handle)
            if expected_rows == 0:
                raise DataError("no data rows after the header", file=file, line=2)
            # Bytes this reader has accepted before load from the cache (bar_cache.py).
            cached = load_columns(fingerprint, expected_rows)
            table = None if cached is not None else _parse(file, expected_rows)
            if cached is None and table is None:
                handle.seek(len(first_line))
                _raise_first_malformed_line(handle.read(), file)
    except OSError as error:
        raise DataError(f"cannot read file: {error.strerror or error}", file=file) from error
    if cached is not None:
        timestamps, prices = cached
        series = BarSeries(
            symbol=symbol,
            ts_ms=timestamps,
            open=prices[0],
            high=prices[1],
            low=prices[2],
            close=prices[3],
            volume=prices[4],
        )
    else:
        series = _checked_series(table, file, symbol)
        store_columns(fingerprint, series)
    return LoadedBars(
        series=series, report=build_report(file, series.ts_ms), fingerprint=fingerprint
    )


def _checked_series(table: npt.NDArray[np.float64] | None, file: str, symbol: str) -> BarSeries:
    if table is None:
        # The scan found nothing numpy rejected: report it rather than guess.
        raise DataError("unparseable content", file=file)
    # One copy makes each price and volume column contiguous (the series keeps them as
    # they are; five strided copies cost more, and strided checks are slower); the float
    # timestamps are only checked, then converted, so they stay a view of the table.
    prices = np.ascontiguousarray(table[:, 1:].T)
    raw = RawColumns(
        timestamp_ms=table[:, 0],
        open=prices[0],
        high=prices[1],
        low=prices[2],
        close=prices[3],
        volume=prices[4],
    )
    validate_bars(raw, file=file, line_of=lambda index: index + 2, unit="line")
    return raw.to_series(symbol)


def _digest_and_count_rows(first_line: bytes, body: BinaryIO) -> tuple[str, int]:
    """Return the sha256 of the whole file and the number of rows after the header.

    Read in chunks, so a large file is never held in memory as a whole; trailing line
    ends do not count as rows, a blank line inside the data does (and fails the parse).
    """
    digest = hashlib.sha256(first_line)
    newlines = trailing_newlines = 0
    has_content = False
    while chunk := body.read(_CHUNK_BYTES):
        digest.update(chunk)
        newlines += chunk.count(b"\n")
        content = chunk.rstrip(b"\r\n")
        if content:
            has_content = True
            trailing_newlines = chunk.count(b"\n", len(content))
        else:
            trailing_newlines += chunk.count(b"\n")
    rows = newlines - trailing_newlines + 1 if has_content else 0
    return digest.hexdigest(), rows


def _parse(file: str, expected_rows: int) -> npt.NDArray[np.float64] | None:
    # Given the path, numpy opens the file itself (UTF-8, strict, universal newlines as
    # before) and reads it in chunks; given a file object it would take it line by line,
    # 15 % slower. The header, checked by the caller, is the one skipped line.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            table = np.loadtxt(
                file,
                delimiter=",",
                comments=None,
                skiprows=1,
                ndmin=2,
                dtype=np.float64,
                encoding="utf-8",
            )
    except (ValueError, UnicodeDecodeError, UserWarning):
        return None
    # loadtxt skips blank lines silently; a blank line inside the data is an error.
    if table.shape != (expected_rows, len(COLUMNS)):
        return None
    return table


def _raise_first_malformed_line(body: bytes, file: str) -> None:
    lines = body.rstrip(b"\r\n").split(b"\n")
    for offset, raw_line in enumerate(lines):
        line = offset + 2
        try:
            text = raw_line.decode("utf-8").rstrip("\r")
        except UnicodeDecodeError as error:
            raise DataError("not valid UTF-8", file=file, line=line) from error
        fields = text.split(",")
        if len(fields) != len(COLUMNS):
            raise DataError(
                f"expected {len(COLUMNS)} columns, got {len(fields)}", file=file, line=line
            )
        for name, field in zip(COLUMNS, fields, strict=True):
            if _PLAIN_NUMBER.fullmatch(field.strip()):
                continue
            if field.strip().lower() in _NON_FINITE:
                raise DataError(f"{name} is not a finite number: {field!r}", file=file, line=line)
            raise DataError(f"{name} is not a number: {field!r}", file=file, line=line)
