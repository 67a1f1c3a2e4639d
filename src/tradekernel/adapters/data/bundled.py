"""Real market data shipped inside the package (`tradekernel/data/*.csv`)."""

from importlib import resources
from pathlib import Path

from tradekernel.domain.errors import DataError

DEFAULT_DATASET = "coinbase_BTC-USD_1h.csv"
DEFAULT_SYMBOL = "BTC/USD"


def bundled_names() -> tuple[str, ...]:
    """Return the file names of the bundled datasets, sorted."""
    root = resources.files("tradekernel").joinpath("data")
    return tuple(sorted(entry.name for entry in root.iterdir() if entry.name.endswith(".csv")))


def bundled_path(name: str = DEFAULT_DATASET) -> Path:
    """Return the filesystem path of a bundled dataset.

    Raises:
        DataError: If no bundled dataset has that name, or the package is not installed
            on a filesystem (e.g. inside a zip).
    """
    resource = resources.files("tradekernel").joinpath("data", name)
    if not resource.is_file():
        available = ", ".join(bundled_names()) or "none"
        raise DataError(f"no bundled dataset {name!r}; available: {available}", file=name)
    if not isinstance(resource, Path):
        raise DataError("bundled data is not on a filesystem (zipped install?)", file=name)
    return resource
