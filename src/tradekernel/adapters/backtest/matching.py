"""Bar-driven fill prices: where an order would trade inside one OHLC bar.

Rules (prices before the volume cap and the cash check):

- MARKET: the bar's open, moved against us by the slippage (buy higher, sell lower).
- LIMIT buy: fills when `low <= limit` (touching the limit counts as a fill), at the limit,
  or at the open when the bar opens below the limit (a gap in our favour). A sell mirrors
  it: `high >= limit`, at `max(limit, open)`. Limit fills pay the maker fee and no slippage.
- STOP (stop-market) buy: triggers when `high >= stop` and fills at `max(stop, open)`; a sell
  triggers when `low <= stop` and fills at `min(stop, open)`. Being a market order once
  triggered, it takes the taker fee and the slippage on top of that price. A remainder left
  by the volume cap trades as a market order on later bars.
- STOP_LIMIT: triggers like a stop, then rests as a limit from the NEXT bar on: the order of
  prices inside the trigger bar is unknown, so the venue does not assume the limit was
  reachable after the trigger (conservative).
- OCO (a protective exit): the stop leg first: when the bar reaches the stop it fills as a
  STOP would (at the stop or the gapped open, taker, slippage), even if the bar also
  reached the take-profit: the order of prices inside a bar is unknown, and assuming the
  loss is the conservative choice. Otherwise the take-profit leg fills as a LIMIT would.
  Once a leg has filled part, the other is gone: the rest trades as that leg.
"""

from decimal import Decimal

from tradekernel.adapters.backtest.working_order import WorkingOrder
from tradekernel.domain.enums import Liquidity, OrderType, Side
from tradekernel.domain.market import Bar
from tradekernel.shared.exact import add, mul, sub

ONE = Decimal(1)


def match(order: WorkingOrder, bar: Bar, slippage: Decimal) -> tuple[Decimal, Liquidity] | None:
    """Return the fill price and liquidity of `order` on `bar`, or None if it does not trade.

    `slippage` is a fraction (bps / 10000). Fires stop triggers as a side effect.
    """
    kind = order.order_type
    if kind is OrderType.MARKET:
        return _taker(order.side, bar.open, slippage)
    if kind is OrderType.LIMIT:
        return _limit(order, bar)
    if kind is OrderType.STOP:
        if order.triggered:
            return _taker(order.side, bar.open, slippage)
        if not _stop_hit(order, bar):
            return None
        return _fire_stop(order, bar, slippage)
    if kind is OrderType.OCO:
        if order.triggered:
            return _taker(order.side, bar.open, slippage)
        if not order.filled and _stop_hit(order, bar):
            return _fire_stop(order, bar, slippage)
        return _limit(order, bar)
    # STOP_LIMIT
    if order.triggered:
        return _limit(order, bar)
    if _stop_hit(order, bar):
        order.triggered = True
    return None


def _fire_stop(order: WorkingOrder, bar: Bar, slippage: Decimal) -> tuple[Decimal, Liquidity]:
    order.triggered = True
    stop = _required_price(order.stop_price)
    base = max(stop, bar.open) if order.side is Side.BUY else min(stop, bar.open)
    return _taker(order.side, base, slippage)


def _taker(side: Side, base: Decimal, slippage: Decimal) -> tuple[Decimal, Liquidity]:
    if not slippage:
        return base, Liquidity.TAKER
    factor = add(ONE, slippage) if side is Side.BUY else sub(ONE, slippage)
    return mul(base, factor), Liquidity.TAKER


def _limit(order: WorkingOrder, bar: Bar) -> tuple[Decimal, Liquidity] | None:
    limit = _required_price(order.price)
    if order.side is Side.BUY:
        if bar.low <= limit:
            return min(limit, bar.open), Liquidity.MAKER
        return None
    if bar.high >= limit:
        return max(limit, bar.open), Liquidity.MAKER
    return None


def _stop_hit(order: WorkingOrder, bar: Bar) -> bool:
    stop = _required_price(order.stop_price)
    return bar.high >= stop if order.side is Side.BUY else bar.low <= stop


def _required_price(value: Decimal | None) -> Decimal:
    # submit() refuses orders without the price their type needs, so this never fires.
    if value is None:
        raise AssertionError("order without the price its type requires")
    return value
