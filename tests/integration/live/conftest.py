"""The loopback Binance venue and ccxt execution fixtures, shared with the adapter's tests."""

from tests.integration.ccxt.conftest import clock, make_execution, sleep, venue

__all__ = ["clock", "make_execution", "sleep", "venue"]
