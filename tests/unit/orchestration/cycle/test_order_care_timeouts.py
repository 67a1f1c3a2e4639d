"""OrderCare entry timeouts: entries working `entry_timeout_ms` after they were sent are
cancelled and reported, closes never; never orders it did not send or adopt, not while
halted, and orders adopted at a restart age from the restart."""

from decimal import Decimal

import pytest
from order_care_desk import (
    BASE_MS,
    MAX_MS,
    Desk,
    control_in,
    make_intent,
    make_plan,
)
from tests.fakes.execution import Outcome

from tradekernel.domain.enums import CloseSemantics, OrderStatus, TradingState
from tradekernel.orchestration.cycle.backoff import RejectionBackoff
from tradekernel.orchestration.cycle.order_care import OrderCare

# -- timed-out entries --------------------------------------------------------------------------


def test_entries_working_entry_timeout_ms_after_they_were_sent_are_cancelled() -> None:
    desk = Desk(entry_timeout_ms=2_000)
    desk.care.dispatch(make_plan(0, make_intent("tk-old")), 0)
    desk.care.dispatch(make_plan(1_000, make_intent("tk-mid")), 1_000)
    desk.care.dispatch(make_plan(2_000, make_intent("tk-new")), 2_000)

    desk.care.cancel_timed_out(1_999)  # one millisecond early
    assert desk.cancelled() == []

    desk.care.cancel_timed_out(2_000)  # tk-old has worked 2_000 ms: due; tk-mid only 1_000
    assert desk.cancelled() == ["tk-old"]
    assert desk.status("tk-old") is OrderStatus.CANCELLED
    assert desk.status("tk-mid") is OrderStatus.ACCEPTED

    desk.care.cancel_timed_out(3_000)  # tk-old is gone now and is not cancelled again
    assert desk.cancelled() == ["tk-old", "tk-mid"]
    assert desk.status("tk-new") is OrderStatus.ACCEPTED


def test_a_timed_out_entry_is_reported_at_the_time_it_was_cancelled() -> None:
    desk = Desk(entry_timeout_ms=1_500)
    desk.care.dispatch(make_plan(500, make_intent("tk-1"), make_intent("tk-2")), 500)
    desk.care.cancel_timed_out(1_999)
    assert desk.care.timed_out == []
    desk.care.cancel_timed_out(2_700)
    desk.care.cancel_timed_out(9_000)  # reported once, not at every later check
    assert desk.care.timed_out == [(2_700, "tk-1"), (2_700, "tk-2")]
    assert desk.cancelled() == ["tk-1", "tk-2"]


def test_a_delayed_entry_times_out_from_the_time_it_was_sent() -> None:
    desk = Desk(entry_timeout_ms=2_000)
    desk.care.dispatch(make_plan(0, make_intent("tk-d", delay_ms=3_000)), 0)
    desk.care.send_due(3_000)
    desk.care.cancel_timed_out(4_999)
    assert desk.cancelled() == []
    desk.care.cancel_timed_out(5_000)
    assert desk.cancelled() == ["tk-d"]


def test_a_close_is_never_cancelled_for_its_age() -> None:
    desk = Desk(entry_timeout_ms=1_000)
    plan = make_plan(
        0,
        make_intent("tk-reduce", close=CloseSemantics.REDUCE_ONLY),
        make_intent("tk-close", close=CloseSemantics.CLOSE_ALL),
        make_intent("tk-entry"),
    )
    desk.care.dispatch(plan, 0)
    desk.care.cancel_timed_out(1_000_000)
    assert desk.cancelled() == ["tk-entry"]
    assert desk.care.timed_out == [(1_000_000, "tk-entry")]
    assert desk.status("tk-reduce") is OrderStatus.ACCEPTED
    assert desk.status("tk-close") is OrderStatus.ACCEPTED


def test_timeouts_leave_finished_orders_alone() -> None:
    desk = Desk(entry_timeout_ms=1_000)
    desk.venue.script(Outcome.REJECT)
    desk.care.dispatch(
        make_plan(0, make_intent("tk-rej"), make_intent("tk-fill"), make_intent("tk-exp")), 0
    )
    desk.venue.fill("tk-fill", Decimal(1), Decimal(100))
    desk.venue.set_status("tk-exp", OrderStatus.EXPIRED)
    desk.manager.refresh_open()
    assert desk.status("tk-fill") is OrderStatus.FILLED
    assert desk.status("tk-exp") is OrderStatus.EXPIRED
    desk.care.cancel_timed_out(5_000)
    assert desk.cancelled() == []
    assert desk.care.timed_out == []


def test_nothing_times_out_without_an_entry_timeout() -> None:
    desk = Desk(entry_timeout_ms=0)
    desk.care.dispatch(make_plan(0, make_intent("tk-1")), 0)
    desk.care.cancel_timed_out(1_000_000)
    assert desk.cancelled() == []
    assert desk.status("tk-1") is OrderStatus.ACCEPTED


