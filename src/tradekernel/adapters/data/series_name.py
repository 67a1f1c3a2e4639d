"""Store names of bar series: `EXCHANGE:SYMBOL:TIMEFRAME`, e.g. `binance:BTC/USDT:1m`.

The market type follows ccxt's symbol convention: a symbol with a settle currency
(`BTC/USDT:USDT`) is a swap, any other is spot.
"""

import attrs

from tradekernel.domain.errors import ConfigError
from tradekernel.domain.timeframes import TIMEFRAME_MS


@attrs.frozen(kw_only=True)
class SeriesKey:
    """One stored series: exchange, market type, timeframe and symbol."""

    exchange: str
    symbol: str
    timeframe: str

    @property
    def market_type(self) -> str:
        return "swap" if ":" in self.symbol else "spot"

    @property
    def name(self) -> str:
        return f"{self.exchange}:{self.symbol}:{self.timeframe}"

    @property
    def timeframe_ms(self) -> int:
        return TIMEFRAME_MS[self.timeframe]


def looks_like_series_name(text: str) -> bool:
    """Return whether `text` has the shape of a store name (it may still not be stored)."""
    exchange, _, rest = text.partition(":")
    symbol, _, timeframe = rest.rpartition(":")
    return bool(exchange.isidentifier() and "/" in symbol and timeframe in TIMEFRAME_MS)


def parse_series_name(text: str, *, path: str = "--data") -> SeriesKey:
    """Parse `EXCHANGE:SYMBOL:TIMEFRAME`.

    Raises:
        ConfigError: `text` is not of that shape, or names an unknown timeframe.
    """
    exchange, _, rest = text.partition(":")
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
    return SeriesKey(exchange=exchange.lower(), symbol=symbol.upper(), timeframe=timeframe)
