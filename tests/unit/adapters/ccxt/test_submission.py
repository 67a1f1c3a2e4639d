"""Order placement and the lookup of an unconfirmed submit, against a scripted fake venue.

`place_order` must send exactly one create call per submit unless the venue said the
request never took effect (rate limit, nonce); `look_up_unconfirmed` must settle an
unconfirmed submit by client order id within the window measured by the injected clock.
"""

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import ccxt
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradekernel.adapters.ccxt.config import MarketType, RetryPolicy
from tradekernel.adapters.ccxt.retry import RetryRunner, UnconfirmedRequest
from tradekernel.adapters.ccxt.submission import look_up_unconfirmed, place_order
from tradekernel.domain.enums import CloseSemantics, OrderType, Side, TimeInForce
from tradekernel.domain.errors import (
    AmbiguousSubmit,
    Fatal,
    InsufficientFunds,
    OrderNotFound,
    Rejected,
    Transient,
)
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.orders import Order

COID = "tk0123456789abcdef0123456789ab"
RAW_ACK = {"id": "8731", "clientOrderId": COID, "status": "open"}


class FakeClock:
    """A clock that only moves when something sleeps on it."""

    def __init__(self, start_ms: int = 1_700_000_000_000) -> None:
        self.start_ms = start_ms
        self.ms = start_ms
        self.pauses: list[float] = []

    def now_ms(self) -> int:
        return self.ms

    def elapsed_ms(self) -> int:
        return self.ms - self.start_ms

    async def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.ms += round(seconds * 1000)


