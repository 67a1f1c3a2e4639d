"""ccxt market structures to `SymbolRules`, for either of ccxt's precision modes."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import ccxt

from tradekernel.domain.errors import DataError
from tradekernel.domain.market import SymbolRules


def _ccxt_decimal_or_none(value: Any) -> Decimal | None:
    if value is None:
        return None
    # repr of a float is its shortest exact decimal form: 1e-05 -> Decimal("0.00001").
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))


def _increment(value: Any, precision_mode: int) -> Decimal | None:
    """Return the increment a precision entry means (`5` places -> 0.00001; 0.1 -> 0.1)."""
    number = _ccxt_decimal_or_none(value)
    if number is None:
        return None
    if precision_mode == ccxt.DECIMAL_PLACES:
        return Decimal(1).scaleb(-int(number))
    if precision_mode == ccxt.TICK_SIZE:
        return number
    raise DataError(f"unsupported ccxt precision mode {precision_mode} (significant digits)")


def _places(increment: Decimal) -> int:
    exponent = increment.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def symbol_rules_from_market(market: Mapping[str, Any], precision_mode: int) -> SymbolRules:
    """Map one ccxt market structure to our rules. Raises DataError if a field is missing."""
    symbol = str(market.get("symbol", "?"))
    precision = market.get("precision") or {}
    limits = market.get("limits") or {}
    tick = _increment(precision.get("price"), precision_mode)
    step = _increment(precision.get("amount"), precision_mode)
    if tick is None or step is None:
        raise DataError(f"market {symbol} has no price or amount precision", file="ccxt markets")
    min_qty = _ccxt_decimal_or_none((limits.get("amount") or {}).get("min")) or Decimal(0)
    min_notional = _ccxt_decimal_or_none((limits.get("cost") or {}).get("min")) or Decimal(0)
    return SymbolRules(
        symbol=symbol,
        base=str(market["base"]),
        quote=str(market["quote"]),
        tick_size=tick,
        step_size=step,
        min_qty=min_qty,
        min_notional=min_notional,
        price_precision=_places(tick),
        qty_precision=_places(step),
    )
