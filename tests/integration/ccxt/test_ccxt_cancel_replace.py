"""Cancel-replace through ccxt's real Binance class and the OMS: one venue request, lineage
kept in the events, and nothing placed when the replaced order already filled."""

import json
from collections.abc import Callable
from decimal import Decimal

from msgspec import UNSET, UnsetType
from tests.fakes.clock import FakeClock
from tests.fakes.order_store import FakeOrderStore
from tests.integration.ccxt.fake_binance import FakeBinance

from tradekernel.adapters.ccxt.execution import CcxtExecution
from tradekernel.domain.enums import OrderStatus, OrderType, Side
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.orchestration.oms.order_manager import OrderManager

Make = Callable[..., CcxtExecution]
REPLACE = ("POST", "/api/v3/order/cancelReplace")


def limit_sell(coid: str, price: str, replaces: str | UnsetType = UNSET) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=coid,
        directive_id="dir-1",
        symbol="BTC/USDT",
        side=Side.SELL,
        order_type=OrderType.LIMIT,
        quantity=Decimal("0.01"),
        price=Decimal(price),
        replaces=replaces,
    )


def _manager(execution: CcxtExecution, clock: FakeClock) -> tuple[OrderManager, FakeOrderStore]:
    store = FakeOrderStore()
    return OrderManager(store=store, venue=execution, clock=clock), store


def test_a_working_order_is_moved_by_one_cancel_replace_request_with_its_lineage(
    venue: FakeBinance, make_execution: Make, clock: FakeClock
) -> None:
    venue.balances["BTC"] = [Decimal("0.01"), Decimal(0)]
    execution = make_execution()
    assert execution.can_replace  # ccxt's binance has['editOrder']
    manager, store = _manager(execution, clock)
    manager.submit(limit_sell("tkSell0001", "61000"))

    moved = manager.replace(limit_sell("tkSell0002", "62000", replaces="tkSell0001"))

    assert moved.status is OrderStatus.ACCEPTED
    (request,) = venue.calls(*REPLACE)
    assert request.params["cancelOrigClientOrderId"] == "tkSell0001"
    assert request.params["newClientOrderId"] == "tkSell0002"
    assert request.params["price"] == "62000"
    assert venue.calls("DELETE", "/api/v3/order") == []  # one request, not cancel + new
    assert venue.orders["tkSell0001"].status == "CANCELED"
    assert venue.orders["tkSell0002"].status == "NEW"
    old = manager.order("tkSell0001")
    assert old is not None and old.status is OrderStatus.CANCELLED
    kinds = [e.kind for e in store.events_for("tkSell0001")]
    assert kinds[-2:] == [OrderStatus.CANCEL_REQUESTED, OrderStatus.CANCELLED]
    created = store.events_for("tkSell0002")[0]
    assert created.kind is OrderStatus.CREATED
    assert json.loads(created.payload)["replaces"] == "tkSell0001"
    assert [o.client_order_id for o in execution.open_orders("BTC/USDT")] == ["tkSell0002"]


def test_a_replacement_of_an_order_that_filled_places_nothing(
    venue: FakeBinance, make_execution: Make, clock: FakeClock
) -> None:
    venue.balances["BTC"] = [Decimal("0.01"), Decimal(0)]
    execution = make_execution()
    manager, _store = _manager(execution, clock)
    manager.submit(limit_sell("tkSell0001", "61000"))
    venue.fill("tkSell0001", Decimal("0.01"))

    moved = manager.replace(limit_sell("tkSell0002", "62000", replaces="tkSell0001"))

    assert moved.status is OrderStatus.REJECTED
    assert "tkSell0002" not in venue.orders
    old = manager.order("tkSell0001")
    assert old is not None and old.status is OrderStatus.FILLED
    assert execution.open_orders("BTC/USDT") == ()


def test_without_native_cancel_replace_the_oms_cancels_then_sends(
    venue: FakeBinance, make_execution: Make, clock: FakeClock
) -> None:
    venue.balances["BTC"] = [Decimal("0.01"), Decimal(0)]
    execution = make_execution()
    execution._exchange.has["editOrder"] = False  # an exchange class without edit_order
    manager, store = _manager(execution, clock)
    manager.submit(limit_sell("tkSell0001", "61000"))

    moved = manager.replace(limit_sell("tkSell0002", "62000", replaces="tkSell0001"))

    assert moved.status is OrderStatus.ACCEPTED
    assert venue.calls(*REPLACE) == []
    (cancel,) = venue.calls("DELETE", "/api/v3/order")
    assert cancel.params["origClientOrderId"] == "tkSell0001"
    assert json.loads(store.events_for("tkSell0002")[0].payload)["replaces"] == "tkSell0001"
    assert [o.client_order_id for o in execution.open_orders("BTC/USDT")] == ["tkSell0002"]
