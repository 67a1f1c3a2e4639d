"""ccxt's unified structures (plain dicts) to domain orders, fills and balances.

Every function takes what ccxt returned and gives back domain objects only, so no ccxt
type leaves the adapter. Numbers arrive as floats (or strings); they become `Decimal`
through their shortest repr, the form ccxt itself prints.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from tradekernel.domain.account import Balance
from tradekernel.domain.enums import Liquidity, OrderStatus, OrderType, Side
from tradekernel.domain.errors import DataError
from tradekernel.domain.orders import Fill, Order

_STATUS = {
    "closed": OrderStatus.FILLED,
    "canceled": OrderStatus.CANCELLED,
    "cancelled": OrderStatus.CANCELLED,
    "expired": OrderStatus.EXPIRED,
    "rejected": OrderStatus.REJECTED,
}
# ccxt's unified keys that are not currencies in a balance structure.
_BALANCE_META = frozenset({"info", "timestamp", "datetime", "free", "used", "total", "debt"})


def decimal_of(value: Any, *, where: str) -> Decimal | None:
    """Return a ccxt number as a Decimal (None stays None).

    Raises:
        DataError: the value is not a number; the message names `where`.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise DataError(f"expected a number, got {value!r} @ {where}", file="ccxt payload")
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    except ArithmeticError:
        raise DataError(
            f"expected a number, got {value!r} @ {where}", file="ccxt payload"
        ) from None
    # 241.0 -> 241: an integral amount carries no decimal places of its own.
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


def _required(data: Mapping[str, Any], key: str, where: str) -> Any:
    value = data.get(key)
    if value is None:
        raise DataError(f"missing {key!r} @ {where}", file="ccxt payload")
    return value


def _side(value: Any, where: str) -> Side:
    try:
        return Side(str(value).lower())
    except ValueError:
        raise DataError(f"unknown side {value!r} @ {where}.side", file="ccxt payload") from None


def _trigger(order: Mapping[str, Any]) -> Any:
    # Kraken's take-profit and stop-loss orders carry their trigger in these two keys only.
    for key in ("triggerPrice", "stopPrice", "stopLossPrice", "takeProfitPrice"):
        if order.get(key) is not None:
            return order[key]
    return None


def _order_type(order: Mapping[str, Any], where: str) -> OrderType:
    raw = str(_required(order, "type", where)).lower()
    has_trigger = _trigger(order) is not None
    if raw == "market":
        return OrderType.STOP if has_trigger else OrderType.MARKET
    if raw in {"limit", "limit_maker"}:
        return OrderType.STOP_LIMIT if has_trigger else OrderType.LIMIT
    if raw in {"stop", "stop_market", "stop_loss", "take_profit", "take-profit"}:
        return OrderType.STOP
    if raw in {"stop_limit", "stop_loss_limit", "take_profit_limit", "stop-loss-limit"}:
        return OrderType.STOP_LIMIT
    raise DataError(f"unsupported order type {raw!r} @ {where}.type", file="ccxt payload")


def _status(order: Mapping[str, Any], filled: Decimal, where: str) -> OrderStatus:
    raw = order.get("status")
    if raw == "open" or raw is None:
        return OrderStatus.PARTIALLY_FILLED if filled > 0 else OrderStatus.ACCEPTED
    status = _STATUS.get(str(raw))
    if status is None:
        raise DataError(f"unknown order status {raw!r} @ {where}.status", file="ccxt payload")
    return status


def order_from_ccxt(order: Mapping[str, Any], *, client_order_id: str | None = None) -> Order:
    """Map a ccxt order structure to an `Order`.

    `client_order_id` is the id we sent, used when the venue's answer omits it; an order
    placed by someone else and naming no client id gets `""` (never one of ours).

    Raises:
        DataError: a field the domain needs is missing or unreadable.
    """
    venue_id = order.get("id")
    where = f"order {venue_id}"
    coid = order.get("clientOrderId") or client_order_id or ""
    order_type = _order_type(order, where)
    quantity = decimal_of(_required(order, "amount", where), where=f"{where}.amount")
    filled = decimal_of(order.get("filled"), where=f"{where}.filled") or Decimal(0)
    price = decimal_of(order.get("price"), where=f"{where}.price")
    trigger = _trigger(order)
    created = order.get("timestamp")
    updated = order.get("lastUpdateTimestamp") or order.get("lastTradeTimestamp") or created
    return Order(
        client_order_id=str(coid),
        symbol=str(_required(order, "symbol", where)),
        side=_side(_required(order, "side", where), where),
        order_type=order_type,
        quantity=quantity if quantity is not None else Decimal(0),
        # A market order has no price of its own; ccxt fills `price` with the average.
        price=None if order_type in (OrderType.MARKET, OrderType.STOP) else price,
        stop_price=decimal_of(trigger, where=f"{where}.triggerPrice"),
        status=_status(order, filled, where),
        filled_quantity=filled,
        average_fill_price=decimal_of(order.get("average"), where=f"{where}.average"),
        venue_order_id=None if venue_id is None else str(venue_id),
        created_ms=int(created) if created is not None else 0,
        updated_ms=int(updated) if updated is not None else 0,
        reduce_only=bool(order.get("reduceOnly") or False),
    )


def fill_from_ccxt(trade: Mapping[str, Any], *, client_order_id: str) -> Fill:
    """Map a ccxt trade structure to a `Fill` of the order `client_order_id`.

    ccxt trades name the venue's order id only; the caller resolves our client id.

    Raises:
        DataError: a field the domain needs is missing or unreadable.
    """
    trade_id = _required(trade, "id", "trade")
    where = f"trade {trade_id}"
    fee = trade.get("fee") or {}
    fee_cost = decimal_of(fee.get("cost"), where=f"{where}.fee.cost")
    quantity = decimal_of(_required(trade, "amount", where), where=f"{where}.amount")
    price = decimal_of(_required(trade, "price", where), where=f"{where}.price")
    if quantity is None or price is None:
        raise DataError(f"missing amount or price @ {where}", file="ccxt payload")
    return Fill(
        trade_id=str(trade_id),
        client_order_id=client_order_id,
        symbol=str(_required(trade, "symbol", where)),
        side=_side(_required(trade, "side", where), where),
        quantity=quantity,
        price=price,
        fee=fee_cost if fee_cost is not None else Decimal(0),
        fee_asset=str(fee.get("currency") or ""),
        ts_ms=int(_required(trade, "timestamp", where)),
        liquidity=Liquidity.MAKER if trade.get("takerOrMaker") == "maker" else Liquidity.TAKER,
    )


def balances_from_ccxt(balance: Mapping[str, Any]) -> tuple[Balance, ...]:
    """Map a ccxt balance structure to balances, sorted by asset.

    Raises:
        DataError: an amount is unreadable.
    """
    rows: list[Balance] = []
    for asset in sorted(key for key in balance if key not in _BALANCE_META):
        entry = balance[asset]
        if not isinstance(entry, Mapping):
            continue
        free = decimal_of(entry.get("free"), where=f"balance {asset}.free") or Decimal(0)
        used = decimal_of(entry.get("used"), where=f"balance {asset}.used") or Decimal(0)
        rows.append(Balance(asset=asset, free=free, locked=used))
    return tuple(rows)


def venue_order_ids(trades: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """Return the distinct venue order ids the trades belong to, sorted."""
    return tuple(sorted({str(trade["order"]) for trade in trades if trade.get("order")}))
