"""Build a configured `ccxt.async_support` exchange: market-type options, URL override,
sandbox mode, timeouts, and a wire logger that never prints a credential."""

import logging
from typing import Any
from urllib.parse import urlsplit

import ccxt.async_support as ccxt_async
from typing_extensions import override

from tradekernel.adapters.ccxt.config import CcxtSettings, Credentials, MarketType
from tradekernel.domain.errors import ConfigError

_WIRE_LOGGER = "tradekernel.adapters.ccxt.wire"
# ccxt's Binance names for the market types; other exchanges read `defaultType`.
_BINANCE_TYPES = {MarketType.SPOT: ["spot"], MarketType.SWAP: ["linear"]}
_BINANCE_IDS = ("binance", "binanceusdm")


class _RedactingFilter(logging.Filter):
    """Rewrite every record of the wire logger with the credentials masked."""

    def __init__(self, credentials: Credentials) -> None:
        super().__init__()
        self._credentials = credentials

    @override
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._credentials.redact(record.getMessage())
        record.args = None
        return True


def wire_logger(credentials: Credentials) -> logging.Logger:
    """Return the logger ccxt writes its request lines to, with credentials masked."""
    logger = logging.getLogger(_WIRE_LOGGER)
    for old in [f for f in logger.filters if isinstance(f, _RedactingFilter)]:
        logger.removeFilter(old)
    logger.addFilter(_RedactingFilter(credentials))
    return logger


def rewrite_base_url(urls: Any, base_url: str) -> Any:
    """Return ccxt's `urls['api']` (a string or nested dicts) with scheme and host of every
    URL replaced by `base_url`, keeping each path (`/api/v3` stays `/api/v3`)."""
    if isinstance(urls, str):
        parts = urlsplit(urls)
        if not parts.scheme:
            return urls
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return base_url.rstrip("/") + path
    if isinstance(urls, dict):
        return {key: rewrite_base_url(value, base_url) for key, value in urls.items()}
    return urls


def market_options(settings: CcxtSettings) -> dict[str, Any]:
    """Return the ccxt options that restrict market loading to the configured market type.

    For Binance spot this means only `GET /api/v3/exchangeInfo`: no futures exchange info,
    no currencies (a private `sapi` call) and no margin pairs.
    """
    options: dict[str, Any] = {
        "defaultType": settings.market_type.value,
        "fetchCurrencies": False,
        "fetchMargins": False,
        "adjustForTimeDifference": False,
    }
    if settings.exchange_id in _BINANCE_IDS:
        options["fetchMarkets"] = {"types": _BINANCE_TYPES[settings.market_type]}
        options["warnOnFetchOpenOrdersWithoutSymbol"] = False
        options["recvWindow"] = settings.recv_window_ms
    return options


def build_exchange(settings: CcxtSettings, credentials: Credentials) -> Any:
    """Return a ccxt async exchange configured from the settings; call inside the event
    loop that will run it.

    Raises:
        ConfigError: ccxt does not know the exchange id.
    """
    exchange_class = getattr(ccxt_async, settings.exchange_id, None)
    if exchange_class is None:
        raise ConfigError(
            f"unknown ccxt exchange {settings.exchange_id!r}", path="ccxt.exchange_id"
        )
    exchange = exchange_class(
        {
            "apiKey": credentials.api_key,
            "secret": credentials.secret,
            "timeout": settings.timeout_ms,
            "enableRateLimit": settings.enable_rate_limit,
            "options": market_options(settings),
        }
    )
    exchange.logger = wire_logger(credentials)
    if settings.sandbox:
        exchange.set_sandbox_mode(True)
    if settings.api_base_url is not None:
        exchange.urls["api"] = rewrite_base_url(exchange.urls["api"], settings.api_base_url)
    return exchange


async def build_exchange_in_loop(settings: CcxtSettings, credentials: Credentials) -> Any:
    """Return `build_exchange(settings, credentials)`, built on the running event loop.

    aiohttp binds its session to the loop it was created on: an adapter with a private
    loop runs this coroutine on that loop.

    Raises:
        ConfigError: ccxt does not know the exchange id.
    """
    return build_exchange(settings, credentials)
