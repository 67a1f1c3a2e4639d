"""`CcxtMarketData` through ccxt's real Binance class against the loopback venue: bars,
marks and rules, and the shared retry taxonomy (429 waits, 418 halts)."""

from collections.abc import Iterator
from decimal import Decimal

import numpy as np
import pytest
from tests.integration.ccxt.fake_binance import Fault
from tests.integration.live.live_venue import HOUR_MS, LiveFakeBinance, kline

from tradekernel.adapters.ccxt.config import CcxtSettings, RetryPolicy
from tradekernel.adapters.ccxt.market_data import CcxtMarketData, bar_from_ohlcv
from tradekernel.domain.errors import DataError, Fatal

START = 1_700_000_000_000 // HOUR_MS * HOUR_MS


class Pauses:
    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


@pytest.fixture
def pauses() -> Pauses:
    return Pauses()


@pytest.fixture
def market(live_venue: LiveFakeBinance, pauses: Pauses) -> Iterator[CcxtMarketData]:
    live_venue.klines["BTCUSDT"] = [kline(START + i * HOUR_MS, f"{50000 + i}.5") for i in range(5)]
    settings = CcxtSettings(
        api_base_url=live_venue.base_url,
        timeout_ms=2_000,
        enable_rate_limit=False,
        retry=RetryPolicy(rate_limit_min_s=2.0),
    )
    data = CcxtMarketData(settings, rng=np.random.default_rng(3), sleep=pauses)
    yield data
    data.close()


def test_bars_come_back_oldest_first_as_exact_decimals_from_since(
    market: CcxtMarketData, live_venue: LiveFakeBinance
) -> None:
    bars = market.fetch_bars("BTC/USDT", "1h", START + HOUR_MS, 3)
    assert [b.ts_ms for b in bars] == [START + i * HOUR_MS for i in (1, 2, 3)]
    assert [b.close for b in bars] == [Decimal("50001.5"), Decimal("50002.5"), Decimal("50003.5")]
    (request,) = live_venue.calls("GET", "/api/v3/klines")
    assert request.params["interval"] == "1h" and request.params["limit"] == "3"
    # Market loading stays on the spot exchange info: no futures, currencies or margins.
    assert {r.path for r in live_venue.requests} == {"/api/v3/exchangeInfo", "/api/v3/klines"}


def test_mark_is_the_tickers_last_price(market: CcxtMarketData) -> None:
    mark = market.fetch_mark("BTC/USDT")
    assert (mark.symbol, mark.price) == ("BTC/USDT", Decimal("50004.5"))


def test_symbol_rules_come_from_the_exchange_info_and_unknown_symbols_are_named(
    market: CcxtMarketData,
) -> None:
    rules = market.symbol_rules("BTC/USDT")
    assert (rules.tick_size, rules.step_size, rules.min_qty) == (
        Decimal("0.01"),
        Decimal("0.00001"),
        Decimal("0.00001"),
    )
    assert rules.min_notional == Decimal("5")
    with pytest.raises(DataError, match="no spot market DOGE/XYZ on binance"):
        market.symbol_rules("DOGE/XYZ")


def test_rate_limited_klines_wait_at_least_the_minimum_then_succeed(
    market: CcxtMarketData, live_venue: LiveFakeBinance, pauses: Pauses
) -> None:
    live_venue.script(
        Fault(kind="status", method="GET", path="/api/v3/klines", status=429, body={"code": -1003})
    )
    assert len(market.fetch_bars("BTC/USDT", "1h", START, 10)) == 5
    assert len(live_venue.calls("GET", "/api/v3/klines")) == 2
    assert pauses.seconds and min(pauses.seconds) >= 2.0


def test_a_ban_halts_market_data_without_further_requests(
    market: CcxtMarketData, live_venue: LiveFakeBinance
) -> None:
    live_venue.script(
        Fault(
            kind="status",
            method="GET",
            path="/api/v3/klines",
            status=418,
            body={"code": -1003, "msg": "IP banned until 1900000000000"},
        )
    )
    with pytest.raises(Fatal, match="banned"):
        market.fetch_bars("BTC/USDT", "1h", START, 10)
    seen = len(live_venue.requests)
    with pytest.raises(Fatal, match="halted"):
        market.fetch_bars("BTC/USDT", "1h", START, 10)
    assert len(live_venue.requests) == seen and market.halted_reason is not None


@pytest.mark.parametrize(
    ("row", "message"),
    [([1, "1", "2"], "has 3 fields, expected 6"), ([1, None, 1, 1, 1, 1], "missing number")],
)
def test_malformed_ohlcv_rows_are_data_errors_naming_the_symbol(
    row: list[object], message: str
) -> None:
    with pytest.raises(DataError, match=message):
        bar_from_ohlcv("BTC/USDT", row)


def test_float_ohlcv_values_keep_their_shortest_decimal_form() -> None:
    bar = bar_from_ohlcv("BTC/USDT", [5, 0.1, 0.3, 0.05, 0.2, 12.0])
    assert (bar.open, bar.high, bar.low, bar.close, bar.volume) == tuple(
        Decimal(x) for x in ("0.1", "0.3", "0.05", "0.2", "12.0")
    )
