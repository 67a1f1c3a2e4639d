"""The bar lengths tradekernel knows: one table for the blueprint, the data checks and live.

The names are the ones ccxt venues use for candles (`fetch_ohlcv`), so a live bot asks the
venue for exactly the timeframe its blueprint declares.
"""

from tradekernel.domain.errors import ConfigError

_MINUTE = 60_000
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR

TIMEFRAME_MS: dict[str, int] = {
    "1m": _MINUTE,
    "3m": 3 * _MINUTE,
    "5m": 5 * _MINUTE,
    "15m": 15 * _MINUTE,
    "30m": 30 * _MINUTE,
    "1h": _HOUR,
    "2h": 2 * _HOUR,
    "4h": 4 * _HOUR,
    "6h": 6 * _HOUR,
    "8h": 8 * _HOUR,
    "12h": 12 * _HOUR,
    "1d": _DAY,
    "3d": 3 * _DAY,
    "1w": 7 * _DAY,
}


def timeframe_ms(name: str, *, path: str = "blueprint.timeframe", file: str | None = None) -> int:
    """Return the length in milliseconds of a known timeframe.

    Raises:
        ConfigError: `name` is not one of `TIMEFRAME_MS` (the known names are listed).
    """
    try:
        return TIMEFRAME_MS[name]
    except KeyError:
        raise ConfigError(
            f"unknown timeframe {name!r} (known: {', '.join(TIMEFRAME_MS)})", path=path, file=file
        ) from None


def timeframe_name(ms: int) -> str:
    """Return the name of a bar length, or a plain count of a unit for an unknown one."""
    for name, length in TIMEFRAME_MS.items():
        if length == ms:
            return name
    for unit, length in (("d", _DAY), ("h", _HOUR), ("m", _MINUTE), ("s", 1000)):
        if ms >= length and ms % length == 0:
            return f"{ms // length}{unit}"
    return f"{ms}ms"
