"""Funding rates and mark-price bars of a perpetual, downloaded through ccxt's real
`binanceusdm` class from the loopback venue into the store: paged, through a 429, killed and
resumed; what the readers return equals the bundled real Binance data exactly."""

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from tests.integration.ccxt.conftest import RecordingSleep
from tests.integration.ccxt.fake_binance import Fault
from tests.integration.data.fake_binance_usdm import (
    FUNDING_CSV,
    FUNDING_PATH,
    MARK_CSV,
    MARK_PATH,
    TRADE_CSV,
    FakeBinanceUsdm,
)

from tradekernel.adapters.backtest.funding import FundingSchedule, read_funding_csv
from tradekernel.adapters.ccxt.perpetual_download import CcxtDownloadData
from tradekernel.adapters.data.bar_store import ParquetBarStore
from tradekernel.adapters.data.csv_reader import read_csv_bars
from tradekernel.adapters.data.funding_store import FundingKey, ParquetFundingStore
from tradekernel.adapters.data.perpetual_reader import (
    check_stored_funding,
    load_stored_funding,
    load_stored_mark_bars,
)
from tradekernel.adapters.data.series_name import MARK_PRICE, SeriesKey
from tradekernel.adapters.data.store_reader import check_stored_series, load_stored_bars
from tradekernel.bootstrap.download_job import download_funding, download_series
from tradekernel.domain.perpetuals import FundingRate

SYMBOL = "XRP/USDT:USDT"
EIGHT_HOURS = 8 * 3_600_000
HOUR = 3_600_000
KEY = FundingKey(exchange="binanceusdm", symbol=SYMBOL, interval="8h")
MARK = SeriesKey(exchange="binanceusdm", symbol=SYMBOL, timeframe="1h", price=MARK_PRICE)
TRADE = SeriesKey(exchange="binanceusdm", symbol=SYMBOL, timeframe="1h")
FIRST_FUNDING = 1_637_193_600_000  # 2021-11-18 00:00 UTC, the file's first funding time
LAST_FUNDING = 1_639_785_600_000  # 2021-12-18 00:00 UTC, its last
EVERYTHING = (FIRST_FUNDING, LAST_FUNDING + EIGHT_HOURS)


class Fetcher:
    """The real adapter; before call N run `before[N]` (a fault or a kill)."""

    def __init__(
        self, market: CcxtDownloadData, before: dict[int, Callable[[], None]] | None = None
    ) -> None:
        self.market = market
        self.before = before or {}
        self.calls = 0

    def fetch_funding_rates(self, symbol: str, since_ms: int, limit: int) -> Sequence[FundingRate]:
        self.calls += 1
        action = self.before.get(self.calls)
        if action is not None:
            action()
        return self.market.fetch_funding_rates(symbol, since_ms, limit)


def _starts(venue: FakeBinanceUsdm, path: str) -> list[int]:
    return [int(r.params["startTime"]) for r in venue.calls("GET", path)]


def test_funding_pages_through_a_429_and_reads_back_exactly_the_venue_rates(
    usdm_venue: FakeBinanceUsdm,
    perp_market: CcxtDownloadData,
    sleep: RecordingSleep,
    tmp_path: Path,
) -> None:
    def rate_limited() -> None:
        usdm_venue.script(
            Fault(
                kind="status",
                method="GET",
                path=FUNDING_PATH,
                status=429,
                headers={"Retry-After": "3"},
            )
        )

    store = ParquetFundingStore(tmp_path)
    fetcher = Fetcher(perp_market, {2: rate_limited})
    outcome = download_funding(fetcher, store, KEY, EVERYTHING, page_size=40)
    assert (outcome.fetched_rates, outcome.pages) == (91, 3)
    page_2 = FIRST_FUNDING + 40 * EIGHT_HOURS
    # Page 2 asked twice (429, then answered); each page from the funding time after the last.
    assert _starts(usdm_venue, FUNDING_PATH) == [
        FIRST_FUNDING,
        page_2,
        page_2,
        page_2 + 40 * EIGHT_HOURS,
    ]
    assert sleep.durations[0] >= 3.0
    expected = read_funding_csv(FUNDING_CSV, EIGHT_HOURS)
    stored = load_stored_funding(tmp_path, exchange="binanceusdm", symbol=SYMBOL)
    assert stored == expected
    assert list(stored) == list(expected)  # in time order, floored like the file reader
    assert all(str(stored[t]) == str(expected[t]) for t in expected)  # digit for digit
    manifest = store.manifest(KEY)
    assert (manifest.rates, manifest.covered, manifest.gaps) == (91, (EVERYTHING,), ())
    assert check_stored_funding(store, manifest) == 91
    # What FundingSchedule (the perpetual backtest venue's funding) takes, as is.
    schedule = FundingSchedule(rates={SYMBOL: stored})
    assert schedule.rate(SYMBOL, 1_639_180_800_000) == expected[1_639_180_800_000]


