"""`CcxtMarketData`: the `MarketDataPort` on an exchange's public endpoints through ccxt.

Built like `CcxtExecution` (the same `build_exchange`: market-type options, URL override,
sandbox, timeouts) and run under the same `RetryRunner`, so a 429 waits, a 418 halts and
every ccxt exception becomes a domain error. Public data needs no key: the client carries
none (unless the caller passes some for a venue that wants them), so it signs nothing.
"""

import asyncio
from collections.abc import Coroutine, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import numpy as np

from tradekernel.adapters.ccxt.client import build_exchange_in_loop
from tradekernel.adapters.ccxt.config import CcxtSettings, Credentials
from tradekernel.adapters.ccxt.markets import symbol_rules_from_market
from tradekernel.adapters.ccxt.retry import RetryRunner, Sleep
from tradekernel.domain.errors import DataError
from tradekernel.domain.market import Bar, MarkPrice, SymbolRules
from tradekernel.domain.ports.market_data import MarketDataPort

T = TypeVar("T")
_NO_KEYS = Credentials(api_key="", secret="")


def _ccxt_decimal(value: Any, where: str) -> Decimal:
    if value is None:
        raise DataError(f"missing number in {where}", file="ccxt market data")
    # repr of a float is its shortest exact decimal form: 50000.1 stays 50000.1.
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))


def bar_from_ohlcv(symbol: str, row: Sequence[Any]) -> Bar:
    """Map one ccxt OHLCV row `[ts, open, high, low, close, volume]` to a `Bar`.

    Raises:
        DataError: the row is short or holds no number where one is needed.
    """
    if len(row) < 6:
        raise DataError(f"ohlcv row of {symbol} has {len(row)} fields, expected 6")
    where = f"ohlcv of {symbol} at {row[0]}"
    return Bar(
        symbol=symbol,
        ts_ms=int(row[0]),
        open=_ccxt_decimal(row[1], where),
        high=_ccxt_decimal(row[2], where),
        low=_ccxt_decimal(row[3], where),
        close=_ccxt_decimal(row[4], where),
        volume=_ccxt_decimal(row[5], where) if row[5] is not None else Decimal(0),
    )


def mark_from_ticker(symbol: str, ticker: Mapping[str, Any], fallback_ms: int) -> MarkPrice:
    """Map a ccxt ticker to a mark: its `last` price, else the bid/ask midpoint.

    Raises:
        DataError: the ticker has neither a last price nor both sides of the book.
    """
    where = f"ticker of {symbol}"
    last = ticker.get("last")
    if last is not None:
        price = _ccxt_decimal(last, where)
    elif ticker.get("bid") is not None and ticker.get("ask") is not None:
        price = (_ccxt_decimal(ticker["bid"], where) + _ccxt_decimal(ticker["ask"], where)) / 2
    else:
        raise DataError(f"{where} has no last price and no bid/ask", file="ccxt market data")
    stamp = ticker.get("timestamp")
    return MarkPrice(symbol=symbol, price=price, ts_ms=int(stamp) if stamp else fallback_ms)


class CcxtMarketData:
    """Read bars, marks and symbol rules from an exchange; close with `close()`.

    Like `CcxtExecution`, the async client runs on a private event loop: call the methods
    from one thread, never from inside a running loop.
    """

    def __init__(
        self,
        settings: CcxtSettings,
        *,
        rng: np.random.Generator,
        sleep: Sleep | None = None,
        credentials: Credentials | None = None,
    ) -> None:
        """Build the ccxt client, keyless unless `credentials` are given (for venues that
        want a key even for candles); no network traffic yet.

        Raises:
            ConfigError: ccxt does not know the exchange id.
        """
        self._settings = settings
        self._loop = asyncio.new_event_loop()
        self._exchange: Any = self._loop.run_until_complete(
            build_exchange_in_loop(settings, credentials or _NO_KEYS)
        )
        self._retry = RetryRunner(
            policy=settings.retry,
            rng=rng,
            sleep=sleep if sleep is not None else asyncio.sleep,
            resync_clock=self._exchange.load_time_difference,
            last_headers=lambda: self._exchange.last_response_headers,
            redact=(credentials or _NO_KEYS).redact,
        )
        self._markets_loaded = False

    def close(self) -> None:
        """Close the HTTP session and the private loop (idempotent)."""
        if self._loop.is_closed():
            return
        self._loop.run_until_complete(self._exchange.close())
        self._loop.close()

    @property
    def halted_reason(self) -> str | None:
        """Why all traffic stopped (a ban), or None."""
        return self._retry.halted_reason

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self._loop.run_until_complete(coroutine)

    def fetch_bars(self, symbol: str, timeframe: str, since_ms: int, limit: int) -> Sequence[Bar]:
        """Return bars from `since_ms`, oldest first, at most `limit` (the last may still
        be forming: the runner keeps closed bars only).

        Raises:
            Transient, Fatal, Rejected: the venue could not answer (see the retry table).
            DataError: a row could not be read.
        """
        return self._run(self._fetch_bars(symbol, timeframe, since_ms, limit))

    async def _fetch_bars(
        self, symbol: str, timeframe: str, since_ms: int, limit: int
    ) -> list[Bar]:
        await self._ensure_markets()
        rows = await self._retry.run(
            f"ohlcv {symbol} {timeframe}",
            lambda: self._exchange.fetch_ohlcv(symbol, timeframe, since_ms, limit),
        )
        bars = sorted((bar_from_ohlcv(symbol, row) for row in rows), key=lambda b: b.ts_ms)
        return bars[:limit]

    def fetch_mark(self, symbol: str) -> MarkPrice:
        """Return the ticker's last price (or mid) as the mark.

        Raises:
            Transient, Fatal, Rejected: the venue could not answer. DataError: no price.
        """
        return self._run(self._fetch_mark(symbol))

    async def _fetch_mark(self, symbol: str) -> MarkPrice:
        await self._ensure_markets()
        ticker = await self._retry.run(
            f"ticker {symbol}", lambda: self._exchange.fetch_ticker(symbol)
        )
        return mark_from_ticker(symbol, ticker, fallback_ms=int(self._exchange.milliseconds()))

    def symbol_rules(self, symbol: str) -> SymbolRules:
        """Return the venue's rules for a symbol of the configured market type.

        Raises:
            DataError: the venue lists no such market. Transient, Fatal: as for reads.
        """
        return self._run(self._symbol_rules(symbol))

    async def _symbol_rules(self, symbol: str) -> SymbolRules:
        await self._ensure_markets()
        market = self._exchange.markets.get(symbol)
        if market is None or market.get("type") != self._settings.market_type.value:
            raise DataError(
                f"no {self._settings.market_type.value} market {symbol} on "
                f"{self._settings.exchange_id}",
                file="ccxt markets",
            )
        return symbol_rules_from_market(market, self._exchange.precisionMode)

    async def _ensure_markets(self) -> None:
        if not self._markets_loaded:
            await self._retry.run("load markets", self._exchange.load_markets)
            self._markets_loaded = True


def _satisfies_the_port(market: CcxtMarketData) -> MarketDataPort:
    # mypy checks here that the adapter still matches the port, structurally.
    return market
