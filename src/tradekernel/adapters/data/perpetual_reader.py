"""Read a perpetual's stored funding rates and mark-price bars for a backtest, and check them.

`load_stored_funding` returns what `adapters/backtest/funding.py::FundingSchedule` takes
for one symbol ({funding time in epoch ms: rate}); `load_stored_mark_bars` returns the
mark-price bars as `LoadedBars` (their `series` is a `BarSeries`, `series.bar_at(i)` a
`Bar`), validated like any stored series.
"""

from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np

from tradekernel.adapters.data.bar_store import ParquetBarStore
from tradekernel.adapters.data.funding_store import (
    FundingKey,
    FundingManifest,
    ParquetFundingStore,
    StoredFunding,
)
from tradekernel.adapters.data.report import LoadedBars
from tradekernel.adapters.data.series_name import MARK_PRICE, SeriesKey
from tradekernel.adapters.data.store_reader import load_stored_bars
from tradekernel.adapters.data.time_ranges import merge_ranges, missing_bar_ranges
from tradekernel.domain.errors import DataError

DEFAULT_FUNDING_INTERVAL = "8h"


def load_stored_funding(
    store: Path, *, exchange: str, symbol: str, interval: str = DEFAULT_FUNDING_INTERVAL
) -> dict[int, Decimal]:
    """Return the stored funding rates of a perpetual as {funding time in epoch ms: rate}.

    Raises:
        DataError: nothing stored, an unreadable part, or a row `data check` would refuse.
    """
    funding = ParquetFundingStore(store)
    key = FundingKey(exchange=exchange.lower(), symbol=symbol.upper(), interval=interval)
    return _validated(funding.read(key), key, str(funding.series_dir(key)))


def load_stored_mark_bars(
    store: Path, *, exchange: str, symbol: str, timeframe: str, as_symbol: str | None = None
) -> LoadedBars:
    """Return the stored mark-price bars of a perpetual, as the series of `as_symbol`
    (default: `symbol`).

    Raises:
        DataError: nothing stored, an unreadable part, or a bar the CSV reader would refuse.
    """
    key = SeriesKey(
        exchange=exchange.lower(), symbol=symbol.upper(), timeframe=timeframe, price=MARK_PRICE
    )
    return load_stored_bars(ParquetBarStore(store), key, as_symbol or key.symbol)


def check_stored_funding(store: ParquetFundingStore, manifest: FundingManifest) -> int:
    """Validate one stored funding history against the reader's rules and its manifest:
    every funding time inside a covered range, the count, and the gaps (a funding time
    missing that the manifest does not record as missing at the venue). Return the count.

    Raises:
        DataError: the first problem found, naming the history's directory.
    """
    key = manifest.key
    file = str(store.series_dir(key))
    stored = store.read(key)
    rates = _validated(stored, key, file)
    times = stored.funding_time_ms
    if len(rates) != manifest.rates:
        raise DataError(
            f"the manifest counts {manifest.rates} rates, the parts hold {len(rates)}", file=file
        )
    inside = np.zeros(times.shape[0], dtype=np.bool_)
    for start, end in manifest.covered:
        inside |= (times >= start) & (times < end)
    outside = np.flatnonzero(~inside)
    if outside.shape[0]:
        row = int(outside[0]) + 1
        raise DataError(
            f"row {row}: funding time {int(times[row - 1])} lies outside the manifest's ranges",
            file=file,
            line=row,
        )
    found = merge_ranges(
        gap for span in manifest.covered for gap in missing_bar_ranges(span, times, key.interval_ms)
    )
    if tuple(found) != manifest.gaps:
        raise DataError(
            f"funding times missing {found[:3]} differ from the manifest's gaps "
            f"{list(manifest.gaps[:3])}",
            file=file,
        )
    return len(rates)


def _validated(stored: StoredFunding, key: FundingKey, file: str) -> dict[int, Decimal]:
    step = key.interval_ms
    rates: dict[int, Decimal] = {}
    previous: int | None = None
    times, stamps = stored.funding_time_ms.tolist(), stored.timestamp_ms.tolist()
    rows = zip(times, stamps, stored.rates, strict=True)
    for row, (time_ms, stamp, text) in enumerate(rows, start=1):
        problem = _problem(time_ms, stamp, text, step, previous)
        if problem is not None:
            raise DataError(f"row {row}: {problem}", file=file, line=row)
        rates[time_ms] = Decimal(text)
        previous = time_ms
    return rates


def _problem(time_ms: int, stamp: int, text: str, step: int, previous: int | None) -> str | None:
    try:
        rate = Decimal(text)
    except InvalidOperation:
        return f"rate {text!r} is not a decimal number"
    if not rate.is_finite():
        return f"rate {text!r} is not a finite number"
    if previous is not None and time_ms <= previous:
        kind = "a second rate for" if time_ms == previous else "non-increasing"
        return f"{kind} funding time {time_ms} after {previous}"
    if time_ms % step or stamp - stamp % step != time_ms:
        return f"funding time {time_ms} is not the venue stamp {stamp} floored to {step} ms"
    return None
