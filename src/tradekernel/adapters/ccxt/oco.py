"""Protective OCO orders on Binance spot: one order list through ccxt's implicit API.

ccxt's `binance` class has no unified OCO call (`create_order` places one order), so the
list goes through the REST endpoints it exposes as implicit methods:
`privatePostOrderListOco` (place), `privateGetOrderList` (read),
`privateDeleteOrderList` (cancel), with each leg read by `privateGetOrder`. Two separate
exit orders would lock the same holding twice; the list locks it once, and Binance
cancels (expires) the other leg when one fills.

The rest of tradekernel sees one order: client id = the list's client id (the protective
id, `...-p<n>`), type `OrderType.OCO`, `price` = the take-profit, `stop_price` = the stop,
filled = the legs' fills added up. The legs carry derived ids (`shared.ids.oco_leg_ids`),
so open orders, trades and the startup guard fold them back into their list.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from tradekernel.adapters.ccxt.mapping import decimal_of
from tradekernel.adapters.ccxt.retry import RetryRunner
from tradekernel.domain.enums import OrderStatus, OrderType, Side
from tradekernel.domain.errors import DataError
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.orders import Order
from tradekernel.shared.ids import oco_leg_ids

_STOP_TYPES = frozenset({"STOP_LOSS", "STOP_LOSS_LIMIT"})
_ENDED = frozenset({"CANCELED", "EXPIRED", "REJECTED", "EXPIRED_IN_MATCH"})


def oco_request(intent: ExecutionIntent, market_id: str) -> dict[str, str]:
    """Return the `orderList/oco` params of a protective OCO intent.

    A sell puts the take-profit above (LIMIT_MAKER) and the stop below (STOP_LOSS); a buy
    the stop above and the take-profit below.

    Raises:
        ValueError: the intent is not an OCO with both levels.
    """
    stop, target = intent.stop_price, intent.price
    if intent.order_type is not OrderType.OCO or stop is None or target is None:
        raise ValueError(f"{intent.client_order_id} is not an OCO with a stop and a target")
    stop_leg, target_leg = oco_leg_ids(intent.client_order_id)
    stop_side, target_side = ("below", "above") if intent.side is Side.SELL else ("above", "below")
    return {
        "symbol": market_id,
        "listClientOrderId": intent.client_order_id,
        "side": intent.side.value.upper(),
        "quantity": format(intent.quantity, "f"),
        f"{target_side}Type": "LIMIT_MAKER",
        f"{target_side}ClientOrderId": target_leg,
        f"{target_side}Price": format(target, "f"),
        f"{stop_side}Type": "STOP_LOSS",
        f"{stop_side}ClientOrderId": stop_leg,
        f"{stop_side}StopPrice": format(stop, "f"),
        "newOrderRespType": "FULL",
    }


def order_from_legs(
    list_client_order_id: str, symbol: str, legs: Sequence[Mapping[str, Any]]
) -> Order:
    """Return the one order the legs of an OCO list make (raw Binance order reports).

    Raises:
        DataError: a leg misses a field or the list has no leg.
    """
    where = f"OCO {list_client_order_id}"
    if not legs:
        raise DataError(f"no leg @ {where}", file="ccxt payload")
    filled = quote = Decimal(0)
    price = stop = None
    statuses = []
    for leg in legs:
        kind = str(leg.get("type", ""))
        if kind in _STOP_TYPES:
            stop = decimal_of(leg.get("stopPrice"), where=f"{where}.stopPrice")
        else:
            price = decimal_of(leg.get("price"), where=f"{where}.price")
        filled += decimal_of(leg.get("executedQty"), where=f"{where}.executedQty") or 0
        quote += decimal_of(leg.get("cummulativeQuoteQty"), where=f"{where}.quote") or 0
        statuses.append(str(leg.get("status", "")))
    first = legs[0]
    quantity = decimal_of(first.get("origQty"), where=f"{where}.origQty")
    if quantity is None:
        raise DataError(f"missing 'origQty' @ {where}", file="ccxt payload")
    created = int(first.get("time") or first.get("transactTime") or 0)
    updated = max(int(leg.get("updateTime") or leg.get("transactTime") or 0) for leg in legs)
    return Order(
        client_order_id=list_client_order_id,
        symbol=symbol,
        side=Side(str(first.get("side", "")).lower()),
        order_type=OrderType.OCO,
        quantity=quantity,
        price=price,
        stop_price=stop,
        status=_list_status(statuses),
        filled_quantity=filled,
        average_fill_price=quote / filled if filled else None,
        venue_order_id=str(first.get("orderListId", "")) or None,
        created_ms=created,
        updated_ms=max(created, updated),
        reduce_only=True,
    )


def _list_status(statuses: Sequence[str]) -> OrderStatus:
    if "FILLED" in statuses:
        return OrderStatus.FILLED
    if "PARTIALLY_FILLED" in statuses:
        return OrderStatus.PARTIALLY_FILLED
    if all(status in _ENDED for status in statuses):
        return OrderStatus.CANCELLED
    return OrderStatus.ACCEPTED


def leg_venue_ids(legs: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """Return the venue order ids of an OCO's legs (their trades name these)."""
    return tuple(str(leg["orderId"]) for leg in legs if leg.get("orderId") is not None)


