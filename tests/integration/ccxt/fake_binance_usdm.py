"""A loopback fake of Binance's USDⓈ-M futures REST API, for ccxt's real `binanceusdm`.

The spot fake's HTTP server, request log, faults and signature check (`FakeBinance`), with
the `/fapi` endpoints ccxt's `binanceusdm` calls: exchange info (real entries, see
`data/README.md`), time, klines, ticker, leverage, margin type (-4046 "No need to change
margin type." when it is already set, as Binance answers), position mode (`dual`),
orders (new, query, cancel, open orders; market orders fill at once at `prices`, a
reduce-only order only reduces, -2022 otherwise), position risk (v3), account (v3),
leverage brackets, user trades and income history. One-way positions: a signed quantity
and an entry price per symbol; the wallet takes fees and realised PnL.
"""

import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.integration.ccxt.fake_binance import FakeBinance
from tests.integration.ccxt.fake_binance_records import Fault, VenueError, VenueOrder
from tests.integration.ccxt.fake_binance_usdm_payloads import (
    income_entry,
    order_json,
    position_row,
)

__all__ = ["FakeBinanceUsdm", "income_entry"]

EXCHANGE_INFO = Path(__file__).parent / "data" / "binance_usdm_exchange_info.json"
TAKER_FEE = Decimal("0.0004")
PUBLIC = {
    "/fapi/v1/ping",
    "/fapi/v1/time",
    "/fapi/v1/exchangeInfo",
    "/fapi/v1/klines",
    "/fapi/v1/ticker/24hr",
}


