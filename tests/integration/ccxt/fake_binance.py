"""A loopback fake of Binance's spot REST API, for driving ccxt's real `binance` class.

A stdlib `ThreadingHTTPServer` on 127.0.0.1 (ephemeral port). It verifies the HMAC-SHA256
signature and timestamp of signed requests, keeps orders, trades and balances, fills
market orders at once and limit orders when the test calls `fill`, logs every request,
and injects faults from a script (`Fault`), each consumed by the first matching request.
Cancel-replace (`POST /api/v3/order/cancelReplace`, ccxt's `edit_order` on spot) cancels
then places, and places nothing when the cancel fails, as Binance's STOP_ON_FAILURE.
"""

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Mapping
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.integration.ccxt.fake_binance_lists import WORKING, cancel_list, list_json, new_oco
from tests.integration.ccxt.fake_binance_records import Fault, Request, VenueError, VenueOrder

__all__ = ["FakeBinance", "Fault", "Request"]

EXCHANGE_INFO = Path(__file__).parent / "data" / "binance_exchange_info.json"
FEE_RATE = Decimal("0.001")
SIGNED = {
    "/api/v3/order",
    "/api/v3/order/cancelReplace",
    "/api/v3/openOrders",
    "/api/v3/account",
    "/api/v3/myTrades",
    "/api/v3/orderList/oco",
    "/api/v3/orderList",
}


