"""Read OHLCV candles from Parquet (pyarrow), with the same checks as the CSV reader.

Messages name the 1-based row (`row N`, also the DataError line): Parquet has no header.
"""

import hashlib
from pathlib import Path
from typing import Any

import numpy as np

from tradekernel.adapters.data.report import LoadedBars, build_report
from tradekernel.adapters.data.validation import COLUMNS, RawColumns, validate_bars
from tradekernel.domain.errors import DataError
from tradekernel.shared.bars import FloatArray


def read_parquet_bars(path: Path | str, symbol: str) -> LoadedBars:
    """Load and validate one Parquet file with the columns of the CSV format.

    Raises:
        DataError: Naming the file (and the 1-based row) of the first problem: pyarrow
            missing, unreadable file, missing column, null or non-numeric values, and every
            check the CSV reader applies.
    """
    file = str(path)
    try:
        import pyarrow.parquet as pq
    except ImportError as error:  # pragma: no cover - pyarrow ships with the dev extra
        raise DataError("reading Parquet needs pyarrow (extra 'parquet')", file=file) from error
    try:
        data = Path(path).read_bytes()
        table = pq.read_table(path)
    except OSError as error:
        raise DataError(f"cannot read Parquet file: {error}", file=file) from error
    except Exception as error:  # pyarrow raises its own ArrowInvalid for corrupt files
        raise DataError(f"not a readable Parquet file: {error}", file=file) from error
    missing = [name for name in COLUMNS if name not in table.column_names]
    if missing:
        raise DataError(
            f"missing column(s) {', '.join(missing)}; has {', '.join(table.column_names)}",
            file=file,
        )
    if table.num_rows == 0:
        raise DataError("no data rows", file=file)
    columns = {name: _column(table.column(name), name, file) for name in COLUMNS}
    raw = RawColumns(**columns)
    validate_bars(raw, file=file, line_of=lambda index: index + 1, unit="row")
    series = raw.to_series(symbol)
    return LoadedBars(
        series=series,
        report=build_report(file, series.ts_ms),
        fingerprint=hashlib.sha256(data).hexdigest(),
    )


def _column(chunked: Any, name: str, file: str) -> FloatArray:
    import pyarrow as pa

    if chunked.null_count:
        nulls = np.flatnonzero(chunked.is_null().to_numpy(zero_copy_only=False))
        row = int(nulls[0]) + 1
        raise DataError(f"row {row}: {name} is null", file=file, line=row)
    kind = chunked.type
    if not (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
        raise DataError(f"column {name} has type {kind}, expected a number", file=file)
    values: FloatArray = np.asarray(chunked.to_numpy(zero_copy_only=False), dtype=np.float64).copy()
    return values
