"""OCO order lists on the fake Binance venue (`POST/GET/DELETE /api/v3/orderList...`).

A sell OCO books two legs, a STOP_LOSS below and a LIMIT_MAKER above, that lock the base
asset once; `FakeBinance.fill` on a leg expires its sibling, as Binance does.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol

from tests.integration.ccxt.fake_binance_records import VenueError, VenueOrder

WORKING = {"NEW", "PARTIALLY_FILLED"}


class ListVenue(Protocol):
    """What the order lists need of the fake venue."""

    orders: dict[str, VenueOrder]
    lists: dict[str, tuple[int, str, tuple[str, ...]]]

    def now_ms(self) -> int: ...

    def new_id(self) -> int: ...

    def balance(self, asset: str) -> list[Decimal]: ...

    def asset_pair(self, symbol: str) -> tuple[str, str]: ...


def new_oco(venue: ListVenue, params: Mapping[str, str]) -> dict[str, Any]:
    symbol, side, qty = params["symbol"], params["side"], Decimal(params["quantity"])
    list_coid = params["listClientOrderId"]
    if side != "SELL":
        raise VenueError(400, -1013, "this fake books sell OCOs only")
    if params.get("aboveType") != "LIMIT_MAKER" or params.get("belowType") != "STOP_LOSS":
        raise VenueError(400, -1106, "a sell OCO is a LIMIT_MAKER above a STOP_LOSS")
    if list_coid in venue.lists:
        raise VenueError(400, -2010, "Duplicate order sent.")
    base, _ = venue.asset_pair(symbol)
    pool = venue.balance(base)
    if pool[0] < qty:
        raise VenueError(400, -2010, "Account has insufficient balance for requested action.")
    pool[0] -= qty  # one lock for both legs
    pool[1] += qty
    list_id, now = venue.new_id(), venue.now_ms()
    above, below = params["aboveClientOrderId"], params["belowClientOrderId"]
    legs = []
    for coid, kind, price, stop, sibling in (
        (below, "STOP_LOSS", Decimal(0), Decimal(params["belowStopPrice"]), above),
        (above, "LIMIT_MAKER", Decimal(params["abovePrice"]), Decimal(0), below),
    ):
        venue.orders[coid] = order = VenueOrder(
            order_id=venue.new_id(),
            client_order_id=coid,
            symbol=symbol,
            side=side,
            type=kind,
            quantity=qty,
            price=price,
            time_in_force="GTC",
            time_ms=now,
            order_list_id=list_id,
            stop_price=stop,
            sibling=sibling,
        )
        legs.append(order)
    venue.lists[list_coid] = (list_id, symbol, (below, above))
    reports = [{**leg.as_json(), "transactTime": now} for leg in legs]
    return {**list_json(venue, list_coid), "orderReports": reports}


def list_json(venue: ListVenue, list_coid: str) -> dict[str, Any]:
    list_id, symbol, coids = venue.lists[list_coid]
    legs = [venue.orders[coid] for coid in coids]
    done = all(leg.status not in WORKING for leg in legs)
    return {
        "orderListId": list_id,
        "contingencyType": "OCO",
        "listStatusType": "ALL_DONE" if done else "EXEC_STARTED",
        "listOrderStatus": "ALL_DONE" if done else "EXECUTING",
        "listClientOrderId": list_coid,
        "transactionTime": max(leg.update_ms or leg.time_ms for leg in legs),
        "symbol": symbol,
        "orders": [
            {"symbol": symbol, "orderId": leg.order_id, "clientOrderId": leg.client_order_id}
            for leg in legs
        ],
    }


def cancel_list(venue: ListVenue, params: Mapping[str, str]) -> dict[str, Any]:
    list_coid = params.get("listClientOrderId", "")
    if list_coid not in venue.lists:
        raise VenueError(400, -2011, "Unknown order list sent.")
    legs = [venue.orders[coid] for coid in venue.lists[list_coid][2]]
    if not any(leg.status in WORKING for leg in legs):
        raise VenueError(400, -2011, "Unknown order list sent.")
    base, _ = venue.asset_pair(legs[0].symbol)
    left = legs[0].quantity - sum((leg.executed for leg in legs), Decimal(0))
    pool = venue.balance(base)
    pool[1] -= left
    pool[0] += left
    now = venue.now_ms()
    for leg in legs:
        if leg.status in WORKING:
            leg.status = "CANCELED"
            leg.update_ms = now
    reports = [{**leg.as_json(), "transactTime": now} for leg in legs]
    return {**list_json(venue, list_coid), "orderReports": reports}
