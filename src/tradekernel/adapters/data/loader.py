"""Choose a bar reader by file suffix."""

from pathlib import Path

from tradekernel.adapters.data.csv_reader import read_csv_bars
from tradekernel.adapters.data.parquet_reader import read_parquet_bars
from tradekernel.adapters.data.report import LoadedBars
from tradekernel.domain.errors import DataError

SUFFIXES = (".csv", ".parquet")


def load_bars(path: Path | str, symbol: str) -> LoadedBars:
    """Load a `.csv` or `.parquet` file of candles.

    Raises:
        DataError: For an unknown suffix, or anything the chosen reader rejects.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return read_csv_bars(path, symbol)
    if suffix == ".parquet":
        return read_parquet_bars(path, symbol)
    raise DataError(
        f"unknown data file suffix {suffix or '(none)'!r}, expected one of {', '.join(SUFFIXES)}",
        file=str(path),
    )
