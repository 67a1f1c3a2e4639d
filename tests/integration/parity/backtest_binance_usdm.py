"""A loopback Binance USDⓈ-M venue whose matching is the perpetual backtest venue's.

The perpetual leg of the parity test drives ccxt's real `binanceusdm` class against it.
Orders, cancels, open orders, trades, positions and the account are answered from a
`PerpetualVenue` (the backtest's matching, margin, fees and slippage: a market order fills
at the next bar's open); the settings endpoints (leverage, margin type, position mode,
brackets, income) are the fake USD-M venue's. The test calls `close_bar` as its clock
passes each bar's close, which feeds the bar to the venue and serves it as a closed kline.
"""

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from tests.integration.ccxt.fake_binance import Fault
from tests.integration.ccxt.fake_binance_records import VenueError
from tests.integration.ccxt.fake_binance_usdm import FakeBinanceUsdm
from tests.integration.ccxt.fake_binance_usdm_payloads import position_row
from tests.integration.parity.backtest_binance import ORDER_STATUS
from tests.integration.parity.backtest_binance_market import kline

from tradekernel.adapters.backtest.perpetual_venue import PerpetualVenue
from tradekernel.domain.enums import CloseSemantics, OrderType, Side, TimeInForce
from tradekernel.domain.errors import InsufficientFunds, OrderNotFound, Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar
from tradekernel.domain.orders import Order

_KIND = {"MARKET": OrderType.MARKET, "LIMIT": OrderType.LIMIT}
_BINANCE_TYPE = {kind: name for name, kind in _KIND.items()}


