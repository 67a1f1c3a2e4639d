"""Binance OCO order lists as the adapter builds and reads them: the request's legs, one
order from the legs' reports, and a refusal on venues that book no order lists."""

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from tradekernel.adapters.ccxt.oco import oco_request, order_from_legs
from tradekernel.adapters.ccxt.order_lists import OrderLists
from tradekernel.adapters.ccxt.own_trades import ClientIds
from tradekernel.domain.enums import CloseSemantics, OrderStatus, OrderType, Side
from tradekernel.domain.errors import Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.shared.ids import oco_leg_ids, oco_list_id, protective_order_id

D = Decimal
PROTECT = protective_order_id("tk" + "c" * 30, 3)


def oco(side: Side = Side.SELL) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=PROTECT,
        directive_id="d",
        symbol="BTC/USDT",
        side=side,
        order_type=OrderType.OCO,
        quantity=D("0.5"),
        price=D("110") if side is Side.SELL else D("90"),
        stop_price=D("95") if side is Side.SELL else D("105"),
        close_semantics=CloseSemantics.REDUCE_ONLY,
    )


def test_a_sell_oco_puts_the_target_above_and_the_stop_below() -> None:
    stop_leg, target_leg = oco_leg_ids(PROTECT)
    request = oco_request(oco(), "BTCUSDT")
    assert request["listClientOrderId"] == PROTECT
    assert (request["aboveType"], request["aboveClientOrderId"], request["abovePrice"]) == (
        "LIMIT_MAKER",
        target_leg,
        "110",
    )
    assert (request["belowType"], request["belowClientOrderId"], request["belowStopPrice"]) == (
        "STOP_LOSS",
        stop_leg,
        "95",
    )
    bought = oco_request(oco(Side.BUY), "BTCUSDT")
    assert (bought["aboveType"], bought["aboveStopPrice"]) == ("STOP_LOSS", "105")
    assert (bought["belowType"], bought["belowPrice"]) == ("LIMIT_MAKER", "90")
    assert all(len(cid) <= 36 for cid in (PROTECT, stop_leg, target_leg))
    assert oco_list_id(stop_leg) == oco_list_id(target_leg) == PROTECT
    assert oco_list_id(PROTECT) is None


def _leg(kind: str, status: str, executed: str = "0", quote: str = "0") -> dict[str, Any]:
    return {
        "orderListId": 77,
        "orderId": 1 if kind == "STOP_LOSS" else 2,
        "type": kind,
        "side": "SELL",
        "origQty": "0.5",
        "price": "0" if kind == "STOP_LOSS" else "110",
        "stopPrice": "95" if kind == "STOP_LOSS" else "0",
        "executedQty": executed,
        "cummulativeQuoteQty": quote,
        "status": status,
        "time": 5,
        "updateTime": 9,
    }


@pytest.mark.parametrize(
    ("stop", "target", "status"),
    [
        ("NEW", "NEW", OrderStatus.ACCEPTED),
        ("EXPIRED", "FILLED", OrderStatus.FILLED),
        ("CANCELED", "CANCELED", OrderStatus.CANCELLED),
        ("NEW", "PARTIALLY_FILLED", OrderStatus.PARTIALLY_FILLED),
    ],
)
def test_the_legs_make_one_order(stop: str, target: str, status: OrderStatus) -> None:
    filled = target in ("FILLED", "PARTIALLY_FILLED")
    legs = [
        _leg("STOP_LOSS", stop),
        _leg("LIMIT_MAKER", target, "0.5" if filled else "0", "55" if filled else "0"),
    ]
    order = order_from_legs(PROTECT, "BTC/USDT", legs)
    assert (order.client_order_id, order.order_type, order.status) == (
        PROTECT,
        OrderType.OCO,
        status,
    )
    assert (order.price, order.stop_price, order.quantity) == (D(110), D(95), D("0.5"))
    assert order.filled_quantity == (D("0.5") if filled else 0)
    assert order.average_fill_price == (D(110) if filled else None)
    assert (order.venue_order_id, order.created_ms, order.updated_ms) == ("77", 5, 9)


def test_a_venue_without_order_lists_refuses_an_oco_and_reads_no_list() -> None:
    lists = OrderLists(object(), None, ClientIds(), books_lists=False)  # type: ignore[arg-type]
    with pytest.raises(Rejected, match="Binance spot only"):
        asyncio.run(lists.place(oco()))
    assert asyncio.run(lists.fetch("BTC/USDT", PROTECT)) is None
