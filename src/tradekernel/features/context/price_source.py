"""Which price series an indicator reads: close, open, high, low or hl2."""

from tradekernel.shared.bars import BarSeries, FloatArray

SOURCES = ("close", "open", "high", "low", "hl2")


def select_source(bars: BarSeries, source: str) -> FloatArray:
    """Return the price column named `source` (`hl2` is the high-low midpoint).

    Raises:
        ValueError: if `source` is not one of `SOURCES`.
    """
    if source == "close":
        return bars.close
    if source == "open":
        return bars.open
    if source == "high":
        return bars.high
    if source == "low":
        return bars.low
    if source == "hl2":
        return (bars.high + bars.low) / 2.0
    raise ValueError(f"source must be one of {', '.join(SOURCES)}, got {source!r}")