class FakeExchange:
    """Records every `create_order` call; raises the scripted errors in turn, then acks."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls: list[tuple[Any, ...]] = []

    async def create_order(
        self,
        symbol: str,
        order_type: str,
        side: str,
        amount: str,
        price: str | None,
        params: dict[str, Any],
    ) -> dict[str, str]:
        # Keep a snapshot: what was sent, not what the dict became afterwards.
        self.calls.append((symbol, order_type, side, amount, price, dict(params)))
        if self.errors:
            raise self.errors.pop(0)
        return RAW_ACK


class ParamsEatingExchange(FakeExchange):
    """Empties the params it is given, as a ccxt method may do with its own argument."""

    async def create_order(
        self,
        symbol: str,
        order_type: str,
        side: str,
        amount: str,
        price: str | None,
        params: dict[str, Any],
    ) -> dict[str, str]:
        try:
            return await super().create_order(symbol, order_type, side, amount, price, params)
        finally:
            params.clear()


class Lookups:
    """A fetch-by-client-id that gives the scripted answers in turn, noting when it ran."""

    def __init__(self, clock: FakeClock, *answers: Exception | Order) -> None:
        self.clock = clock
        self.answers = list(answers)
        self.at_ms: list[int] = []

    async def __call__(self) -> Order:
        self.at_ms.append(self.clock.elapsed_ms())
        answer = self.answers.pop(0) if self.answers else OrderNotFound("still unknown")
        if isinstance(answer, Exception):
            raise answer
        return answer


def runner(policy: RetryPolicy, clock: FakeClock) -> tuple[RetryRunner, list[str]]:
    resyncs: list[str] = []

    async def resync() -> None:
        resyncs.append("resync")

    retry = RetryRunner(
        policy=policy,
        rng=np.random.default_rng(7),
        sleep=clock.sleep,
        resync_clock=resync,
        last_headers=lambda: None,
        redact=str,
    )
    return retry, resyncs


def intent(
    order_type: OrderType = OrderType.LIMIT,
    *,
    side: Side = Side.BUY,
    symbol: str = "BTC/USDT",
    quantity: str = "0.0100",
    price: str | None = "30000.50",
    stop_price: str | None = None,
    time_in_force: TimeInForce = TimeInForce.GTC,
    close_semantics: CloseSemantics = CloseSemantics.OPEN,
) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=COID,
        directive_id="dir-1",
        symbol=symbol,
        side=side,
        order_type=order_type,
        quantity=Decimal(quantity),
        price=None if price is None else Decimal(price),
        stop_price=None if stop_price is None else Decimal(stop_price),
        time_in_force=time_in_force,
        close_semantics=close_semantics,
    )


def found_order() -> Order:
    return Order(
        client_order_id=COID,
        symbol="BTC/USDT",
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        quantity=Decimal("0.0100"),
        price=Decimal("30000.50"),
        venue_order_id="8731",
    )


def place(
    exchange: FakeExchange,
    the_intent: ExecutionIntent,
    market_type: MarketType = MarketType.SPOT,
    policy: RetryPolicy | None = None,
    clock: FakeClock | None = None,
) -> Any:
    retry, _ = runner(policy or RetryPolicy(), clock or FakeClock())
    return asyncio.run(place_order(exchange, retry, the_intent, market_type))


def look_up(
    fetch: Callable[[], Awaitable[Order]],
    clock: FakeClock,
    policy: RetryPolicy,
    cause: str = "submit: RequestTimeout: read timed out",
) -> Order:
    return asyncio.run(
        look_up_unconfirmed(
            fetch, clock=clock, policy=policy, sleep=clock.sleep, client_order_id=COID, cause=cause
        )
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


# --- look_up_unconfirmed -----------------------------------------------------------------


def test_lookup_returns_the_order_as_soon_as_it_shows_up() -> None:
    clock = FakeClock()
    order = found_order()
    fetch = Lookups(
        clock,
        OrderNotFound("-2013 Order does not exist"),
        Transient("503"),
        OrderNotFound("-2013 Order does not exist"),
        order,
        Fatal("must never be asked for"),
    )

    result = look_up(fetch, clock, RetryPolicy(lookup_window_s=10.0, lookup_interval_s=0.5))

    assert result is order
    assert fetch.at_ms == [0, 500, 1000, 1500]
    assert clock.pauses == [0.5, 0.5, 0.5]


def test_lookup_found_at_once_does_not_sleep() -> None:
    clock = FakeClock()
    order = found_order()
    fetch = Lookups(clock, order)

    assert look_up(fetch, clock, RetryPolicy()) is order
    assert fetch.at_ms == [0] and clock.pauses == []


def test_lookup_treats_an_unconfirmed_read_like_any_transient_fault() -> None:
    clock = FakeClock()
    order = found_order()
    fetch = Lookups(clock, UnconfirmedRequest("read timed out"), order)

    assert look_up(fetch, clock, RetryPolicy(lookup_interval_s=2.0)) is order
    assert fetch.at_ms == [0, 2000] and clock.pauses == [2.0]


@pytest.mark.parametrize(
    "miss",
    [OrderNotFound("-2013 Order does not exist"), Transient("503 Service Unavailable")],
    ids=["not_found", "transient"],
)
def test_lookup_gives_up_as_ambiguous_once_the_window_passes(miss: Exception) -> None:
    clock = FakeClock()
    fetch = Lookups(clock, *[miss] * 50)
    cause = "submit: RequestTimeout: binance POST /api/v3/order read timed out"

    with pytest.raises(AmbiguousSubmit) as raised:
        look_up(fetch, clock, RetryPolicy(lookup_window_s=10.0, lookup_interval_s=1.0), cause)

    error = raised.value
    assert error.client_order_id == COID
    assert cause in str(error)
    assert "10.0 s" in str(error)
    # Lookups at 0, 1, ..., 10 s: the one at the deadline is the last; no sleep after it.
    assert fetch.at_ms == [1000 * k for k in range(11)]
    assert clock.pauses == [1.0] * 10


def test_lookup_window_is_measured_from_the_clock_at_the_first_lookup() -> None:
    clock = FakeClock(start_ms=123_456_789)  # an arbitrary start: only elapsed time counts
    fetch = Lookups(clock)

    with pytest.raises(AmbiguousSubmit):
        look_up(fetch, clock, RetryPolicy(lookup_window_s=3.0, lookup_interval_s=1.5))

    assert fetch.at_ms == [0, 1500, 3000]


def expected_lookup_count(window_ms: int, interval_ms: int) -> int:
    """Lookups at 0, i, 2i, ...: the last one is the first at or past the deadline."""
    return -(-window_ms // interval_ms) + 1


@given(
    window_eighths=st.integers(min_value=1, max_value=400),
    interval_eighths=st.integers(min_value=1, max_value=80),
)
def test_lookup_count_matches_the_window_over_the_interval(
    window_eighths: int, interval_eighths: int
) -> None:
    # Multiples of 1/8 s are exact in binary floating point, so seconds map to exact ms.
    window_s, interval_s = window_eighths / 8, interval_eighths / 8
    window_ms, interval_ms = window_eighths * 125, interval_eighths * 125
    clock = FakeClock()
    fetch = Lookups(clock)
    policy = RetryPolicy(lookup_window_s=window_s, lookup_interval_s=interval_s)

    with pytest.raises(AmbiguousSubmit):
        look_up(fetch, clock, policy)

    count = expected_lookup_count(window_ms, interval_ms)
    assert len(fetch.at_ms) == count
    assert fetch.at_ms == [k * interval_ms for k in range(count)]
    # The last lookup is the first at or past the deadline; the one before it was inside.
    assert fetch.at_ms[-2] < window_ms <= fetch.at_ms[-1]
    assert clock.pauses == [interval_s] * (count - 1)


def test_lookup_at_the_last_millisecond_inside_the_window_is_followed_by_another() -> None:
    clock = FakeClock()
    fetch = Lookups(clock)

    with pytest.raises(AmbiguousSubmit):
        look_up(fetch, clock, RetryPolicy(lookup_window_s=1.001, lookup_interval_s=1.0))

    # 1000 ms < 1001 ms: the window is still open, so one more lookup at 2000 ms is due.
    assert fetch.at_ms == [0, 1000, 2000]


def test_fatal_from_a_lookup_propagates_unchanged_and_stops_the_lookups() -> None:
    clock = FakeClock()
    fatal = Fatal("banned by the venue, all traffic halted", client_order_id=COID)
    fetch = Lookups(clock, OrderNotFound("-2013"), fatal, found_order())

    with pytest.raises(Fatal) as raised:
        look_up(fetch, clock, RetryPolicy(lookup_interval_s=1.0))

    assert raised.value is fatal
    assert fetch.at_ms == [0, 1000]
    assert clock.pauses == [1.0]


def test_a_refusal_from_a_lookup_is_not_taken_for_a_missing_order() -> None:
    clock = FakeClock()
    refusal = Rejected("-1100 Illegal characters in parameter")
    fetch = Lookups(clock, refusal, found_order())

    with pytest.raises(Rejected) as raised:
        look_up(fetch, clock, RetryPolicy())

    assert raised.value is refusal
    assert fetch.at_ms == [0] and clock.pauses == []


# --- the two together, as the ccxt execution adapter chains them -------------------------


def test_timed_out_submit_is_settled_by_lookup_with_a_single_create_call() -> None:
    clock = FakeClock()
    exchange = FakeExchange(ccxt.RequestTimeout("binance POST /api/v3/order read timed out"))
    policy = RetryPolicy(lookup_window_s=5.0, lookup_interval_s=1.0)
    retry, _ = runner(policy, clock)
    order = found_order()
    fetch = Lookups(clock, OrderNotFound("-2013"), OrderNotFound("-2013"), order)

    async def submit() -> Order:
        try:
            await place_order(exchange, retry, intent(), MarketType.SPOT)
        except UnconfirmedRequest as unconfirmed:
            return await look_up_unconfirmed(
                fetch,
                clock=clock,
                policy=policy,
                sleep=clock.sleep,
                client_order_id=COID,
                cause=str(unconfirmed),
            )
        raise AssertionError("the timed-out submit was taken as confirmed")

    assert asyncio.run(submit()) is order
    assert len(exchange.calls) == 1
    assert fetch.at_ms == [0, 1000, 2000]
