"""What `data download` reads of a perpetual besides its bars: funding-rate history through
ccxt's `fetch_funding_rate_history` and mark-price bars through `fetch_mark_ohlcv`.

`CcxtDownloadData` is `CcxtMarketData` (the same client, retry policy and error taxonomy)
with these two reads. Funding pages are cut like bar pages (`paged_rows`): on the grid of
funding times, each venue stamp floored to the funding interval (Binance stamps funding a
few milliseconds after the funding time, e.g. `...600017`), as the backtest's
`adapters/backtest/funding.py` does.
"""

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any, Protocol

import attrs

from tradekernel.adapters.ccxt.market_data import CcxtMarketData, bar_from_ohlcv
from tradekernel.adapters.ccxt.ohlcv_download import TimeRange, paged_rows
from tradekernel.domain.errors import ConfigError, DataError
from tradekernel.domain.market import Bar
from tradekernel.domain.perpetuals import FundingRate


class FundingFetcher(Protocol):
    def fetch_funding_rates(
        self, symbol: str, since_ms: int, limit: int
    ) -> Sequence[FundingRate]: ...


@attrs.frozen(kw_only=True)
class FundingPage:
    """Funding events fetched for `span` (half-open, in funding times); a funding time of
    the interval's grid missing inside `span` is missing at the venue."""

    span: TimeRange
    rates: tuple[FundingRate, ...]


def funding_time(stamp_ms: int, interval_ms: int) -> int:
    """Return the funding time of a venue stamp: the stamp floored to the interval."""
    return stamp_ms - stamp_ms % interval_ms


def download_funding_pages(
    fetcher: FundingFetcher,
    *,
    symbol: str,
    interval_ms: int,
    wanted: Sequence[TimeRange],
    page_size: int,
) -> Iterator[FundingPage]:
    """Yield the pages of funding events whose funding time lies in each wanted range.

    Raises:
        Transient, Fatal, Rejected: the venue could not answer (after the retries).
        DataError: a rate could not be read.
    """
    for span, kept in paged_rows(
        lambda since: fetcher.fetch_funding_rates(symbol, since, page_size),
        lambda rate: funding_time(rate.ts_ms, interval_ms),
        step_ms=interval_ms,
        wanted=wanted,
        page_size=page_size,
    ):
        yield FundingPage(span=span, rates=tuple(kept))


def funding_rate_from_ccxt(symbol: str, entry: Any) -> FundingRate:
    """Map one ccxt funding-rate-history entry to a `FundingRate` (the venue's stamp).

    ccxt parses the venue's decimal string to a float; the shortest repr of that float is
    the venue's decimal again for any rate of up to 15 significant digits, so the rate
    is exact.

    Raises:
        DataError: the entry has no timestamp or no finite rate.
    """
    where = f"funding history of {symbol}"
    stamp, rate = entry.get("timestamp"), entry.get("fundingRate")
    if stamp is None or rate is None:
        raise DataError(f"{where}: an entry without timestamp or rate: {entry!r}")
    value = Decimal(repr(rate)) if isinstance(rate, float) else Decimal(str(rate))
    if not value.is_finite():
        raise DataError(f"{where} at {stamp}: the rate {rate!r} is not a finite number")
    return FundingRate(symbol=symbol, ts_ms=int(stamp), rate=value)


class CcxtDownloadData(CcxtMarketData):
    """`CcxtMarketData` plus the funding-rate history and mark-price bars of perpetuals."""

    def require_symbol(self, symbol: str, *, funding: bool, mark: bool) -> None:
        """Check that the venue lists `symbol` (of the configured market type) and, for a
        perpetual, offers the funding history and mark bars asked for.

        Raises:
            ConfigError: the venue has no funding history or no mark-price bars in ccxt.
            DataError: the venue lists no such swap market.
        """
        wanted = [("fetchFundingRateHistory", "--funding", "funding-rate history")] * funding
        wanted += [("fetchMarkOHLCV", "--mark", "mark-price bars")] * mark
        for feature, option, what in wanted:
            if not self._exchange.has.get(feature):
                raise ConfigError(
                    f"{self._settings.exchange_id} offers no {what} through ccxt "
                    "(Binance USD-M does: --exchange binanceusdm)",
                    path=option,
                )
        self.symbol_rules(symbol)

    def fetch_funding_rates(self, symbol: str, since_ms: int, limit: int) -> Sequence[FundingRate]:
        """Return funding events stamped from `since_ms`, oldest first, at most `limit`.

        Raises:
            Transient, Fatal, Rejected: the venue could not answer (see the retry table).
            DataError: an entry could not be read.
        """
        return self._run(self._fetch_funding_rates(symbol, since_ms, limit))

    async def _fetch_funding_rates(
        self, symbol: str, since_ms: int, limit: int
    ) -> list[FundingRate]:
        await self._ensure_markets()
        entries = await self._retry.run(
            f"funding history {symbol}",
            lambda: self._exchange.fetch_funding_rate_history(symbol, since_ms, limit),
        )
        rates = sorted((funding_rate_from_ccxt(symbol, e) for e in entries), key=_stamp)
        return rates[:limit]

    def fetch_bars_of_mark(
        self, symbol: str, timeframe: str, since_ms: int, limit: int
    ) -> Sequence[Bar]:
        """Return mark-price bars from `since_ms`, oldest first, at most `limit`.

        Raises:
            Transient, Fatal, Rejected: the venue could not answer (see the retry table).
            DataError: a row could not be read.
        """
        return self._run(self._fetch_mark_bars(symbol, timeframe, since_ms, limit))

    async def _fetch_mark_bars(
        self, symbol: str, timeframe: str, since_ms: int, limit: int
    ) -> list[Bar]:
        await self._ensure_markets()
        rows = await self._retry.run(
            f"mark ohlcv {symbol} {timeframe}",
            lambda: self._exchange.fetch_mark_ohlcv(symbol, timeframe, since_ms, limit),
        )
        bars = sorted((bar_from_ohlcv(symbol, row) for row in rows), key=lambda b: b.ts_ms)
        return bars[:limit]

    def mark_bars(self) -> "MarkBarFetcher":
        """Return a bar fetcher (as `download_pages` takes) of the mark-price bars."""
        return MarkBarFetcher(self)


class MarkBarFetcher:
    """The mark-price bars of a `CcxtDownloadData`, behind the `fetch_bars` of a bar fetcher."""

    def __init__(self, source: CcxtDownloadData) -> None:
        self._source = source

    def fetch_bars(self, symbol: str, timeframe: str, since_ms: int, limit: int) -> Sequence[Bar]:
        """Return the venue's mark-price bars (see `CcxtDownloadData.fetch_bars_of_mark`)."""
        return self._source.fetch_bars_of_mark(symbol, timeframe, since_ms, limit)


def _stamp(rate: FundingRate) -> int:
    return rate.ts_ms
