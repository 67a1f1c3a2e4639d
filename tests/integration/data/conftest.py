"""Fixtures: the loopback Binance serving real ETH/BTC hourly bars, and a market-data
adapter pointed at it with recorded (never slept) pauses."""

import faulthandler
from collections.abc import Iterator

import numpy as np
import pytest
from tests.integration.ccxt.conftest import API_KEY, API_SECRET, TEST_TIME_LIMIT_S
from tests.integration.ccxt.fake_binance import FakeBinance
from tests.integration.data.binance_klines import HOUR, SOURCE, add_eth_btc, kline_rows

from tradekernel.adapters.ccxt.config import CcxtSettings, RetryPolicy
from tradekernel.adapters.ccxt.market_data import CcxtMarketData


class Pauses:
    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


@pytest.fixture
def venue() -> Iterator[FakeBinance]:
    server = FakeBinance(api_key=API_KEY, secret=API_SECRET)
    add_eth_btc(server)
    server.klines["ETHBTC"] = kline_rows(SOURCE, HOUR)
    server.start()
    faulthandler.dump_traceback_later(TEST_TIME_LIMIT_S, exit=True)
    try:
        yield server
    finally:
        faulthandler.cancel_dump_traceback_later()
        server.stop()


@pytest.fixture
def pauses() -> Pauses:
    return Pauses()


@pytest.fixture
def market(venue: FakeBinance, pauses: Pauses) -> Iterator[CcxtMarketData]:
    settings = CcxtSettings(
        api_base_url=venue.base_url,
        timeout_ms=2_000,
        enable_rate_limit=False,
        retry=RetryPolicy(rate_limit_min_s=2.0),
    )
    data = CcxtMarketData(settings, rng=np.random.default_rng(5), sleep=pauses)
    yield data
    data.close()
