"""`look_up_unconfirmed`: an unconfirmed submit is settled by client order id within the
window the injected clock measures; and the two steps chained as the adapter chains them."""

import asyncio

import ccxt
import pytest
from hypothesis import given
from hypothesis import strategies as st
from submission_fakes import (
    COID,
    FakeClock,
    FakeExchange,
    Lookups,
    found_order,
    intent,
    look_up,
    runner,
)

from tradekernel.adapters.ccxt.config import MarketType, RetryPolicy
from tradekernel.adapters.ccxt.retry import UnconfirmedRequest
from tradekernel.adapters.ccxt.submission import look_up_unconfirmed, place_order
from tradekernel.domain.errors import (
    AmbiguousSubmit,
    Fatal,
    OrderNotFound,
    Rejected,
    Transient,
)
from tradekernel.domain.orders import Order

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
