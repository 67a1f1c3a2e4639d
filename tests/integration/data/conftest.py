"""Fixtures: the ccxt suite's loopback Binance, also serving real ETH/BTC hourly bars, and
a market-data adapter pointed at it whose pauses are recorded, never slept; the same for
the USDⓈ-M endpoints of a perpetual (real XRP/USDT funding, mark and traded bars)."""

import faulthandler
from collections.abc import Iterator

import numpy as np
import pytest
from tests.integration.ccxt.conftest import (
    API_KEY,
    API_SECRET,
    TEST_TIME_LIMIT_S,
    RecordingSleep,
    clock,
    sleep,
    venue,
)
from tests.integration.ccxt.fake_binance import FakeBinance
from tests.integration.data.binance_klines import HOUR, SOURCE, add_eth_btc, kline_rows
from tests.integration.data.fake_binance_usdm import FakeBinanceUsdm

from tradekernel.adapters.ccxt.config import CcxtSettings, MarketType, RetryPolicy
from tradekernel.adapters.ccxt.market_data import CcxtMarketData
from tradekernel.adapters.ccxt.perpetual_download import CcxtDownloadData

__all__ = ["clock", "eth_btc_venue", "market", "perp_market", "sleep", "usdm_venue", "venue"]


@pytest.fixture
def eth_btc_venue(venue: FakeBinance) -> FakeBinance:
    add_eth_btc(venue)
    venue.klines["ETHBTC"] = kline_rows(SOURCE, HOUR)
    return venue


@pytest.fixture
def market(eth_btc_venue: FakeBinance, sleep: RecordingSleep) -> Iterator[CcxtMarketData]:
    settings = CcxtSettings(
        api_base_url=eth_btc_venue.base_url,
        timeout_ms=2_000,
        enable_rate_limit=False,
        retry=RetryPolicy(rate_limit_min_s=2.0),
    )
    data = CcxtMarketData(settings, rng=np.random.default_rng(5), sleep=sleep)
    yield data
    data.close()


@pytest.fixture
def usdm_venue() -> Iterator[FakeBinanceUsdm]:
    server = FakeBinanceUsdm(api_key=API_KEY, secret=API_SECRET).start()
    faulthandler.dump_traceback_later(TEST_TIME_LIMIT_S, exit=True)
    try:
        yield server
    finally:
        faulthandler.cancel_dump_traceback_later()
        server.stop()


@pytest.fixture
def perp_market(usdm_venue: FakeBinanceUsdm, sleep: RecordingSleep) -> Iterator[CcxtDownloadData]:
    settings = CcxtSettings(
        exchange_id="binanceusdm",
        market_type=MarketType.SWAP,
        api_base_url=usdm_venue.base_url,
        timeout_ms=2_000,
        enable_rate_limit=False,
        retry=RetryPolicy(rate_limit_min_s=2.0),
    )
    data = CcxtDownloadData(settings, rng=np.random.default_rng(5), sleep=sleep)
    yield data
    data.close()
