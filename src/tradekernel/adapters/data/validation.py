"""Vectorised checks of OHLCV columns; the first offending row is located only on failure.

Readers pass `line_of`, turning a 0-based row index into the number their format uses:
CSV line `index + 2` (the header is line 1), Parquet row `index + 1`.
"""

from collections.abc import Callable

import attrs
import numpy as np
import numpy.typing as npt

from tradekernel.domain.errors import DataError
from tradekernel.shared.bars import BarSeries, FloatArray

# Integers above 2**53 are not exact in float64; no epoch-ms timestamp comes near it.
_MAX_EXACT_FLOAT_INT = float(2**53)
# Epoch milliseconds reach 1e14 only in the year 5138: such a timestamp is in a finer unit.
_MS_YEAR_5000 = 1e14
_NS_FROM = 1e17
PRICE_COLUMNS = ("open", "high", "low", "close")
COLUMNS = ("timestamp_ms", "open", "high", "low", "close", "volume")


@attrs.frozen(kw_only=True, eq=False)
class RawColumns:
    """Parsed but unvalidated columns, all float64, same length."""

    timestamp_ms: FloatArray
    open: FloatArray
    high: FloatArray
    low: FloatArray
    close: FloatArray
    volume: FloatArray

    def column(self, name: str) -> FloatArray:
        value: FloatArray = getattr(self, name)
        return value

    def to_series(self, symbol: str) -> BarSeries:
        """Return the (validated) columns as the bars of `symbol`, timestamps as int64."""
        return BarSeries(
            symbol=symbol,
            ts_ms=self.timestamp_ms.astype(np.int64),
            open=np.ascontiguousarray(self.open),
            high=np.ascontiguousarray(self.high),
            low=np.ascontiguousarray(self.low),
            close=np.ascontiguousarray(self.close),
            volume=np.ascontiguousarray(self.volume),
        )


def validate_bars(raw: RawColumns, *, file: str, line_of: Callable[[int], int], unit: str) -> None:
    """Check every rule and raise for the earliest offending row.

    Raises:
        DataError: Naming `file` and the line (or row) of the first bad value.
    """
    checks: list[tuple[npt.NDArray[np.bool_], Callable[[int], str]]] = []
    for name in COLUMNS:
        values = raw.column(name)
        bad = ~np.isfinite(values)
        checks.append((bad, _describe(f"{name} is not a finite number", name, values)))
    ts = raw.timestamp_ms
    finite_ts = np.where(np.isfinite(ts), ts, 0.0)
    checks.append((finite_ts >= _MS_YEAR_5000, _unit_message(ts)))
    not_integral = (finite_ts != np.floor(finite_ts)) | (np.abs(finite_ts) > _MAX_EXACT_FLOAT_INT)
    checks.append((not_integral, _describe("timestamp_ms is not an integer", "timestamp_ms", ts)))
    order = np.zeros(ts.shape[0], dtype=np.bool_)
    order[1:] = ts[1:] <= ts[:-1]
    checks.append((order, _order_message(ts)))
    for name in PRICE_COLUMNS:
        values = raw.column(name)
        checks.append((values <= 0, _describe(f"{name} must be positive", name, values)))
    volume = raw.volume
    checks.append((volume < 0, _describe("volume must not be negative", "volume", volume)))
    high, low = raw.high, raw.low
    body_top = np.maximum(raw.open, raw.close)
    body_bottom = np.minimum(raw.open, raw.close)
    checks.append((high < low, lambda i: f"high {float(high[i])!r} is below low {float(low[i])!r}"))
    checks.append(
        (
            high < body_top,
            lambda i: f"high {float(high[i])!r} is below max(open, close) {float(body_top[i])!r}",
        )
    )
    checks.append(
        (
            low > body_bottom,
            lambda i: f"low {float(low[i])!r} is above min(open, close) {float(body_bottom[i])!r}",
        )
    )
    first_bad: tuple[int, Callable[[int], str]] | None = None
    for mask, message in checks:
        hits = np.flatnonzero(mask)
        if hits.shape[0] and (first_bad is None or int(hits[0]) < first_bad[0]):
            first_bad = (int(hits[0]), message)
    if first_bad is not None:
        index, message = first_bad
        line = line_of(index)
        # DataError prints "file:line"; a row-based format says so in words as well.
        prefix = "" if unit == "line" else f"{unit} {line}: "
        raise DataError(f"{prefix}{message(index)}", file=file, line=line)


def _describe(text: str, name: str, values: FloatArray) -> Callable[[int], str]:
    return lambda i: f"{text} (got {name}={float(values[i])!r})"


def _order_message(ts: FloatArray) -> Callable[[int], str]:
    def message(i: int) -> str:
        kind = "duplicate" if ts[i] == ts[i - 1] else "non-increasing"
        return f"{kind} timestamp_ms {int(ts[i])} after {int(ts[i - 1])}"

    return message


def _unit_message(ts: FloatArray) -> Callable[[int], str]:
    def message(i: int) -> str:
        unit = "nanoseconds" if ts[i] >= _NS_FROM else "microseconds"
        return (
            f"timestamp_ms {int(ts[i])} looks like {unit} (as milliseconds it is after the "
            "year 5000); timestamp_ms must be epoch milliseconds"
        )

    return message
