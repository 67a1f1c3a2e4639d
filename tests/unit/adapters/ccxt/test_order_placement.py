"""`place_order`: exactly one create call per submit, unless the venue said the request
never took effect (rate limit, nonce); what the call carries, and the faults around it."""

import asyncio
from decimal import Decimal
from typing import Any

import ccxt
import pytest
from hypothesis import given
from hypothesis import strategies as st
from submission_fakes import (
    COID,
    RAW_ACK,
    FakeClock,
    FakeExchange,
    ParamsEatingExchange,
    intent,
    place,
    runner,
)

from tradekernel.adapters.ccxt.config import MarketType, RetryPolicy
from tradekernel.adapters.ccxt.retry import UnconfirmedRequest
from tradekernel.adapters.ccxt.submission import place_order
from tradekernel.domain.enums import CloseSemantics, OrderType, Side, TimeInForce
from tradekernel.domain.errors import (
    Fatal,
    InsufficientFunds,
    Rejected,
    Transient,
)

# --- place_order: what create_order is given ---------------------------------------------


def test_limit_buy_is_sent_once_with_string_amounts_and_our_client_id() -> None:
    exchange = FakeExchange()

    answer = place(exchange, intent(OrderType.LIMIT, quantity="0.0100", price="30000.50"))

    assert answer is RAW_ACK
    assert exchange.calls == [
        (
            "BTC/USDT",
            "limit",
            "buy",
            "0.0100",
            "30000.50",
            {"clientOrderId": COID, "timeInForce": "GTC"},
        )
    ]


def test_market_sell_is_sent_without_price_or_time_in_force() -> None:
    exchange = FakeExchange()

    place(
        exchange,
        intent(OrderType.MARKET, side=Side.SELL, symbol="ETH/USDT", quantity="1.5", price=None),
    )

    assert exchange.calls == [("ETH/USDT", "market", "sell", "1.5", None, {"clientOrderId": COID})]


@pytest.mark.parametrize(
    ("tif", "expected"),
    [
        (TimeInForce.IOC, {"timeInForce": "IOC"}),
        (TimeInForce.FOK, {"timeInForce": "FOK"}),
        (TimeInForce.POST_ONLY, {"postOnly": True}),
    ],
)
def test_limit_time_in_force_is_sent_as_the_unified_param(
    tif: TimeInForce, expected: dict[str, Any]
) -> None:
    exchange = FakeExchange()

    place(exchange, intent(OrderType.LIMIT, time_in_force=tif))

    assert exchange.calls[0][5] == {"clientOrderId": COID, **expected}


def test_stop_is_a_market_order_with_a_trigger_price() -> None:
    exchange = FakeExchange()

    place(exchange, intent(OrderType.STOP, side=Side.SELL, price=None, stop_price="29000"))

    assert exchange.calls == [
        (
            "BTC/USDT",
            "market",
            "sell",
            "0.0100",
            None,
            {"clientOrderId": COID, "triggerPrice": "29000"},
        )
    ]


def test_stop_limit_is_a_limit_order_with_price_and_trigger_price() -> None:
    exchange = FakeExchange()

    place(
        exchange,
        intent(OrderType.STOP_LIMIT, side=Side.SELL, price="28900.0", stop_price="29000.0"),
    )

    assert exchange.calls == [
        (
            "BTC/USDT",
            "limit",
            "sell",
            "0.0100",
            "28900.0",
            {"clientOrderId": COID, "timeInForce": "GTC", "triggerPrice": "29000.0"},
        )
    ]


@pytest.mark.parametrize(
    ("market_type", "semantics", "reduce_only_sent"),
    [
        (MarketType.SPOT, CloseSemantics.OPEN, False),
        (MarketType.SPOT, CloseSemantics.REDUCE_ONLY, False),
        (MarketType.SPOT, CloseSemantics.CLOSE_ALL, False),
        (MarketType.SWAP, CloseSemantics.OPEN, False),
        (MarketType.SWAP, CloseSemantics.REDUCE_ONLY, True),
        (MarketType.SWAP, CloseSemantics.CLOSE_ALL, True),
    ],
)
def test_reduce_only_is_sent_on_swap_closes_and_never_on_spot(
    market_type: MarketType, semantics: CloseSemantics, reduce_only_sent: bool
) -> None:
    exchange = FakeExchange()

    place(
        exchange,
        intent(OrderType.MARKET, side=Side.SELL, price=None, close_semantics=semantics),
        market_type,
    )

    expected: dict[str, Any] = {"clientOrderId": COID}
    if reduce_only_sent:
        expected["reduceOnly"] = True
    assert exchange.calls == [("BTC/USDT", "market", "sell", "0.0100", None, expected)]


