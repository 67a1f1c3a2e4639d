"""The download job: fetch the bars a store lacks for a range, page by page, into the store.

Only what the manifest does not cover is asked for, so a second run fetches nothing new
and a killed run resumes where its last written page ended. Bars still forming are never
asked for: the range ends at the open of the current bar. A perpetual's funding history is
fetched the same way, on the grid of its funding times (`download_funding`).
"""

from collections.abc import Callable

import attrs

from tradekernel.adapters.ccxt.ohlcv_download import BarFetcher, download_pages
from tradekernel.adapters.ccxt.perpetual_download import FundingFetcher, download_funding_pages
from tradekernel.adapters.data.bar_store import ParquetBarStore, SeriesManifest
from tradekernel.adapters.data.funding_store import FundingKey, FundingManifest, ParquetFundingStore
from tradekernel.adapters.data.series_name import SeriesKey
from tradekernel.adapters.data.time_ranges import TimeRange, subtract_ranges


@attrs.frozen(kw_only=True)
class DownloadOutcome:
    """One series' download: bars and requests of this run, and the manifest after it."""

    key: SeriesKey
    requested: TimeRange
    fetched_bars: int
    pages: int
    manifest: SeriesManifest


def wanted_range(key: SeriesKey, start_ms: int, end_ms: int | None, now_ms: int) -> TimeRange:
    """Return `[start, end)` on bar boundaries, ending no later than the bar still forming."""
    step = key.timeframe_ms
    forming = now_ms // step * step
    end = forming if end_ms is None else min(end_ms, forming)
    return (-(-start_ms // step) * step, max(end, start_ms))


def missing_ranges(store: ParquetBarStore, key: SeriesKey, wanted: TimeRange) -> list[TimeRange]:
    """Return the parts of `wanted` the store's manifest does not cover."""
    return subtract_ranges(wanted, store.manifest(key).covered)


def download_series(
    fetcher: BarFetcher,
    store: ParquetBarStore,
    key: SeriesKey,
    wanted: TimeRange,
    *,
    page_size: int,
    on_bars: Callable[[int], None] = lambda count: None,
) -> DownloadOutcome:
    """Fetch and store the bars of `wanted` the store lacks; `on_bars` hears progress.

    Raises:
        Transient, Fatal, Rejected: the venue could not answer (pages before stay stored).
        DataError: the store cannot be written.
    """
    fetched = pages = 0
    for page in download_pages(
        fetcher,
        symbol=key.symbol,
        timeframe=key.timeframe,
        step_ms=key.timeframe_ms,
        wanted=missing_ranges(store, key, wanted),
        page_size=page_size,
    ):
        store.append(key, page.timestamp_ms, page.values, page.span)
        fetched += len(page.timestamp_ms)
        pages += 1
        on_bars((page.span[1] - page.span[0]) // key.timeframe_ms)
    store.compact(key)
    return DownloadOutcome(
        key=key,
        requested=wanted,
        fetched_bars=fetched,
        pages=pages,
        manifest=store.manifest(key),
    )


@attrs.frozen(kw_only=True)
class FundingOutcome:
    """One funding history's download: rates and requests of this run, the manifest after."""

    key: FundingKey
    requested: TimeRange
    fetched_rates: int
    pages: int
    manifest: FundingManifest


def funding_range(key: FundingKey, start_ms: int, end_ms: int | None, now_ms: int) -> TimeRange:
    """Return `[start, end)` on funding times, ending after the last one already due."""
    step = key.interval_ms
    due = now_ms // step * step + step
    end = due if end_ms is None else min(-(-end_ms // step) * step, due)
    first = -(-start_ms // step) * step
    return (first, max(end, first))


def download_funding(
    fetcher: FundingFetcher,
    store: ParquetFundingStore,
    key: FundingKey,
    wanted: TimeRange,
    *,
    page_size: int,
    on_rates: Callable[[int], None] = lambda count: None,
) -> FundingOutcome:
    """Fetch and store the funding rates of `wanted` the store lacks; `on_rates` hears the
    funding times covered by each page.

    Raises:
        Transient, Fatal, Rejected: the venue could not answer (pages before stay stored).
        DataError: a rate could not be read, or the store cannot be written.
    """
    fetched = pages = 0
    for page in download_funding_pages(
        fetcher,
        symbol=key.symbol,
        interval_ms=key.interval_ms,
        wanted=subtract_ranges(wanted, store.manifest(key).covered),
        page_size=page_size,
    ):
        store.append(key, page.rates, page.span)
        fetched += len(page.rates)
        pages += 1
        on_rates((page.span[1] - page.span[0]) // key.interval_ms)
    store.compact(key)
    return FundingOutcome(
        key=key, requested=wanted, fetched_rates=fetched, pages=pages, manifest=store.manifest(key)
    )
