"""Submits through ccxt's real Binance class against the loopback venue, under faults."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from tests.fakes.clock import FakeClock
from tests.fakes.order_store import FakeOrderStore
from tests.integration.ccxt.conftest import RecordingSleep
from tests.integration.ccxt.fake_binance import FakeBinance, Fault

from tradekernel.adapters.ccxt.execution import CcxtExecution
from tradekernel.domain.enums import OrderStatus, OrderType, Side
from tradekernel.domain.errors import AmbiguousSubmit, InsufficientFunds
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.orchestration.oms.order_manager import OrderManager

Make = Callable[..., CcxtExecution]


def limit_buy(
    coid: str = "tkLimitBuy0001", qty: str = "0.02", price: str = "40000"
) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=coid,
        directive_id="dir-1",
        symbol="BTC/USDT",
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        quantity=Decimal(qty),
        price=Decimal(price),
    )


def market_buy(coid: str = "tkMarketBuy0001", qty: str = "0.01") -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=coid,
        directive_id="dir-2",
        symbol="BTC/USDT",
        side=Side.BUY,
        order_type=OrderType.MARKET,
        quantity=Decimal(qty),
    )


def test_loading_markets_calls_only_exchange_info(venue: FakeBinance, make_execution: Make) -> None:
    rules = make_execution().symbol_rules()

    assert [(r.method, r.path) for r in venue.requests] == [("GET", "/api/v3/exchangeInfo")]
    assert sorted(rules) == [
        "ADA/USDT",
        "BTC/USDT",
        "DOGE/USDT",
        "ETH/USDT",
        "LTC/USDT",
        "TRX/USDT",
        "XRP/USDT",
    ]
    btc = rules["BTC/USDT"]
    assert (btc.tick_size, btc.step_size, btc.min_qty, btc.min_notional) == (
        Decimal("0.01"),
        Decimal("0.00001"),
        Decimal("0.00001"),
        Decimal(5),
    )


def test_submit_sends_our_client_order_id_and_maps_the_full_response(
    venue: FakeBinance, make_execution: Make
) -> None:
    order = make_execution().submit(market_buy())

    (post,) = venue.calls("POST", "/api/v3/order")
    assert post.params["newClientOrderId"] == "tkMarketBuy0001"
    assert (post.params["type"], post.params["side"], post.params["quantity"]) == (
        "MARKET",
        "BUY",
        "0.01",
    )
    assert order.client_order_id == "tkMarketBuy0001"
    assert order.status is OrderStatus.FILLED
    assert (order.filled_quantity, order.average_fill_price) == (Decimal("0.01"), Decimal(50000))
    assert order.venue_order_id == str(venue.orders["tkMarketBuy0001"].order_id)


@pytest.mark.parametrize(
    "fault",
    [
        Fault(kind="drop_after_accept"),
        Fault(kind="delay_after_accept", delay_s=1.5),
    ],
    ids=["dropped-connection", "answer-after-client-timeout"],
)
def test_submit_after_lost_ack_sends_exactly_one_order(
    venue: FakeBinance, make_execution: Make, fault: Fault
) -> None:
    execution = make_execution(timeout_ms=500)
    execution.symbol_rules()
    venue.script(fault)

    order = execution.submit(limit_buy())

    assert len(venue.calls("POST", "/api/v3/order")) == 1
    assert list(venue.orders) == ["tkLimitBuy0001"]
    lookups = venue.calls("GET", "/api/v3/order")
    assert lookups and lookups[0].params["origClientOrderId"] == "tkLimitBuy0001"
    assert (order.client_order_id, order.status) == ("tkLimitBuy0001", OrderStatus.ACCEPTED)


def test_lost_ack_through_the_order_manager_records_one_accepted_order(
    venue: FakeBinance, make_execution: Make, clock: FakeClock
) -> None:
    execution = make_execution(timeout_ms=500)
    store = FakeOrderStore()
    manager = OrderManager(store=store, venue=execution, clock=clock)
    venue.script(Fault(kind="drop_after_accept"))

    state = manager.submit(limit_buy())
    again = manager.submit(limit_buy())

    assert len(venue.calls("POST", "/api/v3/order")) == 1
    assert state.status is OrderStatus.ACCEPTED and again.status is OrderStatus.ACCEPTED
    kinds = [event.kind for event in store.events]
    assert kinds == [OrderStatus.CREATED, OrderStatus.SUBMITTED, OrderStatus.ACCEPTED]


def test_5xx_on_submit_looks_the_order_up_then_reports_it_ambiguous(
    venue: FakeBinance, make_execution: Make, sleep: RecordingSleep
) -> None:
    execution = make_execution()
    execution.symbol_rules()
    venue.script(Fault(kind="status", status=503, body={"code": -1001, "msg": "Internal error"}))

    with pytest.raises(AmbiguousSubmit) as raised:
        execution.submit(limit_buy())

    assert raised.value.client_order_id == "tkLimitBuy0001"
    assert len(venue.calls("POST", "/api/v3/order")) == 1
    lookups = venue.calls("GET", "/api/v3/order")
    # A 3 s window polled every 1 s by the fake clock: at 0, 1, 2 and 3 s.
    assert [r.params["origClientOrderId"] for r in lookups] == ["tkLimitBuy0001"] * 4
    assert sleep.durations == [1.0, 1.0, 1.0]
    assert venue.orders == {}


def test_5xx_on_submit_then_found_by_lookup_returns_the_venue_order(
    venue: FakeBinance, make_execution: Make
) -> None:
    execution = make_execution()
    execution.symbol_rules()
    # The venue answers 502 from its gateway although the matching engine took the order.
    venue.script(Fault(kind="status_after_accept", status=502, body={"msg": "Bad Gateway"}))
    order = execution.submit(market_buy())

    assert order.status is OrderStatus.FILLED
    assert order.filled_quantity == Decimal("0.01")
    assert len(venue.calls("POST", "/api/v3/order")) == 1
    assert len(venue.calls("GET", "/api/v3/order")) == 1


def test_429_on_submit_waits_the_retry_after_hint_then_sends_once_more(
    venue: FakeBinance, make_execution: Make, sleep: RecordingSleep
) -> None:
    execution = make_execution()
    execution.symbol_rules()
    venue.script(
        Fault(
            kind="status",
            status=429,
            headers={"Retry-After": "7"},
            body={"code": -1003, "msg": "Too many requests."},
        )
    )

    order = execution.submit(limit_buy())

    assert order.status is OrderStatus.ACCEPTED
    assert len(venue.calls("POST", "/api/v3/order")) == 2  # the first was refused unprocessed
    assert list(venue.orders) == ["tkLimitBuy0001"]
    assert len(sleep.durations) == 1 and sleep.durations[0] >= 7.0


def test_clock_skew_is_resynced_and_the_submit_retried_once(
    venue: FakeBinance, make_execution: Make
) -> None:
    execution = make_execution()
    execution.symbol_rules()
    venue.skew_ms = 30_000

    order = execution.submit(limit_buy())

    assert order.status is OrderStatus.ACCEPTED
    paths = [(r.method, r.path) for r in venue.requests[1:]]
    assert paths == [
        ("POST", "/api/v3/order"),
        ("GET", "/api/v3/time"),
        ("POST", "/api/v3/order"),
    ]
    assert list(venue.orders) == ["tkLimitBuy0001"]
    refused, accepted = venue.calls("POST", "/api/v3/order")
    assert int(accepted.params["timestamp"]) - int(refused.params["timestamp"]) >= 29_000


def test_buy_beyond_the_balance_raises_insufficient_funds(
    venue: FakeBinance, make_execution: Make
) -> None:
    with pytest.raises(InsufficientFunds) as raised:
        make_execution().submit(market_buy(qty="100"))

    assert raised.value.client_order_id == "tkMarketBuy0001"
    assert venue.orders == {}
