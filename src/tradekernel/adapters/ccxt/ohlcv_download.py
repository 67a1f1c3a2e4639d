"""Page through an exchange's candles (ccxt `fetch_ohlcv`) over wanted time ranges.

The pages come from `CcxtMarketData.fetch_bars`, so the live reads' retry policy and
error taxonomy apply: a 429 waits (at least the venue's hint), a dropped connection backs
off and retries, a ban halts. Each page says which half-open range it covers, so a store
can record what was fetched, and what the venue lacks there, before the next request.
"""

from collections.abc import Iterator, Sequence
from typing import Protocol

import attrs

from tradekernel.domain.market import Bar

TimeRange = tuple[int, int]


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
    bars at or after the end are dropped here. When the venue has nothing from a point on
    (it answers fewer bars than asked and none past the range), the rest of the range is
    left uncovered, to be asked again by a later run rather than recorded as a gap.

    Raises:
        Transient, Fatal, Rejected: the venue could not answer (after the retries).
    """
    for start, end in wanted:
        since = start
        while since < end:
            rows = fetcher.fetch_bars(symbol, timeframe, since, page_size)
            kept = [bar for bar in rows if since <= bar.ts_ms < end]
            venue_has_later = any(bar.ts_ms >= end for bar in rows)
            exhausted = len(rows) < page_size  # the venue had no more bars up to its now
            if venue_has_later:
                until = end  # the venue answered past the range: it holds nothing more in it
            elif kept:
                until = kept[-1].ts_ms + step_ms
            else:
                break
            yield OhlcvPage(
                span=(since, until),
                timestamp_ms=tuple(bar.ts_ms for bar in kept),
                values=tuple(
                    (float(b.open), float(b.high), float(b.low), float(b.close), float(b.volume))
                    for b in kept
                ),
            )
            if exhausted and not venue_has_later:
                break
            since = until
