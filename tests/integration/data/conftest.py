"""Fixtures: the ccxt suite's loopback Binance, also serving real ETH/BTC hourly bars, and
a market-data adapter pointed at it whose pauses are recorded, never slept."""

from collections.abc import Iterator

import numpy as np
import pytest
from tests.integration.ccxt.conftest import RecordingSleep, clock, sleep, venue
from tests.integration.ccxt.fake_binance import FakeBinance
from tests.integration.data.binance_klines import HOUR, SOURCE, add_eth_btc, kline_rows

from tradekernel.adapters.ccxt.config import CcxtSettings, RetryPolicy
from tradekernel.adapters.ccxt.market_data import CcxtMarketData

__all__ = ["clock", "eth_btc_venue", "market", "sleep", "venue"]


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
