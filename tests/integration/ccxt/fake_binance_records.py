"""The fake venue's records: scripted faults, logged requests, orders and venue errors."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs


@attrs.frozen(kw_only=True)
class Fault:
    """One scripted fault for the first request matching `method` and `path`.

    kinds: `status` (answer `status` with `body`/`headers`, do nothing else),
    `drop_after_accept` (process the request, then close the connection unanswered),
    `delay_after_accept` (process it, then answer after `delay_s`), `status_after_accept`
    (process it, then answer `status` as a failing gateway would), `fill_on_cancel`
    (fill the order's remainder just before the cancel is processed), `hold_unbooked`
    (hold the request `delay_s` unanswered, then close the connection without booking).
    """

    kind: str
    method: str = "POST"
    path: str = "/api/v3/order"
    status: int = 0
    body: Mapping[str, Any] = attrs.field(factory=dict)
    headers: Mapping[str, str] = attrs.field(factory=dict)
    delay_s: float = 0.0


@attrs.frozen(kw_only=True)
class Request:
    method: str
    path: str
    params: Mapping[str, str]


@attrs.define
class VenueOrder:
    order_id: int
    client_order_id: str
    symbol: str
    side: str
    type: str
    quantity: Decimal
    price: Decimal
    time_in_force: str
    time_ms: int
    status: str = "NEW"
    executed: Decimal = Decimal(0)
    quote: Decimal = Decimal(0)
    update_ms: int = 0
    # An OCO leg: its list's id, its stop trigger, and its sibling leg's client id.
    order_list_id: int = -1
    stop_price: Decimal = Decimal(0)
    sibling: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "orderId": self.order_id,
            "orderListId": self.order_list_id,
            "clientOrderId": self.client_order_id,
            "price": f"{self.price:f}",
            "origQty": f"{self.quantity:f}",
            "executedQty": f"{self.executed:f}",
            "cummulativeQuoteQty": f"{self.quote:f}",
            "status": self.status,
            "timeInForce": self.time_in_force,
            "type": self.type,
            "side": self.side,
            "stopPrice": f"{self.stop_price:f}" if self.stop_price else "0.00000000",
            "icebergQty": "0.00000000",
            "time": self.time_ms,
            "updateTime": self.update_ms or self.time_ms,
            "isWorking": True,
            "workingTime": self.time_ms,
            "origQuoteOrderQty": "0.00000000",
            "selfTradePreventionMode": "EXPIRE_MAKER",
        }


class VenueError(Exception):
    def __init__(self, status: int, code: int, msg: str) -> None:
        super().__init__(msg)
        self.status, self.code, self.msg = status, code, msg
