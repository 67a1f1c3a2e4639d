"""Download through ccxt's real Binance class from the loopback venue into the store:
paged, through a 429 and a dropped connection, killed and resumed; the stored bars equal
the source bars exactly."""

from pathlib import Path

import numpy as np
import pytest
from tests.integration.ccxt.conftest import RecordingSleep
from tests.integration.ccxt.fake_binance import FakeBinance, Fault
from tests.integration.data.binance_klines import SOURCE, ScriptedFetcher

from tradekernel.adapters.ccxt.market_data import CcxtMarketData
from tradekernel.adapters.data.bar_store import ParquetBarStore
from tradekernel.adapters.data.csv_reader import read_csv_bars
from tradekernel.adapters.data.series_name import SeriesKey
from tradekernel.adapters.data.store_reader import check_stored_series, load_stored_bars
from tradekernel.bootstrap.download_job import download_series, wanted_range

HOUR = 3_600_000
KEY = SeriesKey(exchange="binance", symbol="ETH/BTC", timeframe="1h")
KLINES = "/api/v3/klines"


def _source_ts() -> list[int]:
    return read_csv_bars(SOURCE, "ETH/BTC").series.ts_ms.tolist()


def _assert_store_equals_source(store: ParquetBarStore) -> None:
    stored = load_stored_bars(store, KEY, "ETH/BTC").series
    source = read_csv_bars(SOURCE, "ETH/BTC").series
    for name in ("ts_ms", "open", "high", "low", "close", "volume"):
        assert np.array_equal(getattr(stored, name), getattr(source, name)), name
    manifest = store.manifest(KEY)
    assert (manifest.bars, manifest.gaps) == (499, ())
    check_stored_series(store, manifest)


def _everything(now_ms: int | None = None) -> tuple[int, int]:
    ts = _source_ts()
    return wanted_range(KEY, ts[0], None, now_ms if now_ms is not None else ts[-1] + HOUR)


def test_download_pages_through_a_429_and_a_dropped_connection_and_equals_the_source(
    eth_btc_venue: FakeBinance, market: CcxtMarketData, sleep: RecordingSleep, tmp_path: Path
) -> None:
    def faults() -> None:
        eth_btc_venue.script(
            Fault(
                kind="status", method="GET", path=KLINES, status=429, headers={"Retry-After": "3"}
            ),
            # aiohttp retries a GET once on a dropped kept-alive connection by itself: two
            # drops in a row reach ccxt as a NetworkError, for the retry policy to handle.
            Fault(kind="drop_after_accept", method="GET", path=KLINES),
            Fault(kind="drop_after_accept", method="GET", path=KLINES),
        )

    fetcher = ScriptedFetcher(market, before={3: faults})
    store = ParquetBarStore(tmp_path)
    outcome = download_series(fetcher, store, KEY, _everything(), page_size=100)
    assert (outcome.fetched_bars, outcome.pages) == (499, 5)
    starts = [int(r.params["startTime"]) for r in eth_btc_venue.calls("GET", KLINES)]
    ts = _source_ts()
    # Pages 1-2, page 3 four times (429, dropped twice, answered), then pages 4-5.
    assert starts == [ts[0], ts[100], *[ts[200]] * 4, ts[300], ts[400]]
    assert all(r.params["limit"] == "100" for r in eth_btc_venue.calls("GET", KLINES))
    # The 429 waited its hint; the dropped connection backed off under the retry policy.
    assert len(sleep.durations) == 2 and sleep.durations[0] >= 3.0
    _assert_store_equals_source(store)


def test_a_killed_download_resumes_with_only_the_missing_pages(
    eth_btc_venue: FakeBinance, market: CcxtMarketData, tmp_path: Path
) -> None:
    def kill() -> None:
        raise KeyboardInterrupt

    store = ParquetBarStore(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        download_series(
            ScriptedFetcher(market, {4: kill}), store, KEY, _everything(), page_size=100
        )
    ts = _source_ts()
    assert store.manifest(KEY).covered == ((ts[0], ts[299] + HOUR),)  # three pages kept
    before = len(eth_btc_venue.calls("GET", KLINES))
    resumed = download_series(ScriptedFetcher(market), store, KEY, _everything(), page_size=100)
    assert (resumed.fetched_bars, resumed.pages) == (199, 2)
    starts = [int(r.params["startTime"]) for r in eth_btc_venue.calls("GET", KLINES)[before:]]
    assert starts == [ts[300], ts[400]]
    _assert_store_equals_source(store)
    again = download_series(ScriptedFetcher(market), store, KEY, _everything(), page_size=100)
    assert (again.fetched_bars, again.pages) == (0, 0)
    assert len(eth_btc_venue.calls("GET", KLINES)) == before + 2  # a complete range asks nothing


def test_the_bar_still_forming_is_never_stored(market: CcxtMarketData, tmp_path: Path) -> None:
    ts = _source_ts()
    store = ParquetBarStore(tmp_path)
    # "Now" is half-way through the last source bar: it is still forming.
    wanted = _everything(now_ms=ts[-1] + HOUR // 2)
    download_series(ScriptedFetcher(market), store, KEY, wanted, page_size=1000)
    stored = load_stored_bars(store, KEY, "ETH/BTC").series.ts_ms.tolist()
    assert stored == ts[:-1]
    assert store.manifest(KEY).covered == ((ts[0], ts[-1]),)
