"""The loopback Binance venue and ccxt execution fixtures, shared with the adapter's tests,
plus the runner-level venue (ticker and crossing klines) with the API keys in the env."""

import faulthandler
from collections.abc import Iterator

import pytest
from tests.integration.ccxt.conftest import (
    API_KEY,
    API_SECRET,
    TEST_TIME_LIMIT_S,
    clock,
    make_execution,
    sleep,
    venue,
)
from tests.integration.live.live_venue import LiveFakeBinance, crossing_klines

from tradekernel.bootstrap.live_job import LiveWiring

__all__ = ["built", "clock", "live_venue", "make_execution", "sleep", "venue"]


@pytest.fixture
def live_venue(monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveFakeBinance]:
    """A started venue whose last closed 1h bar crosses up; keys set in the environment."""
    server = LiveFakeBinance(api_key=API_KEY, secret=API_SECRET).start()
    server.klines["BTCUSDT"] = crossing_klines(server.now_ms())
    monkeypatch.setenv("TRADEKERNEL_API_KEY", API_KEY)
    monkeypatch.setenv("TRADEKERNEL_API_SECRET", API_SECRET)
    faulthandler.dump_traceback_later(TEST_TIME_LIMIT_S, exit=True)
    try:
        yield server
    finally:
        faulthandler.cancel_dump_traceback_later()
        server.stop()


@pytest.fixture
def built() -> Iterator[list[LiveWiring]]:
    """The live wirings a test builds, closed after it."""
    wirings: list[LiveWiring] = []
    yield wirings
    for wiring in wirings:
        wiring.close()