class FakeBinanceUsdm(FakeBinance):
    """The fake USD-M venue: `positions` (signed quantity, entry price) by market id."""

    def __init__(self, *, api_key: str, secret: str) -> None:
        super().__init__(api_key=api_key, secret=secret)
        self._info = json.loads(EXCHANGE_INFO.read_text())
        self._markets = {entry["symbol"]: entry for entry in self._info["symbols"]}
        self.prices = {"BTCUSDT": Decimal("50000"), "ETHUSDT": Decimal("3000")}
        self.wallet = Decimal("100000")
        self.dual_side = False
        self.leverage: dict[str, int] = {}
        self.margin_type: dict[str, str] = {}
        self.positions: dict[str, tuple[Decimal, Decimal]] = {}
        self.income: list[dict[str, Any]] = []
        # Each order's reduce-only flag, by client order id.
        self.reduce_only: dict[str, bool] = {}

    def is_signed(self, path: str) -> bool:
        return path.startswith("/fapi") and path not in PUBLIC

    def changes(self) -> list[tuple[str, str]]:
        """Return the account-changing requests (path, symbol) in order: leverage, margin
        type, position mode and orders."""
        changing = {"/fapi/v1/leverage", "/fapi/v1/marginType", "/fapi/v1/positionSide/dual"}
        return [
            (r.path, r.params.get("symbol", ""))
            for r in self.requests
            if r.method in {"POST", "DELETE"} and (r.path in changing or r.path == "/fapi/v1/order")
        ]

    # -- matching -----------------------------------------------------------------------

    def _execute(self, order: VenueOrder, qty: Decimal, price: Decimal, *, maker: bool) -> None:
        held, entry = self.positions.get(order.symbol, (Decimal(0), Decimal(0)))
        signed = qty if order.side == "BUY" else -qty
        realised = Decimal(0)
        if held and (held > 0) != (signed > 0):
            closed = min(abs(signed), abs(held))
            realised = (closed if held > 0 else -closed) * (price - entry)
            rest = held + (closed if held < 0 else -closed)
            opened = signed + (closed if signed < 0 else -closed)
            held, entry = (rest, entry) if rest else (opened, price if opened else Decimal(0))
        else:
            total = held + signed
            entry = (held * entry + signed * price) / total
            held = total
        self.positions[order.symbol] = (held, entry)
        fee = qty * price * TAKER_FEE
        self.wallet += realised - fee
        order.executed += qty
        order.quote += qty * price
        order.update_ms = self.now_ms()
        order.status = "FILLED" if order.executed == order.quantity else "PARTIALLY_FILLED"
        self.trades.append(
            {
                "symbol": order.symbol,
                "id": self.new_id(),
                "orderId": order.order_id,
                "side": order.side,
                "price": f"{price:f}",
                "qty": f"{qty:f}",
                "realizedPnl": f"{realised:f}",
                "marginAsset": "USDT",
                "quoteQty": f"{qty * price:f}",
                "commission": f"{fee:f}",
                "commissionAsset": "USDT",
                "time": order.update_ms,
                "positionSide": "BOTH",
                "buyer": order.side == "BUY",
                "maker": maker,
            }
        )

    def _order_json(self, order: VenueOrder, reduce_only: bool) -> dict[str, Any]:
        return order_json(order, reduce_only)

    def _new_order(self, params: Mapping[str, str]) -> dict[str, Any]:
        symbol = params["symbol"]
        coid = params.get("newClientOrderId") or f"venue{self.new_id()}"
        if coid in self.orders and self.orders[coid].status in {"NEW", "PARTIALLY_FILLED"}:
            raise VenueError(400, -4015, "Client order id is not valid.")
        side, kind, qty = params["side"], params["type"], Decimal(params["quantity"])
        reduce_only = params.get("reduceOnly") == "true"
        held = self.positions.get(symbol, (Decimal(0), Decimal(0)))[0]
        if reduce_only and (not held or (held > 0) == (side == "BUY")):
            raise VenueError(400, -2022, "ReduceOnly Order is rejected.")
        if reduce_only:
            qty = min(qty, abs(held))
        order = VenueOrder(
            order_id=self.new_id(),
            client_order_id=coid,
            symbol=symbol,
            side=side,
            type=kind,
            quantity=qty,
            price=Decimal(params.get("price", "0")) if kind == "LIMIT" else Decimal(0),
            time_in_force=params.get("timeInForce", "GTC"),
            time_ms=self.now_ms(),
        )
        self.orders[coid] = order
        self.reduce_only[coid] = reduce_only
        if kind == "MARKET":
            self._execute(order, qty, self.prices[symbol], maker=False)
        return self._order_json(order, reduce_only)

    # -- endpoints ------------------------------------------------------------------------

    def _position_rows(self, symbol: str | None) -> list[dict[str, Any]]:
        return [
            position_row(market, held, entry, self.prices[market], self.now_ms())
            for market, (held, entry) in sorted(self.positions.items())
            if held and symbol in (None, market)
        ]

    def _account(self) -> dict[str, Any]:
        unrealised = sum(
            (held * (self.prices[m] - entry) for m, (held, entry) in self.positions.items()),
            Decimal(0),
        )
        wallet, margin = f"{self.wallet:f}", f"{self.wallet + unrealised:f}"
        asset = {
            "asset": "USDT",
            "walletBalance": wallet,
            "unrealizedProfit": f"{unrealised:f}",
            "marginBalance": margin,
            "maintMargin": "0.00000000",
            "initialMargin": "0.00000000",
            "positionInitialMargin": "0.00000000",
            "openOrderInitialMargin": "0.00000000",
            "crossWalletBalance": wallet,
            "crossUnPnl": "0.00000000",
            "availableBalance": wallet,
            "maxWithdrawAmount": wallet,
            "updateTime": self.now_ms(),
        }
        return {
            "totalWalletBalance": wallet,
            "totalMarginBalance": margin,
            "availableBalance": wallet,
            "assets": [asset],
            "positions": self._position_rows(None),
        }

    def _set_margin_type(self, params: Mapping[str, str]) -> dict[str, Any]:
        symbol, wanted = params["symbol"], params["marginType"]
        if self.margin_type.get(symbol, "CROSSED") == wanted:
            raise VenueError(400, -4046, "No need to change margin type.")
        self.margin_type[symbol] = wanted
        return {"code": 200, "msg": "success"}

    def _income(self, params: Mapping[str, str]) -> list[dict[str, Any]]:
        start = int(params.get("startTime", 0))
        kind, symbol = params.get("incomeType"), params.get("symbol")
        rows = [
            row
            for row in self.income
            if row["time"] >= start
            and kind in (None, row["incomeType"])
            and symbol in (None, row["symbol"])
        ]
        return rows[: int(params.get("limit", 100))]

    def route(self, method: str, path: str, params: dict[str, str], fault: Fault | None) -> Any:
        """Answer one verified `/fapi` request (called under the lock)."""
        key = (method, path)
        if path == "/fapi/v1/ping":
            return {}
        if path == "/fapi/v1/time":
            return {"serverTime": self.now_ms()}
        if path == "/fapi/v1/exchangeInfo":
            return {**self._info, "serverTime": self.now_ms()}
        if path == "/fapi/v1/klines":
            rows = self.klines.get(params["symbol"], [])
            start = int(params.get("startTime", 0))
            return [row for row in rows if row[0] >= start][: int(params.get("limit", 500))]
        if path == "/fapi/v1/ticker/24hr":
            last = f"{self.prices[params['symbol']]:f}"
            return {"symbol": params["symbol"], "lastPrice": last, "closeTime": self.now_ms()}
        if key == ("POST", "/fapi/v1/leverage"):
            self.leverage[params["symbol"]] = int(params["leverage"])
            return {
                "leverage": int(params["leverage"]),
                "maxNotionalValue": "1000000",
                "symbol": params["symbol"],
            }
        if key == ("POST", "/fapi/v1/marginType"):
            return self._set_margin_type(params)
        if key == ("GET", "/fapi/v1/positionSide/dual"):
            return {"dualSidePosition": self.dual_side}
        if path == "/fapi/v1/leverageBracket":
            return [
                {
                    "symbol": market,
                    "brackets": [
                        {
                            "bracket": 1,
                            "initialLeverage": 125,
                            "notionalCap": 50000,
                            "notionalFloor": 0,
                            "maintMarginRatio": 0.004,
                            "cum": 0.0,
                        }
                    ],
                }
                for market in sorted(self._markets)
            ]
        if key == ("POST", "/fapi/v1/order"):
            return self._new_order(params)
        if key in {("GET", "/fapi/v1/order"), ("DELETE", "/fapi/v1/order")}:
            order = self._find(params)
            if method == "DELETE":
                if order.status not in {"NEW", "PARTIALLY_FILLED"}:
                    raise VenueError(400, -2011, "Unknown order sent.")
                order.status, order.update_ms = "CANCELED", self.now_ms()
            return self._order_json(order, self.reduce_only.get(order.client_order_id, False))
        if path == "/fapi/v1/openOrders":
            symbol = params.get("symbol")
            return [
                self._order_json(o, self.reduce_only.get(o.client_order_id, False))
                for o in self.orders.values()
                if o.status in {"NEW", "PARTIALLY_FILLED"} and symbol in (None, o.symbol)
            ]
        if path == "/fapi/v3/positionRisk":
            return self._position_rows(params.get("symbol"))
        if path in {"/fapi/v3/account", "/fapi/v2/account"}:
            return self._account()
        if path == "/fapi/v1/userTrades":
            start = int(params.get("startTime", 0))
            symbol = params["symbol"]
            rows = [t for t in self.trades if t["symbol"] == symbol and t["time"] >= start]
            return rows[: int(params.get("limit", 500))]
        if path == "/fapi/v1/income":
            return self._income(params)
        raise VenueError(404, -1000, f"no such endpoint {method} {path}")