class BacktestBinanceUsdm(FakeBinanceUsdm):
    """The fake USD-M venue answering trading calls from a `PerpetualVenue`.

    `market` is the Binance market id and the blueprint's symbol of the one traded market.
    """

    def __init__(
        self,
        *,
        api_key: str,
        secret: str,
        venue: PerpetualVenue,
        market: tuple[str, str],
        bar_ms: int,
        market_clock: Callable[[], int],
    ) -> None:
        super().__init__(api_key=api_key, secret=secret)
        # Orders and fills are stamped in the test's market time (the runner's clock).
        self._market_now = market_clock
        self.venue = venue
        self.bar_ms = bar_ms
        self.wallet = venue.perp.wallet
        self._market, self._symbol = market
        self._order_ids: dict[str, int] = {}
        self._sent_ms: dict[str, int] = {}
        self._fill_ms: dict[str, int] = {}

    def close_bar(self, bar: Bar) -> None:
        """Serve `bar` as closed and match the venue's working orders against it."""
        with self._lock:
            for fill in self.venue.on_bar(bar):
                self._fill_ms[fill.trade_id] = self._market_now()
            self.klines.setdefault(self._market, []).append(kline(bar, self.bar_ms))
            self.prices[self._market] = bar.close

    # -- answers ------------------------------------------------------------------------

    def _venue_order_json(self, order: Order) -> dict[str, Any]:
        cid = order.client_order_id
        quote = sum(
            (f.quantity * f.price for f in self.venue.own_trades() if f.client_order_id == cid),
            Decimal(0),
        )
        average = quote / order.filled_quantity if order.filled_quantity else Decimal(0)
        created = self._sent_ms[cid]
        kind = _BINANCE_TYPE[order.order_type]
        return {
            "orderId": self._order_ids[cid],
            "symbol": self._market,
            "status": ORDER_STATUS[order.status],
            "clientOrderId": cid,
            "price": f"{order.price or Decimal(0):f}",
            "avgPrice": f"{average:f}",
            "origQty": f"{order.quantity:f}",
            "executedQty": f"{order.filled_quantity:f}",
            "cumQty": f"{order.filled_quantity:f}",
            "cumQuote": f"{quote:f}",
            "timeInForce": "GTC",
            "type": kind,
            "reduceOnly": self.reduce_only.get(cid, False),
            "closePosition": False,
            "side": order.side.value.upper(),
            "positionSide": "BOTH",
            "stopPrice": "0",
            "workingType": "CONTRACT_PRICE",
            "priceProtect": False,
            "origType": kind,
            "time": created,
            "updateTime": max(created, order.updated_ms),
        }

    def _order(self, params: Mapping[str, str]) -> Order:
        cid = params.get("origClientOrderId")
        if cid is None:
            wanted = int(params.get("orderId", "-1"))
            cid = next((c for c, i in self._order_ids.items() if i == wanted), "")
        try:
            return self.venue.fetch_order(self._symbol, cid)
        except OrderNotFound:
            raise VenueError(400, -2013, "Order does not exist.") from None

    def _submit(self, params: Mapping[str, str]) -> dict[str, Any]:
        cid = params["newClientOrderId"]
        reduce_only = params.get("reduceOnly") == "true"
        intent = ExecutionIntent(
            client_order_id=cid,
            directive_id="venue",
            symbol=self._symbol,
            side=Side(params["side"].lower()),
            order_type=_KIND[params["type"]],
            quantity=Decimal(params["quantity"]),
            price=Decimal(params["price"]) if "price" in params else None,
            time_in_force=TimeInForce(params.get("timeInForce", "GTC").lower()),
            close_semantics=CloseSemantics.REDUCE_ONLY if reduce_only else CloseSemantics.OPEN,
        )
        try:
            order = self.venue.submit(intent)
        except InsufficientFunds as error:
            raise VenueError(400, -2019, f"Margin is insufficient: {error}") from None
        except Rejected as error:
            raise VenueError(400, -2022, f"ReduceOnly Order is rejected: {error}") from None
        self._order_ids[cid] = self.new_id()
        self._sent_ms[cid] = self._market_now()
        self.reduce_only[cid] = reduce_only
        return self._venue_order_json(order)

    def _cancel_working(self, params: Mapping[str, str]) -> dict[str, Any]:
        order = self._order(params)
        if order.status.is_terminal:
            raise VenueError(400, -2011, "Unknown order sent.")
        return self._venue_order_json(self.venue.cancel(order.symbol, order.client_order_id))

    def _user_trades(self, params: Mapping[str, str]) -> list[dict[str, Any]]:
        start = int(params.get("startTime", 0))
        rows = []
        for number, fill in enumerate(self.venue.own_trades(), start=1):
            at_ms = self._fill_ms[fill.trade_id]
            if at_ms < start:
                continue
            rows.append(
                {
                    "symbol": self._market,
                    "id": number,
                    "orderId": self._order_ids[fill.client_order_id],
                    "side": fill.side.value.upper(),
                    "price": f"{fill.price:f}",
                    "qty": f"{fill.quantity:f}",
                    "realizedPnl": "0",
                    "marginAsset": "USDT",
                    "quoteQty": f"{fill.quantity * fill.price:f}",
                    "commission": f"{fill.fee:f}",
                    "commissionAsset": fill.fee_asset,
                    "time": at_ms,
                    "positionSide": "BOTH",
                    "buyer": fill.side is Side.BUY,
                    "maker": False,
                }
            )
        return rows[: int(params.get("limit", 500))]

    def _position_rows(self, symbol: str | None) -> list[dict[str, Any]]:
        if symbol not in (None, self._market):
            return []
        mark = self.prices.get(self._market, Decimal(0))
        return [
            position_row(self._market, p.quantity, p.avg_entry_price, mark, self._market_now())
            for p in self.venue.positions()
            if p.quantity
        ]

    def _account(self) -> dict[str, Any]:
        # The wallet and the available balance as the backtest venue books them.
        self.wallet = self.venue.perp.wallet
        held = [(p.quantity, p.avg_entry_price) for p in self.venue.positions()]
        self.positions = {self._market: held[0]} if held else {}
        answer = super()._account()
        available = f"{self.venue.perp.available():f}"
        answer["availableBalance"] = available
        answer["assets"][0]["availableBalance"] = available
        answer["assets"][0]["maxWithdrawAmount"] = available
        return answer

    def route(self, method: str, path: str, params: dict[str, str], fault: Fault | None) -> Any:
        """Answer the trading calls from the venue; the rest as the fake USD-M venue."""
        key = (method, path)
        if key == ("POST", "/fapi/v1/order"):
            return self._submit(params)
        if key == ("GET", "/fapi/v1/order"):
            return self._venue_order_json(self._order(params))
        if key == ("DELETE", "/fapi/v1/order"):
            return self._cancel_working(params)
        if path == "/fapi/v1/openOrders":
            return [self._venue_order_json(o) for o in self.venue.open_orders(self._symbol)]
        if path == "/fapi/v1/userTrades":
            return self._user_trades(params)
        return super().route(method, path, params, fault)
