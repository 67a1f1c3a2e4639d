"""`BacktestVenue.submit_status`: `submit` without the snapshot, the same order taken."""

from decimal import Decimal

import pytest

from tradekernel.adapters.backtest.settings import VenueSettings
from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.domain.enums import OrderType, Side
from tradekernel.domain.errors import InsufficientFunds, Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar

D = Decimal
SYMBOL = "BTC/USD"
SETTINGS = VenueSettings(maker_fee=D(0), taker_fee=D("0.001"), starting_cash=D(10_000))


def intent(cid: str, side: Side, qty: str, limit: str | None = None) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=cid,
        directive_id="d",
        symbol=SYMBOL,
        side=side,
        order_type=OrderType.MARKET if limit is None else OrderType.LIMIT,
        quantity=D(qty),
        price=None if limit is None else D(limit),
    )


def test_a_status_submit_takes_the_order_submit_would_and_answers_its_status() -> None:
    by_snapshot, by_status = BacktestVenue(SETTINGS), BacktestVenue(SETTINGS)
    orders = [intent("m1", Side.BUY, "0.5"), intent("l1", Side.BUY, "1", limit="90")]
    for order in orders:
        assert by_status.submit_status(order) is by_snapshot.submit(order).status
    assert by_status.open_orders() == by_snapshot.open_orders()
    bar = Bar(symbol=SYMBOL, ts_ms=1, open=D(100), high=D(110), low=D(80), close=D(95), volume=D(9))
    assert by_status.on_bar(bar) == by_snapshot.on_bar(bar)
    assert by_status.cash() == by_snapshot.cash()
    assert by_status.fetch_order(SYMBOL, "l1") == by_snapshot.fetch_order(SYMBOL, "l1")


def test_a_status_submit_refuses_what_submit_refuses() -> None:
    venue = BacktestVenue(SETTINGS)
    venue.submit_status(intent("m1", Side.BUY, "0.5"))
    with pytest.raises(Rejected):
        venue.submit_status(intent("m1", Side.BUY, "0.5"))  # a duplicate client order id
    with pytest.raises(InsufficientFunds):
        venue.submit_status(intent("s1", Side.SELL, "1"))  # nothing held
    assert [order.client_order_id for order in venue.open_orders()] == ["m1"]
