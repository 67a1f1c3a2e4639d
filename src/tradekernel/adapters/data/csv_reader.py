"""Read OHLCV candles from CSV: `timestamp_ms,open,high,low,close,volume`, plain decimals.

Fast path: numpy parses the whole text at once and the checks run vectorised. Only when
something fails does a line-by-line scan locate the offending line for the message.
"""

import hashlib
import io
import re
import warnings
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tradekernel.adapters.data.report import LoadedBars, build_report
from tradekernel.adapters.data.validation import COLUMNS, RawColumns, validate_bars
from tradekernel.domain.errors import DataError

HEADER = ",".join(COLUMNS)
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
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
        data = Path(path).read_bytes()
    except OSError as error:
        raise DataError(f"cannot read file: {error.strerror or error}", file=file) from error
    fingerprint = hashlib.sha256(data).hexdigest()
    header_end = data.find(b"\n")
    header = (data if header_end < 0 else data[:header_end]).decode("utf-8", "replace")
    header = header.removeprefix("\ufeff").rstrip("\r")
    if not header.strip():
        raise DataError("empty file: expected the header " + HEADER, file=file, line=1)
    if header != HEADER:
        raise DataError(f"wrong header {header!r}, expected {HEADER!r}", file=file, line=1)
    body = b"" if header_end < 0 else data[header_end + 1 :]
    expected_rows = _count_rows(body)
    if expected_rows == 0:
        raise DataError("no data rows after the header", file=file, line=2)
    table = _parse(body, expected_rows)
    if table is None:
        _raise_first_malformed_line(body, file)
        # The scan found nothing numpy rejected: report it rather than guess.
        raise DataError("unparseable content", file=file)
    raw = RawColumns(
        timestamp_ms=table[:, 0],
        open=table[:, 1],
        high=table[:, 2],
        low=table[:, 3],
        close=table[:, 4],
        volume=table[:, 5],
    )
    validate_bars(raw, file=file, line_of=lambda index: index + 2, unit="line")
    series = raw.to_series(symbol)
    return LoadedBars(
        series=series, report=build_report(file, series.ts_ms), fingerprint=fingerprint
    )


def _count_rows(body: bytes) -> int:
    stripped = body.rstrip(b"\r\n")
    if not stripped:
        return 0
    return stripped.count(b"\n") + 1


def _parse(body: bytes, expected_rows: int) -> npt.NDArray[np.float64] | None:
    text = io.TextIOWrapper(io.BytesIO(body), encoding="utf-8", errors="strict")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            table = np.loadtxt(
                text, delimiter=",", comments=None, ndmin=2, dtype=np.float64, encoding=None
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