class FakeBinance:
    """The venue's state and its HTTP server; `start()` it, `stop()` it."""

    def __init__(self, *, api_key: str, secret: str, recv_window_ms: int = 5_000) -> None:
        self.api_key = api_key
        self.secret = secret
        self.recv_window_ms = recv_window_ms
        self.skew_ms = 0
        self.prices: dict[str, Decimal] = {"BTCUSDT": Decimal("50000"), "ETHUSDT": Decimal("3000")}
        self.balances: dict[str, list[Decimal]] = {"USDT": [Decimal("100000"), Decimal(0)]}
        self.orders: dict[str, VenueOrder] = {}
        # OCO order lists: list client id -> (list id, symbol, leg client ids).
        self.lists: dict[str, tuple[int, str, tuple[str, ...]]] = {}
        self.trades: list[dict[str, Any]] = []
        self.klines: dict[str, list[list[Any]]] = {}
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self._info = json.loads(EXCHANGE_INFO.read_text())
        self._markets = {entry["symbol"]: entry for entry in self._info["symbols"]}
        self._lock = threading.RLock()
        self._next_id = 1000
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> "FakeBinance":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- test controls ------------------------------------------------------------------

    def script(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000 + self.skew_ms

    def calls(self, method: str, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if (r.method, r.path) == (method, path)]

    def fill(self, client_order_id: str, quantity: Decimal, price: Decimal | None = None) -> None:
        """Execute part of a working order, as the matching engine would (an OCO leg at its
        level: the stop leg as a taker; its sibling leg expires)."""
        with self._lock:
            order = self.orders[client_order_id]
            level = order.stop_price if order.type == "STOP_LOSS" else order.price
            maker = order.type != "STOP_LOSS"
            self._execute(order, quantity, price if price is not None else level, maker=maker)
            sibling = self.orders.get(order.sibling)
            if sibling is not None and sibling.status in WORKING:
                sibling.status = "EXPIRED"
                sibling.update_ms = order.update_ms

    def forget(self, client_order_id: str) -> None:
        """Drop an order from the venue's books (its trades stay in `myTrades`): open
        orders no longer list it and a lookup answers -2013, as for an archived order."""
        with self._lock:
            del self.orders[client_order_id]

    # -- matching -----------------------------------------------------------------------

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def balance(self, asset: str) -> list[Decimal]:
        return self._balance(asset)

    def asset_pair(self, symbol: str) -> tuple[str, str]:
        return self._asset_pair(symbol)

    def _asset_pair(self, symbol: str) -> tuple[str, str]:
        market = self._markets[symbol]
        return market["baseAsset"], market["quoteAsset"]

    def _balance(self, asset: str) -> list[Decimal]:
        return self.balances.setdefault(asset, [Decimal(0), Decimal(0)])

    def _execute(self, order: VenueOrder, qty: Decimal, price: Decimal, *, maker: bool) -> None:
        base, quote = self._asset_pair(order.symbol)
        qty = min(qty, order.quantity - order.executed)
        notional = qty * price
        self._next_id += 1
        if order.side == "BUY":
            pool = self._balance(quote)
            if order.type == "LIMIT":
                pool[1] -= qty * order.price
                pool[0] += qty * order.price - notional
            else:
                pool[0] -= notional
            fee, fee_asset = qty * FEE_RATE, base
            self._balance(base)[0] += qty - fee
        else:
            pool = self._balance(base)
            pool[1 if order.type in {"LIMIT", "LIMIT_MAKER", "STOP_LOSS"} else 0] -= qty
            fee, fee_asset = notional * FEE_RATE, quote
            self._balance(quote)[0] += notional - fee
        order.executed += qty
        order.quote += notional
        order.update_ms = self.now_ms()
        order.status = "FILLED" if order.executed == order.quantity else "PARTIALLY_FILLED"
        self.trades.append(
            {
                "symbol": order.symbol,
                "id": self._next_id,
                "orderId": order.order_id,
                "orderListId": order.order_list_id,
                "price": f"{price:f}",
                "qty": f"{qty:f}",
                "quoteQty": f"{notional:f}",
                "commission": f"{fee:f}",
                "commissionAsset": fee_asset,
                "time": order.update_ms,
                "isBuyer": order.side == "BUY",
                "isMaker": maker,
                "isBestMatch": True,
            }
        )

    def _new_order(self, params: Mapping[str, str]) -> dict[str, Any]:
        symbol = params["symbol"]
        coid = params.get("newClientOrderId") or f"venue{self._next_id}"
        if coid in self.orders and self.orders[coid].status in {"NEW", "PARTIALLY_FILLED"}:
            raise VenueError(400, -2010, "Duplicate order sent.")
        kind, side = params["type"], params["side"]
        qty = Decimal(params["quantity"])
        price = Decimal(params.get("price", "0")) if kind == "LIMIT" else self.prices[symbol]
        base, quote = self._asset_pair(symbol)
        need, pool = (
            (qty * price, self._balance(quote)) if side == "BUY" else (qty, self._balance(base))
        )
        if pool[0] < need:
            raise VenueError(400, -2010, "Account has insufficient balance for requested action.")
        self._next_id += 1
        now = self.now_ms()
        order = VenueOrder(
            order_id=self._next_id,
            client_order_id=coid,
            symbol=symbol,
            side=side,
            type=kind,
            quantity=qty,
            price=price if kind == "LIMIT" else Decimal(0),
            time_in_force=params.get("timeInForce", "GTC"),
            time_ms=now,
        )
        self.orders[coid] = order
        first_trade = len(self.trades)
        if kind == "LIMIT":
            pool[0] -= need
            pool[1] += need
        else:
            self._execute(order, qty, price, maker=False)
        fills = [
            {
                "price": t["price"],
                "qty": t["qty"],
                "commission": t["commission"],
                "commissionAsset": t["commissionAsset"],
                "tradeId": t["id"],
            }
            for t in self.trades[first_trade:]
        ]
        return {**order.as_json(), "transactTime": now, "fills": fills}

    def _find(self, params: Mapping[str, str]) -> VenueOrder:
        coid = params.get("origClientOrderId")
        for order in self.orders.values():
            if order.client_order_id == coid or str(order.order_id) == params.get("orderId"):
                return order
        raise VenueError(400, -2013, "Order does not exist.")

    def _cancel(self, params: Mapping[str, str], fault: Fault | None) -> dict[str, Any]:
        try:
            order = self._find(params)
        except VenueError:
            raise VenueError(400, -2011, "Unknown order sent.") from None
        if fault is not None and fault.kind == "fill_on_cancel":
            self._execute(order, order.quantity - order.executed, order.price, maker=True)
        if order.status not in {"NEW", "PARTIALLY_FILLED"}:
            raise VenueError(400, -2011, "Unknown order sent.")
        base, quote = self._asset_pair(order.symbol)
        left = order.quantity - order.executed
        pool = self._balance(quote) if order.side == "BUY" else self._balance(base)
        release = left * order.price if order.side == "BUY" else left
        pool[1] -= release
        pool[0] += release
        order.status = "CANCELED"
        order.update_ms = self.now_ms()
        body = order.as_json()
        return {
            **body,
            "origClientOrderId": order.client_order_id,
            "clientOrderId": f"cancel{order.order_id}",
            "transactTime": order.update_ms,
        }

    def _cancel_replace(self, params: Mapping[str, str]) -> dict[str, Any]:
        # STOP_ON_FAILURE, the only mode ccxt sends: a failed cancel places nothing.
        target = {
            "origClientOrderId": params.get("cancelOrigClientOrderId", ""),
            "orderId": params.get("cancelOrderId", ""),
        }
        try:
            cancelled = self._cancel(target, None)
        except VenueError:
            raise VenueError(400, -2022, "Order cancel-replace failed.") from None
        placed = self._new_order(params)
        return {
            "cancelResult": "SUCCESS",
            "newOrderResult": "SUCCESS",
            "cancelResponse": cancelled,
            "newOrderResponse": placed,
        }

    def route(self, method: str, path: str, params: dict[str, str], fault: Fault | None) -> Any:
        """Answer one verified request (called under the lock)."""
        if path == "/api/v3/ping":
            return {}
        if path == "/api/v3/time":
            return {"serverTime": self.now_ms()}
        if path == "/api/v3/exchangeInfo":
            return {**self._info, "serverTime": self.now_ms()}
        if path == "/api/v3/klines":
            rows = self.klines.get(params["symbol"], [])
            start = int(params.get("startTime", 0))
            return [row for row in rows if row[0] >= start][: int(params.get("limit", 500))]
        if (method, path) == ("POST", "/api/v3/order"):
            return self._new_order(params)
        if (method, path) == ("GET", "/api/v3/order"):
            return self._find(params).as_json()
        if (method, path) == ("DELETE", "/api/v3/order"):
            return self._cancel(params, fault)
        if (method, path) == ("POST", "/api/v3/order/cancelReplace"):
            return self._cancel_replace(params)
        if (method, path) == ("POST", "/api/v3/orderList/oco"):
            return new_oco(self, params)
        if (method, path) == ("GET", "/api/v3/orderList"):
            coid = params.get("origClientOrderId", "")
            if coid not in self.lists:
                raise VenueError(400, -2013, "Order list does not exist.")
            return list_json(self, coid)
        if (method, path) == ("DELETE", "/api/v3/orderList"):
            return cancel_list(self, params)
        if path == "/api/v3/openOrders":
            symbol = params.get("symbol")
            return [
                o.as_json()
                for o in self.orders.values()
                if o.status in WORKING and symbol in (None, o.symbol)
            ]
        if path == "/api/v3/account":
            return {
                "accountType": "SPOT",
                "canTrade": True,
                "updateTime": self.now_ms(),
                "balances": [
                    {"asset": a, "free": f"{v[0]:f}", "locked": f"{v[1]:f}"}
                    for a, v in sorted(self.balances.items())
                ],
                "permissions": ["SPOT"],
            }
        if path == "/api/v3/myTrades":
            start = int(params.get("startTime", 0))
            rows = [
                t for t in self.trades if t["symbol"] == params["symbol"] and t["time"] >= start
            ]
            return rows[: int(params.get("limit", 500))]
        raise VenueError(404, -1000, f"no such endpoint {method} {path}")

    def is_signed(self, path: str) -> bool:
        """Return True if requests to `path` must carry a valid key and signature."""
        return path in SIGNED

    def take_fault(self, method: str, path: str) -> Fault | None:
        for index, fault in enumerate(self.faults):
            if (fault.method, fault.path) == (method, path):
                return self.faults.pop(index)
        return None

    def verify(self, raw_query: str, headers: Mapping[str, str]) -> dict[str, str]:
        """Check the API key, the signature and the timestamp of a signed request."""
        if headers.get("X-MBX-APIKEY") != self.api_key:
            raise VenueError(401, -2015, "Invalid API-key, IP, or permissions for action.")
        payload, sep, signature = raw_query.rpartition("&signature=")
        expected = hmac.new(self.secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
        if not sep or not hmac.compare_digest(signature, expected):
            raise VenueError(400, -1022, "Signature for this request is not valid.")
        params = dict(parse_qsl(payload, keep_blank_values=True))
        stamp = int(params.get("timestamp", "0"))
        window = int(params.get("recvWindow", self.recv_window_ms))
        now = self.now_ms()
        if stamp >= now + 1000 or now - stamp > window:
            raise VenueError(400, -1021, "Timestamp for this request is outside of the recvWindow.")
        return params


def _handler_for(venue: FakeBinance) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return  # the venue keeps its own request log

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def _serve(self, method: str) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            raw = body if method == "POST" else url.query
            params = dict(parse_qsl(raw, keep_blank_values=True))
            params.pop("signature", None)
            with venue._lock:
                venue.requests.append(Request(method=method, path=url.path, params=params))
                fault = venue.take_fault(method, url.path)
            if fault is not None and fault.kind == "hold_unbooked":
                time.sleep(fault.delay_s)  # the sender dies meanwhile; nothing is booked
                self.close_connection = True
                self.connection.close()
                return
            if fault is not None and fault.kind == "status":
                self._answer(fault.status, dict(fault.body), fault.headers)
                return
            try:
                with venue._lock:
                    if venue.is_signed(url.path):
                        params = venue.verify(raw, self.headers)
                    result = venue.route(method, url.path, params, fault)
            except VenueError as error:
                self._answer(error.status, {"code": error.code, "msg": error.msg}, {})
                return
            if fault is not None and fault.kind == "drop_after_accept":
                self.close_connection = True
                self.connection.close()
                return
            if fault is not None and fault.kind == "status_after_accept":
                self._answer(fault.status, dict(fault.body), fault.headers)
                return
            if fault is not None and fault.kind == "delay_after_accept":
                time.sleep(fault.delay_s)
            self._answer(200, result, {})

        def _answer(self, status: int, body: Any, headers: Mapping[str, str]) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                self.close_connection = True  # the client gave up (timed out) first

    return Handler