@given(
    units=st.integers(min_value=1, max_value=10**12),
    places=st.integers(min_value=0, max_value=10),
    order_type=st.sampled_from([OrderType.MARKET, OrderType.LIMIT]),
)
def test_quantity_and_price_are_sent_as_their_exact_decimal_text(
    units: int, places: int, order_type: OrderType
) -> None:
    quantity = Decimal(units).scaleb(-places)
    price = None if order_type is OrderType.MARKET else Decimal(units + 1).scaleb(-places)
    exchange = FakeExchange()

    place(
        exchange,
        intent(order_type, quantity=str(quantity), price=None if price is None else str(price)),
    )

    _, _, _, amount, sent_price, _ = exchange.calls[0]
    # The text must read back as the very same Decimal, digits and exponent included.
    assert Decimal(amount).as_tuple() == quantity.as_tuple()
    if price is None:
        assert sent_price is None
    else:
        assert Decimal(sent_price).as_tuple() == price.as_tuple()


# --- place_order: faults during the submit -----------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        ccxt.RequestTimeout("binance POST /api/v3/order read timed out"),
        ccxt.NetworkError("connection reset by peer"),
        ccxt.ExchangeNotAvailable("binance 503 Service Unavailable"),
        ccxt.OnMaintenance("binance 502 Bad Gateway"),
        ccxt.BadResponse("binance returned an unparsable body"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_unreachable_venue_during_submit_is_unconfirmed_and_not_resent(error: Exception) -> None:
    exchange = FakeExchange(error)
    clock = FakeClock()

    with pytest.raises(UnconfirmedRequest) as raised:
        place(exchange, intent(), clock=clock)

    assert len(exchange.calls) == 1
    assert clock.pauses == []
    assert raised.value.client_order_id == COID
    assert type(error).__name__ in str(raised.value)


def test_rate_limited_submit_is_retried_after_the_minimum_wait() -> None:
    # A 429 refuses the request outright, so a second create call cannot double the order.
    exchange = FakeExchange(ccxt.RateLimitExceeded("binance 429 Too Many Requests"))
    clock = FakeClock()
    policy = RetryPolicy(rate_limit_min_s=2.0)

    answer = place(exchange, intent(), policy=policy, clock=clock)

    assert answer is RAW_ACK
    assert len(exchange.calls) == 2
    assert exchange.calls[0] == exchange.calls[1]
    assert len(clock.pauses) == 1 and clock.pauses[0] >= 2.0


def test_rate_limit_past_the_attempts_is_transient_not_unconfirmed() -> None:
    errors = [ccxt.RateLimitExceeded("binance 429") for _ in range(5)]
    exchange = FakeExchange(*errors)

    with pytest.raises(Transient, match="gave up after 3 attempts") as raised:
        place(exchange, intent(), policy=RetryPolicy(attempts=3))

    assert not isinstance(raised.value, UnconfirmedRequest)
    assert len(exchange.calls) == 3


def test_a_retried_submit_sends_the_client_id_again_even_if_ccxt_emptied_the_params() -> None:
    exchange = ParamsEatingExchange(ccxt.RateLimitExceeded("binance 429"))

    place(exchange, intent())

    assert [call[5] for call in exchange.calls] == [
        {"clientOrderId": COID, "timeInForce": "GTC"},
        {"clientOrderId": COID, "timeInForce": "GTC"},
    ]


def test_invalid_nonce_on_submit_resyncs_and_sends_again() -> None:
    exchange = FakeExchange(ccxt.InvalidNonce("binance -1021 timestamp outside recvWindow"))
    retry, resyncs = runner(RetryPolicy(), FakeClock())

    answer = asyncio.run(place_order(exchange, retry, intent(), MarketType.SPOT))

    assert answer is RAW_ACK
    assert resyncs == ["resync"] and len(exchange.calls) == 2


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ccxt.InvalidOrder("binance -1013 Filter failure: LOT_SIZE"), Rejected),
        (ccxt.InsufficientFunds("binance -2010 insufficient balance"), InsufficientFunds),
    ],
    ids=["invalid_order", "insufficient_funds"],
)
def test_a_refused_submit_is_raised_once_with_our_client_id(
    error: Exception, expected: type[Exception]
) -> None:
    exchange = FakeExchange(error)

    with pytest.raises(expected) as raised:
        place(exchange, intent())

    assert type(raised.value) is expected
    assert isinstance(raised.value, Rejected) and raised.value.client_order_id == COID
    assert len(exchange.calls) == 1


def test_a_ban_during_submit_halts_and_the_next_submit_never_reaches_the_venue() -> None:
    exchange = FakeExchange(ccxt.DDoSProtection("binance 418 IP banned"))
    retry, _ = runner(RetryPolicy(), FakeClock())

    with pytest.raises(Fatal):
        asyncio.run(place_order(exchange, retry, intent(), MarketType.SPOT))
    with pytest.raises(Fatal, match="halted"):
        asyncio.run(place_order(exchange, retry, intent(), MarketType.SPOT))

    assert len(exchange.calls) == 1
    assert retry.halted_reason is not None
