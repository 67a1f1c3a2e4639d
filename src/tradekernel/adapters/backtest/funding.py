"""Funding rates for the perpetual backtest venue: a constant, or a series from a file.

A funding file is CSV with the header `timestamp_ms,funding_rate` (the layout of the
bundled Binance data). Venues stamp funding events a few milliseconds after the funding
time (Binance: `...600017`), so each timestamp is floored to the funding interval; the
rate then applies at that funding time. A funding time the series does not list pays
nothing (no guessed rate).
"""

import csv
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

import attrs


@attrs.frozen(kw_only=True)
class FundingSchedule:
    """The funding rate of each symbol at each funding time.

    `rates` maps a symbol to {funding time in epoch ms: rate}; `constant`, when set, is the
    rate of every funding time of a symbol without a series.
    """

    rates: Mapping[str, Mapping[int, Decimal]] = attrs.field(factory=dict)
    constant: Decimal | None = None

    def rate(self, symbol: str, funding_ms: int) -> Decimal | None:
        """Return the rate at a funding time, or None when nothing is paid then."""
        series = self.rates.get(symbol)
        if series is not None:
            return series.get(funding_ms)
        return self.constant


def read_funding_csv(path: Path, interval_ms: int) -> dict[int, Decimal]:
    """Read a `timestamp_ms,funding_rate` file into {funding time: rate}.

    Raises:
        ValueError: On a wrong header, an unreadable row, or two rows for one funding time.
    """
    rates: dict[int, Decimal] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != ["timestamp_ms", "funding_rate"]:
            raise ValueError(f"{path}: expected the header timestamp_ms,funding_rate")
        for line, row in enumerate(reader, start=2):
            try:
                stamp, rate = int(row[0]), Decimal(row[1])
            except (IndexError, ValueError, InvalidOperation) as error:
                raise ValueError(f"{path}:{line}: unreadable funding row {row!r}") from error
            if not rate.is_finite():
                raise ValueError(f"{path}:{line}: funding rate must be finite, got {rate}")
            funding_ms = stamp - stamp % interval_ms
            if funding_ms in rates:
                raise ValueError(f"{path}:{line}: a second rate for funding time {funding_ms}")
            rates[funding_ms] = rate
    return rates
