"""Store names of bar series: `EXCHANGE:SYMBOL:TIMEFRAME`, e.g. `binance:BTC/USDT:1m`.

The market type follows ccxt's symbol convention: a symbol with a settle currency
(`BTC/USDT:USDT`) is a swap, any other is spot. A perpetual's mark-price bars are their own
series, named with the suffix `:mark` (`binanceusdm:XRP/USDT:USDT:1h:mark`).
"""

import attrs

from tradekernel.domain.errors import ConfigError
from tradekernel.domain.timeframes import TIMEFRAME_MS

TRADE_PRICE = "trade"
MARK_PRICE = "mark"
_MARK_SUFFIX = f":{MARK_PRICE}"


@attrs.frozen(kw_only=True)
class SeriesKey:
    """One stored series: exchange, market type, timeframe and symbol."""

    exchange: str
    symbol: str
    timeframe: str
    # "trade" for the traded price's bars, "mark" for a perpetual's mark-price bars.
    price: str = TRADE_PRICE

    @property
    def market_type(self) -> str:
        return "swap" if ":" in self.symbol else "spot"

    @property
    def name(self) -> str:
        suffix = _MARK_SUFFIX if self.price == MARK_PRICE else ""
        return f"{self.exchange}:{self.symbol}:{self.timeframe}{suffix}"

    @property
    def timeframe_ms(self) -> int:
        return TIMEFRAME_MS[self.timeframe]


def looks_like_series_name(text: str) -> bool:
    """Return whether `text` has the shape of a store name (it may still not be stored)."""
    text = text.removesuffix(_MARK_SUFFIX)
    exchange, _, rest = text.partition(":")
    symbol, _, timeframe = rest.rpartition(":")
    return bool(exchange.isidentifier() and "/" in symbol and timeframe in TIMEFRAME_MS)


def parse_series_name(text: str, *, path: str = "--data") -> SeriesKey:
    """Parse `EXCHANGE:SYMBOL:TIMEFRAME`, with `:mark` appended for mark-price bars.

    Raises:
        ConfigError: `text` is not of that shape, or names an unknown timeframe.
    """
    price = MARK_PRICE if text.endswith(_MARK_SUFFIX) else TRADE_PRICE
    exchange, _, rest = text.removesuffix(_MARK_SUFFIX).partition(":")
    symbol, _, timeframe = rest.rpartition(":")
    if not exchange or "/" not in symbol:
        raise ConfigError(
            f"{text!r} is not a store name EXCHANGE:SYMBOL:TIMEFRAME (e.g. binance:BTC/USDT:1m)",
            path=path,
        )
    if timeframe not in TIMEFRAME_MS:
        raise ConfigError(
            f"unknown timeframe {timeframe!r} in {text!r} (known: {', '.join(TIMEFRAME_MS)})",
            path=path,
        )
    return SeriesKey(
        exchange=exchange.lower(), symbol=symbol.upper(), timeframe=timeframe, price=price
    )
