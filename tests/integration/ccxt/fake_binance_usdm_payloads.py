"""The fake USDⓈ-M venue's answer bodies, field for field as Binance writes them (the
shapes of ccxt's static response fixture, see `data/README.md`)."""

from decimal import Decimal
from typing import Any

from tests.integration.ccxt.fake_binance_records import VenueOrder


def income_entry(symbol: str, amount: str, time_ms: int, tran_id: int) -> dict[str, Any]:
    """Return one FUNDING_FEE row of `GET /fapi/v1/income`."""
    return {
        "symbol": symbol,
        "incomeType": "FUNDING_FEE",
        "income": amount,
        "asset": "USDT",
        "time": time_ms,
        "info": "FUNDING_FEE",
        "tranId": tran_id,
        "tradeId": "",
    }


def order_json(order: VenueOrder, reduce_only: bool) -> dict[str, Any]:
    """Return an order as `/fapi/v1/order` answers it."""
    average = order.quote / order.executed if order.executed else Decimal(0)
    return {
        "orderId": order.order_id,
        "symbol": order.symbol,
        "status": order.status,
        "clientOrderId": order.client_order_id,
        "price": f"{order.price:f}",
        "avgPrice": f"{average:f}",
        "origQty": f"{order.quantity:f}",
        "executedQty": f"{order.executed:f}",
        "cumQty": f"{order.executed:f}",
        "cumQuote": f"{order.quote:f}",
        "timeInForce": order.time_in_force,
        "type": order.type,
        "reduceOnly": reduce_only,
        "closePosition": False,
        "side": order.side,
        "positionSide": "BOTH",
        "stopPrice": "0",
        "workingType": "CONTRACT_PRICE",
        "priceProtect": False,
        "origType": order.type,
        "time": order.time_ms,
        "updateTime": order.update_ms or order.time_ms,
    }


def position_row(
    market: str, held: Decimal, entry: Decimal, mark: Decimal, now_ms: int
) -> dict[str, Any]:
    """Return one one-way position as `GET /fapi/v3/positionRisk` lists it."""
    return {
        "symbol": market,
        "positionSide": "BOTH",
        "positionAmt": f"{held:f}",
        "entryPrice": f"{entry:f}",
        "breakEvenPrice": f"{entry:f}",
        "markPrice": f"{mark:f}",
        "unRealizedProfit": f"{held * (mark - entry):f}",
        "liquidationPrice": "0",
        "isolatedMargin": "0",
        "notional": f"{held * mark:f}",
        "marginAsset": "USDT",
        "isolatedWallet": "0",
        "initialMargin": "0",
        "maintMargin": "0",
        "positionInitialMargin": "0",
        "openOrderInitialMargin": "0",
        "adl": "2",
        "bidNotional": "0",
        "askNotional": "0",
        "updateTime": now_ms,
    }
