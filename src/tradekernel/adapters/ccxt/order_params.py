"""What ccxt's `create_order` is given for one intent: its order type and its params."""

from typing import Any

from tradekernel.adapters.ccxt.config import MarketType
from tradekernel.domain.enums import OrderType, TimeInForce
from tradekernel.domain.intents import ExecutionIntent

# Stops are sent as ccxt market or limit orders with a trigger price.
CCXT_TYPE = {
    OrderType.MARKET: "market",
    OrderType.LIMIT: "limit",
    OrderType.STOP: "market",
    OrderType.STOP_LIMIT: "limit",
}


def order_params(intent: ExecutionIntent, market_type: MarketType) -> dict[str, Any]:
    """Return the unified ccxt params: our client order id, time in force or post-only,
    the trigger price, and reduce-only where the market has it (swap)."""
    params: dict[str, Any] = {"clientOrderId": intent.client_order_id}
    if intent.order_type in (OrderType.LIMIT, OrderType.STOP_LIMIT):
        if intent.time_in_force is TimeInForce.POST_ONLY:
            params["postOnly"] = True
        else:
            params["timeInForce"] = intent.time_in_force.value.upper()
    if intent.stop_price is not None:
        params["triggerPrice"] = str(intent.stop_price)
    if intent.reduce_only and market_type is MarketType.SWAP:
        params["reduceOnly"] = True
    return params
