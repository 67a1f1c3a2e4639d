"""pandas at the API's edge: bars, trades, orders and equity as DataFrames, and back.

pandas is an optional extra (`pip install 'tradekernel[pandas]'`); nothing else in the
package imports it, and these functions import it when called, naming the extra if missing.
"""

import hashlib
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from tradekernel.adapters.data.report import LoadedBars, build_report
from tradekernel.adapters.data.validation import COLUMNS, RawColumns, validate_bars
from tradekernel.domain.errors import ConfigError, DataError
from tradekernel.domain.orders import Order
from tradekernel.domain.trades import ClosedTrade
from tradekernel.shared.bars import BarSeries, FloatArray, IntArray


def pandas() -> Any:
    """Return the pandas module, or refuse naming the extra that installs it."""
    try:
        import pandas as pd
    except ImportError:
        raise ConfigError(
            "the Python API's DataFrames need pandas: pip install 'tradekernel[pandas]'"
        ) from None
    return pd


def _utc_times(pd: Any, ts_ms: Any) -> Any:
    return pd.to_datetime(np.asarray(ts_ms, dtype=np.int64), unit="ms", utc=True)


def bars_frame(loaded: LoadedBars) -> Any:
    """Return bars as a DataFrame: the six file columns, indexed by UTC open time."""
    pd = pandas()
    series = loaded.series
    return pd.DataFrame(
        {name: getattr(series, "ts_ms" if name == "timestamp_ms" else name) for name in COLUMNS},
        index=pd.DatetimeIndex(_utc_times(pd, series.ts_ms), name="time"),
    )


def _timestamps(pd: Any, frame: Any, label: str) -> FloatArray:
    if "timestamp_ms" in frame.columns:
        return np.asarray(frame["timestamp_ms"], dtype=np.float64)
    if isinstance(frame.index, pd.DatetimeIndex):
        index = frame.index if frame.index.tz is not None else frame.index.tz_localize("UTC")
        return np.asarray(index.as_unit("ms").asi8, dtype=np.float64)
    raise DataError(
        "a DataFrame of bars needs a timestamp_ms column or a DatetimeIndex", file=label
    )


def frame_bars(frame: Any, symbol: str) -> LoadedBars:
    """Validate a DataFrame of bars with the file readers' rules and return it as loaded bars.

    Columns `open, high, low, close, volume` (any case) and either `timestamp_ms` (epoch ms)
    or a DatetimeIndex (naive times are UTC). The fingerprint hashes the values, so equal
    bars give an equal fingerprint however the frame was built.

    Raises:
        DataError: a missing column or a row the readers would refuse, naming the row.
    """
    pd = pandas()
    label = f"<DataFrame {symbol}>"
    frame = frame.rename(columns=lambda name: str(name).lower())
    missing = [name for name in COLUMNS[1:] if name not in frame.columns]
    if missing:
        raise DataError(f"the DataFrame has no column {', '.join(missing)}", file=label)
    if len(frame) == 0:
        raise DataError("the DataFrame has no rows", file=label)
    try:
        raw = RawColumns(
            timestamp_ms=_timestamps(pd, frame, label),
            **{name: np.asarray(frame[name], dtype=np.float64) for name in COLUMNS[1:]},
        )
    except (TypeError, ValueError) as error:
        raise DataError(f"a column is not numeric: {error}", file=label) from None
    validate_bars(raw, file=label, line_of=lambda index: index + 1, unit="row")
    ts_ms: IntArray = raw.timestamp_ms.astype(np.int64)
    columns = {name: np.ascontiguousarray(raw.column(name)) for name in COLUMNS[1:]}
    digest = hashlib.sha256(ts_ms.tobytes())
    for name in COLUMNS[1:]:
        digest.update(columns[name].tobytes())
    return LoadedBars(
        series=BarSeries(
            symbol=symbol,
            ts_ms=ts_ms,
            open=columns["open"],
            high=columns["high"],
            low=columns["low"],
            close=columns["close"],
            volume=columns["volume"],
        ),
        report=build_report(label, ts_ms),
        fingerprint=digest.hexdigest(),
    )


def _record(item: Any) -> dict[str, Any]:
    return {
        key: getattr(value, "value", value)
        for key, value in attrs.asdict(item, recurse=False).items()
    }


def trades_frame(trades: Sequence[ClosedTrade]) -> Any:
    """Return closed trades, one row each, with UTC entry and exit times."""
    pd = pandas()
    frame = pd.DataFrame(
        [_record(trade) for trade in trades],
        columns=[field.name for field in attrs.fields(ClosedTrade)],
    )
    frame.insert(2, "entry_time", _utc_times(pd, frame["entry_time_ms"]))
    frame.insert(5, "exit_time", _utc_times(pd, frame["exit_time_ms"]))
    return frame


def orders_frame(orders: Sequence[Order]) -> Any:
    """Return the run's orders as the venue last reported them, one row each."""
    pd = pandas()
    return pd.DataFrame(
        [_record(order) for order in orders], columns=[f.name for f in attrs.fields(Order)]
    )


def equity_frame(ts_ms: IntArray, equity: FloatArray, cash: FloatArray) -> Any:
    """Return the equity curve: equity and cash per bar, indexed by UTC time."""
    pd = pandas()
    return pd.DataFrame(
        {"equity": equity, "cash": cash},
        index=pd.DatetimeIndex(_utc_times(pd, ts_ms), name="time"),
    )
