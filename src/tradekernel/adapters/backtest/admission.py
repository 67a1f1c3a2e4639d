"""What the backtest venue refuses at submit, before an order ever works."""

import functools
from collections.abc import Collection
from decimal import Decimal

from tradekernel.domain.blueprint import base_and_quote
from tradekernel.domain.enums import OrderType, Side
from tradekernel.domain.intents import ExecutionIntent


def admission_problem(
    intent: ExecutionIntent, *, known: Collection[str], quote_asset: str, spot: bool = True
) -> str:
    """Return why `intent` cannot become an order ("" if it can); holdings are checked apart.

    On a spot account (`spot`) a reduce-only buy is refused: there is no short to reduce.
    """
    if intent.skipped:
        return f"intent is skipped ({intent.skip_reason})"
    if intent.client_order_id in known:
        return "duplicate client order id"
    if not intent.quantity.is_finite() or intent.quantity <= 0:
        return f"quantity must be positive, got {intent.quantity}"
    kind = intent.order_type
    if kind in _PRICED and not _is_positive(intent.price):
        return f"{kind} order needs a positive price"
    if kind in _STOPPED and not _is_positive(intent.stop_price):
        return f"{kind} order needs a positive stop_price"
    if kind is OrderType.OCO:
        problem = _oco_problem(intent)
        if problem:
            return problem
    if quote_of(intent.symbol) not in (None, quote_asset):
        return f"symbol {intent.symbol} is not quoted in {quote_asset}"
    if spot and intent.side is Side.BUY and intent.reduce_only:
        return "reduce-only buy on a spot account (nothing to reduce)"
    return ""


_PRICED = (OrderType.LIMIT, OrderType.STOP_LIMIT, OrderType.OCO)
_STOPPED = (OrderType.STOP, OrderType.STOP_LIMIT, OrderType.OCO)


def _oco_problem(intent: ExecutionIntent) -> str:
    if not intent.reduce_only:
        return "oco order must be reduce-only (it protects a position)"
    stop, target = intent.stop_price, intent.price
    if stop is None or target is None:
        return "oco order needs a stop_price and a price"
    wrong = stop >= target if intent.side is Side.SELL else stop <= target
    if wrong:
        return f"oco {intent.side} needs the stop {stop} on the losing side of the target {target}"
    return ""


def _is_positive(value: Decimal | None) -> bool:
    return value is not None and value.is_finite() and value > 0


# A venue sees the same few symbols on every order: split each once.
@functools.cache
def _split(symbol: str) -> tuple[str, str | None]:
    # "BTC/USDT" or "XRP/USDT:USDT" (ccxt, the blueprint's own split) or "BTC-USD" (file
    # names); a bare name has no known quote.
    if "/" in symbol:
        return base_and_quote(symbol)
    if "-" in symbol:
        base, _, quote = symbol.partition("-")
        return base, quote
    return symbol, None


def base_of(symbol: str) -> str:
    """Return the base asset of a `BASE/QUOTE` or `BASE-QUOTE` symbol (else the symbol)."""
    return _split(symbol)[0]


def quote_of(symbol: str) -> str | None:
    """Return the quote asset of a symbol, or None for a bare name."""
    return _split(symbol)[1]
