"""Market value objects: symbol rules, bars and mark prices."""

from decimal import Decimal

import attrs


@attrs.frozen(kw_only=True)
class SymbolRules:
    """Trading rules of one symbol on one venue.

    `tick_size` and `step_size` are the price and quantity increments; the precisions are
    the number of decimal places the venue prints (derived from the increments when the
    venue reports increments only).
    """

    symbol: str
    base: str
    quote: str
    tick_size: Decimal
    step_size: Decimal
    min_qty: Decimal = Decimal(0)
    min_notional: Decimal = Decimal(0)
    price_precision: int | None = None
    qty_precision: int | None = None


@attrs.frozen(kw_only=True)
class Bar:
    """One OHLCV candle; `ts_ms` is the candle's open time in UTC epoch milliseconds."""

    symbol: str
    ts_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal


@attrs.frozen(kw_only=True)
class MarkPrice:
    symbol: str
    price: Decimal
    ts_ms: int