def test_a_negative_entry_timeout_is_refused() -> None:
    desk = Desk()
    with pytest.raises(ValueError, match="entry_timeout_ms must be >= 0, got -1"):
        OrderCare(
            desk.oms_desk, RejectionBackoff(base_ms=BASE_MS, max_ms=MAX_MS), entry_timeout_ms=-1
        )


# -- orders not sent here -----------------------------------------------------------------------


def test_timeouts_never_cancel_orders_neither_sent_nor_adopted() -> None:
    desk = Desk(entry_timeout_ms=1_000)
    desk.care.dispatch(make_plan(0, make_intent("tk-mine")), 0)
    desk.manager.submit(make_intent("tk-outside"))  # e.g. sent by hand through the OMS
    desk.care.cancel_timed_out(1_000_000)
    assert desk.cancelled() == ["tk-mine"]
    assert desk.status("tk-outside") is OrderStatus.ACCEPTED


def test_orders_adopted_at_a_restart_age_from_the_restart() -> None:
    desk = Desk(entry_timeout_ms=3_000)
    desk.manager.submit(make_intent("tk-before"))  # working when the previous run stopped
    desk.care.dispatch(make_plan(0, make_intent("tk-mine")), 0)
    desk.restart(2_000)
    desk.care.cancel_timed_out(4_000)
    # tk-mine keeps its own sent time (0); tk-before has aged only 2_000 ms since the restart.
    assert desk.cancelled() == ["tk-mine"]
    desk.care.cancel_timed_out(5_000)
    assert desk.cancelled() == ["tk-mine", "tk-before"]


def test_a_restarted_care_adopts_the_working_orders_of_the_stored_run() -> None:
    first = Desk(entry_timeout_ms=3_000)
    first.care.dispatch(make_plan(0, make_intent("tk-1"), make_intent("tk-2")), 0)
    first.venue.fill("tk-2", Decimal(1), Decimal(100))
    first.manager.refresh_open()
    # The process stops; a new one rebuilds the OMS from the same store, same venue.
    second = Desk(entry_timeout_ms=3_000, venue=first.venue, store=first.store)
    second.restart(10_000)
    second.care.cancel_timed_out(12_999)
    assert first.cancelled() == []
    second.care.cancel_timed_out(13_000)
    assert second.cancelled() == ["tk-1"]  # tk-2 had filled: nothing to adopt
    assert second.care.timed_out == [(13_000, "tk-1")]


def test_re_sending_an_adopted_order_counts_no_outcome() -> None:
    first = Desk()
    first.care.dispatch(make_plan(0, make_intent("tk-1")), 0)
    second = Desk(venue=first.venue, store=first.store)
    second.care.backoff.rejected("BTC/USDT", 5_000)  # a streak the restart kept (its store)
    second.restart(5_000)
    second.care.dispatch(make_plan(5_000, make_intent("tk-1")), 5_000)
    # The OMS answers the known id from its record; that is no acceptance to reset on.
    assert second.venue.submit_ids == ["tk-1"]
    assert second.care.backoff.until(5_000) == {"BTC/USDT": 5_000 + BASE_MS}


# -- trading state --------------------------------------------------------------------------------


def test_timeouts_send_no_cancel_while_trading_is_halted() -> None:
    control = control_in(TradingState.ACTIVE)
    desk = Desk(entry_timeout_ms=1_000, control=control)
    desk.care.dispatch(make_plan(0, make_intent("tk-1")), 0)
    control.set(TradingState.HALTED, "operator")  # halted once the entry is working
    desk.care.cancel_timed_out(5_000)
    assert desk.cancelled() == []
    assert desk.care.timed_out == []
    assert desk.status("tk-1") is OrderStatus.ACCEPTED
    # Once resumed, the same order (still past its timeout) is cancelled.
    control.set(TradingState.ACTIVE, "resume")
    desk.care.cancel_timed_out(5_000)
    assert desk.cancelled() == ["tk-1"]


def test_timeouts_still_cancel_while_reducing() -> None:
    control = control_in(TradingState.ACTIVE)
    desk = Desk(entry_timeout_ms=1_000, control=control)
    desk.care.dispatch(make_plan(0, make_intent("tk-1")), 0)
    control.set(TradingState.REDUCING, "operator")
    desk.care.cancel_timed_out(1_000)
    assert desk.cancelled() == ["tk-1"]


def test_an_entry_the_trading_state_no_longer_permits_is_dropped_not_sent() -> None:
    desk = Desk(control=control_in(TradingState.HALTED))
    desk.care.dispatch(make_plan(0, make_intent("tk-1")), 0)
    assert desk.venue.submit_ids == []
    assert desk.care.dropped == [(0, "tk-1", "trading state: trading_halted")]


def test_a_close_found_working_at_a_restart_never_times_out() -> None:
    first = Desk(entry_timeout_ms=1_000)
    first.care.dispatch(
        make_plan(0, make_intent("tk-in"), make_intent("tk-out", close=CloseSemantics.CLOSE_ALL)),
        0,
    )
    second = Desk(venue=first.venue, store=first.store, entry_timeout_ms=1_000)
    second.restart(5_000)
    second.care.cancel_timed_out(6_000)
    assert second.cancelled() == ["tk-in"]  # the entry ages from the restart; the close stays
