"""Page through an exchange's candles (ccxt `fetch_ohlcv`) over wanted time ranges.

The pages come from `CcxtMarketData.fetch_bars`, so the live reads' retry policy and
error taxonomy apply: a 429 waits (at least the venue's hint), a dropped connection backs
off and retries, a ban halts. Each page says which half-open range it covers, so a store
can record what was fetched, and what the venue lacks there, before the next request.
"""

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, TypeVar

import attrs

from tradekernel.domain.market import Bar

TimeRange = tuple[int, int]
Row = TypeVar("Row")


class BarFetcher(Protocol):
    def fetch_bars(
        self, symbol: str, timeframe: str, since_ms: int, limit: int
    ) -> Sequence[Bar]: ...


@attrs.frozen(kw_only=True)
class OhlcvPage:
    """Bars fetched for `span`; a bar missing inside `span` is missing at the venue."""

    span: TimeRange
    timestamp_ms: tuple[int, ...]
    values: tuple[tuple[float, float, float, float, float], ...]


def download_pages(
    fetcher: BarFetcher,
    *,
    symbol: str,
    timeframe: str,
    step_ms: int,
    wanted: Sequence[TimeRange],
    page_size: int,
) -> Iterator[OhlcvPage]:
    """Yield the pages of bars opening inside each wanted range, oldest first.

    A range's end must not pass the open of the bar still forming: the caller clips it, and
    bars at or after the end are dropped here (see `paged_rows` for the paging rules).

    Raises:
        Transient, Fatal, Rejected: the venue could not answer (after the retries).
    """
    for span, kept in paged_rows(
        lambda since: fetcher.fetch_bars(symbol, timeframe, since, page_size),
        lambda bar: bar.ts_ms,
        step_ms=step_ms,
        wanted=wanted,
        page_size=page_size,
    ):
        yield OhlcvPage(
            span=span,
            timestamp_ms=tuple(bar.ts_ms for bar in kept),
            values=tuple(
                (float(b.open), float(b.high), float(b.low), float(b.close), float(b.volume))
                for b in kept
            ),
        )


def paged_rows(
    fetch: Callable[[int], Sequence[Row]],
    time_of: Callable[[Row], int],
    *,
    step_ms: int,
    wanted: Sequence[TimeRange],
    page_size: int,
) -> Iterator[tuple[TimeRange, list[Row]]]:
    """Yield `(span, rows)` pages over each wanted range: the rows whose time (`time_of`,
    on the `step_ms` grid) lies in `span`; a time of the grid missing there is missing at
    the venue.

    `fetch(since)` asks the venue for at most `page_size` rows from `since`. When the venue
    has nothing from a point on (it answers fewer rows than asked and none past the range),
    the rest of the range is left uncovered, to be asked again by a later run rather than
    recorded as a gap.

    Raises:
        Whatever `fetch` raises (the caller's venue errors).
    """
    for start, end in wanted:
        since = start
        while since < end:
            rows = fetch(since)
            kept = [row for row in rows if since <= time_of(row) < end]
            venue_has_later = any(time_of(row) >= end for row in rows)
            exhausted = len(rows) < page_size  # the venue had no more rows up to its now
            if venue_has_later:
                until = end  # the venue answered past the range: it holds nothing more in it
            elif kept:
                until = time_of(kept[-1]) + step_ms
            else:
                break
            yield (since, until), kept
            if exhausted and not venue_has_later:
                break
            since = until