async def place_oco(
    exchange: Any, retry: RetryRunner, intent: ExecutionIntent
) -> tuple[Order, tuple[str, ...]]:
    """Place the OCO list; return it as one order, and its legs' venue order ids.

    Raises:
        UnconfirmedRequest: the venue may hold the list (look it up, do not resend).
        Rejected, InsufficientFunds, Transient, Fatal: as for any submit.
    """
    request = oco_request(intent, exchange.market(intent.symbol)["id"])

    async def create() -> Any:
        return await exchange.privatePostOrderListOco(request)

    raw = await retry.run(
        "submit", create, client_order_id=intent.client_order_id, retry_unreachable=False
    )
    legs = raw.get("orderReports") or []
    return order_from_legs(intent.client_order_id, intent.symbol, legs), leg_venue_ids(legs)


async def fetch_oco(
    exchange: Any, retry: RetryRunner, symbol: str, list_client_order_id: str
) -> tuple[Order, tuple[str, ...]]:
    """Return the OCO list as one order (its legs read one by one) and the legs' venue ids.

    Raises:
        OrderNotFound: the venue knows no such list. Transient, Fatal: as for reads.
    """
    market_id = exchange.market(symbol)["id"]

    async def read_list() -> Any:
        return await exchange.privateGetOrderList({"origClientOrderId": list_client_order_id})

    listed = await retry.run("fetch order", read_list, client_order_id=list_client_order_id)
    legs = []
    for leg in listed.get("orders") or []:
        leg_id = str(leg.get("clientOrderId", ""))

        async def read_leg(leg_id: str = leg_id) -> Any:
            return await exchange.privateGetOrder(
                {"symbol": market_id, "origClientOrderId": leg_id}
            )

        legs.append(await retry.run("fetch order", read_leg, client_order_id=leg_id))
    return order_from_legs(list_client_order_id, symbol, legs), leg_venue_ids(legs)


async def cancel_oco(
    exchange: Any, retry: RetryRunner, symbol: str, list_client_order_id: str
) -> None:
    """Cancel the OCO list (both legs).

    Raises:
        OrderNotFound, Rejected: the venue knows no working list of that id.
        Transient, Fatal: as for any request.
    """
    market_id = exchange.market(symbol)["id"]

    async def cancel() -> Any:
        return await exchange.privateDeleteOrderList(
            {"symbol": market_id, "listClientOrderId": list_client_order_id}
        )

    await retry.run("cancel", cancel, client_order_id=list_client_order_id)
