"""A loopback Binance whose matching is the backtest venue's, fed one bar at a time.

The live leg of the parity test drives ccxt's real `binance` class against it. Orders,
cancels, balances, open orders and trades are answered from a `BacktestVenue` (the same
matching, fees and slippage the backtest uses); the test calls `close_bar` as its clock
passes each bar's close, which feeds the bar to the venue and serves it as a closed kline.
"""

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from tests.integration.ccxt.fake_binance import Fault
from tests.integration.ccxt.fake_binance_records import VenueError
from tests.integration.live.live_venue import LiveFakeBinance
from tests.integration.parity import backtest_binance_lists as lists
from tests.integration.parity.backtest_binance_market import binance_filters, kline

from tradekernel.adapters.backtest.settings import VenueSettings
from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.domain.enums import Liquidity, OrderStatus, OrderType, Side, TimeInForce
from tradekernel.domain.errors import InsufficientFunds, OrderNotFound, Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar, SymbolRules
from tradekernel.domain.orders import Order
from tradekernel.shared.ids import protected_entry_id

ORDER_STATUS = {
    OrderStatus.SUBMITTED: "NEW",
    OrderStatus.ACCEPTED: "NEW",
    OrderStatus.PARTIALLY_FILLED: "PARTIALLY_FILLED",
    OrderStatus.FILLED: "FILLED",
    OrderStatus.CANCELLED: "CANCELED",
    OrderStatus.REJECTED: "REJECTED",
    OrderStatus.EXPIRED: "EXPIRED",
}
# Binance order types and the backtest's. The parity venue holds every order type the
# backtest venue does: real Binance spot lists no STOP_LOSS (stop-market) on most markets
# (docs/execution.md, "Modifications"), but this venue tests kernel parity, not that list.
_KIND = {
    "MARKET": OrderType.MARKET,
    "LIMIT": OrderType.LIMIT,
    "STOP_LOSS": OrderType.STOP,
    "STOP_LOSS_LIMIT": OrderType.STOP_LIMIT,
}
_BINANCE_TYPE = {kind: name for name, kind in _KIND.items()}


