"""OCO order lists on the backtest-matching Binance: one backtest OCO order, two Binance legs.

The backtest venue holds a protective OCO as one order (`OrderType.OCO`: `price` the
take-profit, `stop_price` the stop), matched by the backtest's own rules. Binance shows
it as an order list of two legs, a STOP_LOSS below and a LIMIT_MAKER above, whose client
ids derive from the list's (`shared.ids.oco_leg_ids`). The legs are rebuilt from the
order on every read as the other fake's records (`fake_binance_records.VenueOrder`), so
the list and leg answers are that fake's (`fake_binance_lists.list_json`).

Which leg filled is read from the fill price: at or above the take-profit the target,
else the stop (a stop fills at its level or below, a target at its level or above).
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Protocol

from tests.integration.ccxt.fake_binance_lists import ListVenue, list_json
from tests.integration.ccxt.fake_binance_records import VenueError, VenueOrder

from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.domain.enums import CloseSemantics, OrderStatus, OrderType, Side
from tradekernel.domain.errors import OrderNotFound
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.orders import Fill, Order
from tradekernel.shared.ids import oco_leg_ids, oco_list_id

_LEG_STATUS = {
    OrderStatus.SUBMITTED: "NEW",
    OrderStatus.ACCEPTED: "NEW",
    OrderStatus.PARTIALLY_FILLED: "PARTIALLY_FILLED",
    OrderStatus.FILLED: "FILLED",
}


class ListBook(ListVenue, Protocol):
    """What the order lists need of `BacktestBinance`."""

    venue: BacktestVenue

    def book(self, intent: ExecutionIntent) -> Order: ...

    def guard_fill_bar(self, symbol: str, client_order_id: str) -> None: ...

    def market_now(self) -> int: ...

    def market_of(self, symbol: str) -> str: ...

    def symbol_of(self, market: str) -> str: ...


def place_oco(book: ListBook, params: Mapping[str, str]) -> dict[str, Any]:
    """Answer `POST /api/v3/orderList/oco` for a sell OCO (a protective exit of a long)."""
    if params["side"] != "SELL":
        raise VenueError(400, -1013, "this venue books sell OCOs only")
    list_coid = params["listClientOrderId"]
    intent = ExecutionIntent(
        client_order_id=list_coid,
        directive_id="venue",
        symbol=book.symbol_of(params["symbol"]),
        side=Side.SELL,
        order_type=OrderType.OCO,
        quantity=Decimal(params["quantity"]),
        price=Decimal(params["abovePrice"]),
        stop_price=Decimal(params["belowStopPrice"]),
        close_semantics=CloseSemantics.REDUCE_ONLY,  # an order list only sells what is held
    )
    book.book(intent)
    book.lists[list_coid] = (book.new_id(), params["symbol"], oco_leg_ids(list_coid))
    book.guard_fill_bar(intent.symbol, list_coid)
    for leg in oco_leg_ids(list_coid):
        book.orders[leg] = VenueOrder(
            order_id=book.new_id(),
            client_order_id=leg,
            symbol=params["symbol"],
            side="SELL",
            type="",
            quantity=intent.quantity,
            price=Decimal(0),
            time_in_force="GTC",
            time_ms=book.market_now(),
        )
    return answer(book, list_coid)


def answer(book: ListBook, list_coid: str) -> dict[str, Any]:
    """Return the list as Binance answers it, with its legs' reports."""
    legs = refresh_legs(book, list_coid)
    now = book.market_now()
    reports = [{**leg.as_json(), "transactTime": now} for leg in legs]
    return {**list_json(book, list_coid), "orderReports": reports}


def read_list(book: ListBook, params: Mapping[str, str]) -> dict[str, Any]:
    """Answer `GET /api/v3/orderList` by the list's client id."""
    list_coid = params.get("origClientOrderId", "")
    if list_coid not in book.lists:
        raise VenueError(400, -2011, "Order list does not exist.")
    refresh_legs(book, list_coid)
    return list_json(book, list_coid)


def cancel_list(book: ListBook, params: Mapping[str, str]) -> dict[str, Any]:
    """Answer `DELETE /api/v3/orderList`: cancel both legs of a working list."""
    list_coid = params.get("listClientOrderId", "")
    if list_coid not in book.lists:
        raise VenueError(400, -2011, "Unknown order list sent.")
    symbol = book.symbol_of(params["symbol"])
    if book.venue.fetch_order(symbol, list_coid).status.is_terminal:
        raise VenueError(400, -2011, "Unknown order list sent.")
    book.venue.cancel(symbol, list_coid)
    return answer(book, list_coid)


def leg_json(book: ListBook, leg_coid: str) -> dict[str, Any] | None:
    """Return a leg's order report (`GET /api/v3/order`), or None for a plain order's id."""
    list_coid = oco_list_id(leg_coid)
    if list_coid is None or list_coid not in book.lists:
        return None
    refresh_legs(book, list_coid)
    return book.orders[leg_coid].as_json()


def open_legs(book: ListBook, orders: Iterable[Order]) -> list[dict[str, Any]]:
    """Return the working legs of the working OCO orders among `orders`."""
    legs: list[dict[str, Any]] = []
    for order in orders:
        if order.order_type is OrderType.OCO:
            legs.extend(leg.as_json() for leg in refresh_legs(book, order.client_order_id))
    return legs


def leg_of_fill(book: ListBook, fill: Fill) -> VenueOrder | None:
    """Return the leg a fill of an OCO order executed on (None: not an OCO's fill)."""
    if fill.client_order_id not in book.lists:
        return None
    order = book.venue.fetch_order(fill.symbol, fill.client_order_id)
    stop_leg, target_leg = oco_leg_ids(fill.client_order_id)
    hit_target = order.price is not None and fill.price >= order.price
    return book.orders[target_leg if hit_target else stop_leg]


def refresh_legs(book: ListBook, list_coid: str) -> tuple[VenueOrder, VenueOrder]:
    """Rewrite the two legs' records from the backtest venue's OCO order."""
    _, market, _ = book.lists[list_coid]
    try:
        order = book.venue.fetch_order(book.symbol_of(market), list_coid)
    except OrderNotFound:
        raise VenueError(400, -2013, "Order does not exist.") from None
    fills = [f for f in book.venue.own_trades(order.symbol) if f.client_order_id == list_coid]
    stop_leg, target_leg = (book.orders[leg] for leg in oco_leg_ids(list_coid))
    filled_leg = leg_of_fill(book, fills[0]) if fills else None
    stop_leg.type, stop_leg.stop_price = "STOP_LOSS", order.stop_price or Decimal(0)
    target_leg.type, target_leg.price = "LIMIT_MAKER", order.price or Decimal(0)
    for leg in (stop_leg, target_leg):
        leg.order_list_id = book.lists[list_coid][0]
        leg.update_ms = max(leg.time_ms, order.updated_ms)
        if leg is filled_leg:
            leg.status = _LEG_STATUS.get(order.status, "FILLED")
            leg.executed = order.filled_quantity
            leg.quote = sum((f.quantity * f.price for f in fills), Decimal(0))
        elif filled_leg is not None:
            leg.status = "EXPIRED"  # Binance expires the sibling of a leg that executes
        else:
            leg.status = _LEG_STATUS.get(order.status, "CANCELED")
    return stop_leg, target_leg