def test_a_killed_funding_download_resumes_with_only_the_missing_pages(
    usdm_venue: FakeBinanceUsdm, perp_market: CcxtDownloadData, tmp_path: Path
) -> None:
    def kill() -> None:
        raise KeyboardInterrupt

    store = ParquetFundingStore(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        download_funding(Fetcher(perp_market, {3: kill}), store, KEY, EVERYTHING, page_size=30)
    assert store.manifest(KEY).covered == ((FIRST_FUNDING, FIRST_FUNDING + 60 * EIGHT_HOURS),)
    before = len(usdm_venue.calls("GET", FUNDING_PATH))
    resumed = download_funding(perp_market, store, KEY, EVERYTHING, page_size=30)
    assert (resumed.fetched_rates, resumed.pages) == (31, 2)
    assert _starts(usdm_venue, FUNDING_PATH)[before:] == [
        FIRST_FUNDING + 60 * EIGHT_HOURS,
        FIRST_FUNDING + 90 * EIGHT_HOURS,
    ]
    again = download_funding(perp_market, store, KEY, EVERYTHING, page_size=30)
    assert (again.fetched_rates, again.pages) == (0, 0)
    assert len(usdm_venue.calls("GET", FUNDING_PATH)) == before + 2
    stored = load_stored_funding(tmp_path, exchange="binanceusdm", symbol=SYMBOL)
    assert stored == read_funding_csv(FUNDING_CSV, EIGHT_HOURS)


def test_a_funding_time_the_venue_lacks_is_a_recorded_gap(
    usdm_venue: FakeBinanceUsdm, perp_market: CcxtDownloadData, tmp_path: Path
) -> None:
    del usdm_venue.funding["XRPUSDT"][10]
    store = ParquetFundingStore(tmp_path)
    outcome = download_funding(perp_market, store, KEY, EVERYTHING, page_size=1000)
    missing = FIRST_FUNDING + 10 * EIGHT_HOURS
    assert outcome.manifest.gaps == ((missing, missing + EIGHT_HOURS),)
    assert outcome.manifest.missing_times == 1
    assert check_stored_funding(store, outcome.manifest) == 90


def test_mark_bars_are_stored_apart_from_the_traded_bars_and_equal_the_venue_bars(
    usdm_venue: FakeBinanceUsdm, perp_market: CcxtDownloadData, tmp_path: Path
) -> None:
    store = ParquetBarStore(tmp_path)
    mark_ts = read_csv_bars(MARK_CSV, SYMBOL).series.ts_ms.tolist()
    mark_span = (mark_ts[0], mark_ts[-1] + HOUR)
    download_series(perp_market.mark_bars(), store, MARK, mark_span, page_size=40)
    assert _starts(usdm_venue, MARK_PATH) == [mark_ts[0], mark_ts[40], mark_ts[80]]
    trade_ts = read_csv_bars(TRADE_CSV, SYMBOL).series.ts_ms.tolist()
    download_series(perp_market, store, TRADE, (trade_ts[0], trade_ts[-1] + HOUR), page_size=1000)
    assert store.series_dir(MARK) != store.series_dir(TRADE)
    for key, csv in ((MARK, MARK_CSV), (TRADE, TRADE_CSV)):
        source = read_csv_bars(csv, SYMBOL).series
        stored = load_stored_bars(store, key, SYMBOL).series
        for name in ("ts_ms", "open", "high", "low", "close", "volume"):
            assert np.array_equal(getattr(stored, name), getattr(source, name)), (key, name)
        check_stored_series(store, store.manifest(key))
    marks = load_stored_mark_bars(tmp_path, exchange="binanceusdm", symbol=SYMBOL, timeframe="1h")
    assert marks.series.bar_at(0) == read_csv_bars(MARK_CSV, SYMBOL).series.bar_at(0)
    assert [m.key for m in store.manifests()] == [TRADE, MARK]