class BacktestBinance(LiveFakeBinance):
    """The fake Binance answering trading calls from a `BacktestVenue`.

    `markets` maps each Binance market id to `(symbol, base, quote)`; `rules` gives a
    market's filters (by market id; the backtest's permissive defaults otherwise);
    `extra_balances` are reported besides the venue's own (free, never used by its
    matching).
    """

    def __init__(
        self,
        *,
        api_key: str,
        secret: str,
        settings: VenueSettings,
        markets: Mapping[str, tuple[str, str, str]],
        bar_ms: int,
        market_clock: Callable[[], int],
        extra_balances: Mapping[str, Decimal] | None = None,
        rules: Mapping[str, SymbolRules] | None = None,
    ) -> None:
        super().__init__(api_key=api_key, secret=secret)
        # Orders and trades are stamped in the test's market time (the runner's clock),
        # a fill when its bar is fed: after the order was sent, as on a real venue (the
        # backtest venue stamps a fill with its bar's open time).
        self._market_now = market_clock
        self._fill_ms: dict[str, int] = {}
        self.venue = BacktestVenue(settings)
        self.bar_ms = bar_ms
        self._extra = dict(extra_balances or {})
        self._symbol_of = {market: symbol for market, (symbol, _, _) in markets.items()}
        self._market_of = {symbol: market for market, symbol in self._symbol_of.items()}
        template = self._info["symbols"][0]
        for market, (_, base, quote) in markets.items():
            entry = {
                **template,
                "symbol": market,
                "baseAsset": base,
                "quoteAsset": quote,
                "filters": binance_filters((rules or {}).get(market)),
                "orderTypes": sorted({*template["orderTypes"], *_KIND}),
            }
            self._info["symbols"].append(entry)
            self._markets[market] = entry
        self._order_ids: dict[str, int] = {}
        self._sent_ms: dict[str, int] = {}

    def market_now(self) -> int:
        return self._market_now()

    def market_of(self, symbol: str) -> str:
        return self._market_of[symbol]

    def symbol_of(self, market: str) -> str:
        return self._symbol_of[market]

    def book(self, intent: ExecutionIntent) -> Order:
        """Submit `intent` to the backtest venue; its refusals become Binance's errors."""
        try:
            return self.venue.submit(intent)
        except InsufficientFunds as error:
            raise VenueError(400, -2010, f"Account has insufficient balance: {error}") from None
        except Rejected as error:
            raise VenueError(400, -1013, f"Filter failure: {error}") from None

    def guard_fill_bar(self, symbol: str, client_order_id: str) -> None:
        """Match a protective order against the last bar fed if its entry filled there.

        This venue fills a whole bar at once, when the test feeds it: a bot learns of its
        entry's fill only after the bar, where on a venue running through the bar it
        would protect the fill at once and guard the bar's rest. The backtest does the
        same (`BacktestVenue.match_placed`).
        """
        entry = protected_entry_id(client_order_id)
        last = self.klines.get(self._market_of[symbol], [[-1]])[-1][0]
        if any(f.client_order_id == entry and f.ts_ms == last for f in self.venue.own_trades()):
            for fill in self.venue.match_placed(symbol, (client_order_id,)):
                self._fill_ms[fill.trade_id] = self._market_now()

    def close_bar(self, bar: Bar) -> None:
        """Serve `bar` as closed and match the venue's working orders against it."""
        with self._lock:
            for fill in self.venue.on_bar(bar):
                self._fill_ms[fill.trade_id] = self._market_now()
            self.klines.setdefault(self._market_of[bar.symbol], []).append(kline(bar, self.bar_ms))

    # -- answers ------------------------------------------------------------------------

    def _order_json(self, order: Order) -> dict[str, Any]:
        cid = order.client_order_id
        quote = sum(
            (
                f.quantity * f.price
                for f in self.venue.own_trades(order.symbol)
                if f.client_order_id == cid
            ),
            Decimal(0),
        )
        created = self._sent_ms[cid]
        return {
            "symbol": self._market_of[order.symbol],
            "orderId": self._order_ids[cid],
            "orderListId": -1,
            "clientOrderId": cid,
            "price": f"{order.price or Decimal(0):f}",
            "origQty": f"{order.quantity:f}",
            "executedQty": f"{order.filled_quantity:f}",
            "cummulativeQuoteQty": f"{quote:f}",
            "status": ORDER_STATUS[order.status],
            "timeInForce": "GTC",
            "type": _BINANCE_TYPE[order.order_type],
            "side": order.side.value.upper(),
            "stopPrice": f"{order.stop_price or Decimal(0):f}",
            "icebergQty": "0.00000000",
            "time": created,
            "updateTime": max(created, order.updated_ms),
            "isWorking": True,
            "workingTime": created,
            "origQuoteOrderQty": "0.00000000",
            "selfTradePreventionMode": "EXPIRE_MAKER",
        }

    def _orders_by_id(self, params: Mapping[str, str]) -> Order:
        symbol = self._symbol_of[params["symbol"]]
        cid = params.get("origClientOrderId")
        if cid is None:
            wanted = int(params.get("orderId", "-1"))
            cid = next((c for c, i in self._order_ids.items() if i == wanted), "")
        try:
            return self.venue.fetch_order(symbol, cid)
        except OrderNotFound:
            raise VenueError(400, -2013, "Order does not exist.") from None

    def _submit(self, params: Mapping[str, str]) -> dict[str, Any]:
        symbol = self._symbol_of[params["symbol"]]
        cid = params["newClientOrderId"]
        kind = _KIND[params["type"]]
        intent = ExecutionIntent(
            client_order_id=cid,
            directive_id="venue",
            symbol=symbol,
            side=Side(params["side"].lower()),
            order_type=kind,
            quantity=Decimal(params["quantity"]),
            price=Decimal(params["price"]) if "price" in params else None,
            stop_price=Decimal(params["stopPrice"]) if "stopPrice" in params else None,
            time_in_force=TimeInForce(params.get("timeInForce", "GTC").lower()),
        )
        order = self.book(intent)
        self._next_id += 1
        self._order_ids[cid] = self._next_id
        self._sent_ms[cid] = self._market_now()
        return {**self._order_json(order), "transactTime": self._market_now(), "fills": []}

    def _cancel_working(self, params: Mapping[str, str]) -> dict[str, Any]:
        order = self._orders_by_id(params)
        if order.status.is_terminal:
            raise VenueError(400, -2011, "Unknown order sent.")
        cancelled = self.venue.cancel(order.symbol, order.client_order_id)
        return {
            **self._order_json(cancelled),
            "origClientOrderId": order.client_order_id,
            "transactTime": self._market_now(),
        }

    def _trades(self, params: Mapping[str, str]) -> list[dict[str, Any]]:
        symbol = self._symbol_of[params["symbol"]]
        start = int(params.get("startTime", 0))
        rows = []
        for number, fill in enumerate(self.venue.own_trades(), start=1):
            at_ms = self._fill_ms[fill.trade_id]
            if fill.symbol != symbol or at_ms < start:
                continue
            leg = lists.leg_of_fill(self, fill)
            rows.append(
                {
                    "symbol": params["symbol"],
                    "id": number,
                    "orderId": self._order_ids[fill.client_order_id]
                    if leg is None
                    else leg.order_id,
                    "orderListId": -1 if leg is None else leg.order_list_id,
                    "price": f"{fill.price:f}",
                    "qty": f"{fill.quantity:f}",
                    "quoteQty": f"{fill.quantity * fill.price:f}",
                    "commission": f"{fill.fee:f}",
                    "commissionAsset": fill.fee_asset,
                    "time": at_ms,
                    "isBuyer": fill.side is Side.BUY,
                    "isMaker": fill.liquidity is Liquidity.MAKER,
                    "isBestMatch": True,
                }
            )
        return rows[: int(params.get("limit", 500))]

    def route(self, method: str, path: str, params: dict[str, str], fault: Fault | None) -> Any:
        if (method, path) == ("POST", "/api/v3/order"):
            return self._submit(params)
        if (method, path) == ("GET", "/api/v3/order"):
            leg = lists.leg_json(self, params.get("origClientOrderId", ""))
            return leg if leg is not None else self._order_json(self._orders_by_id(params))
        if (method, path) == ("POST", "/api/v3/orderList/oco"):
            return lists.place_oco(self, params)
        if (method, path) == ("GET", "/api/v3/orderList"):
            return lists.read_list(self, params)
        if (method, path) == ("DELETE", "/api/v3/orderList"):
            return lists.cancel_list(self, params)
        if (method, path) == ("DELETE", "/api/v3/order"):
            return self._cancel_working(params)
        if (method, path) == ("POST", "/api/v3/order/cancelReplace"):
            # STOP_ON_FAILURE: a failed cancel places nothing.
            target = {
                "symbol": params["symbol"],
                "origClientOrderId": params["cancelOrigClientOrderId"],
            }
            try:
                cancelled = self._cancel_working(target)
            except VenueError:
                raise VenueError(400, -2022, "Order cancel-replace failed.") from None
            return {
                "cancelResult": "SUCCESS",
                "newOrderResult": "SUCCESS",
                "cancelResponse": cancelled,
                "newOrderResponse": self._submit(params),
            }
        if path == "/api/v3/openOrders":
            wanted = params.get("symbol")
            symbol = self._symbol_of[wanted] if wanted else None
            working = self.venue.open_orders(symbol)
            plain = [self._order_json(o) for o in working if o.order_type is not OrderType.OCO]
            return plain + lists.open_legs(self, working)
        if path == "/api/v3/account":
            balances = {b.asset: (b.free, b.locked) for b in self.venue.balances()}
            for asset, free in self._extra.items():
                balances.setdefault(asset, (free, Decimal(0)))
            return {
                "accountType": "SPOT",
                "canTrade": True,
                "updateTime": self._market_now(),
                "balances": [
                    {"asset": a, "free": f"{free:f}", "locked": f"{locked:f}"}
                    for a, (free, locked) in sorted(balances.items())
                ],
                "permissions": ["SPOT"],
            }
        if path == "/api/v3/myTrades":
            return self._trades(params)
        return super().route(method, path, params, fault)
