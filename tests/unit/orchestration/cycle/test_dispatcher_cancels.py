"""IntentDispatcher stale cancels: by age in cycles, never for orders it did not send,
not while halted, and for orders adopted after a restart."""

from decimal import Decimal

from dispatcher_desk import (
    Desk,
    control_in,
    make_intent,
    make_plan,
)
from tests.fakes.execution import Outcome

from tradekernel.domain.enums import OrderStatus, TradingState

# -- stale orders -------------------------------------------------------------------------------


def test_cancel_stale_cancels_orders_sent_at_least_cancel_after_bars_cycles_ago() -> None:
    desk = Desk(cancel_after_bars=2)
    desk.dispatcher.dispatch(make_plan(0, make_intent("tk-old")), 0, 0)
    desk.dispatcher.dispatch(make_plan(100, make_intent("tk-mid")), 100, 1)
    desk.dispatcher.dispatch(make_plan(200, make_intent("tk-new")), 200, 2)

    desk.dispatcher.cancel_stale(1)
    assert desk.cancelled() == []

    desk.dispatcher.cancel_stale(2)  # tk-old is 2 cycles old: due; tk-mid only 1
    assert desk.cancelled() == ["tk-old"]
    assert desk.status("tk-old") is OrderStatus.CANCELLED
    assert desk.status("tk-mid") is OrderStatus.ACCEPTED

    desk.dispatcher.cancel_stale(3)  # tk-old is terminal now and is not cancelled again
    assert desk.cancelled() == ["tk-old", "tk-mid"]
    assert desk.status("tk-new") is OrderStatus.ACCEPTED


def test_cancel_stale_counts_a_delayed_order_from_the_cycle_it_was_sent_in() -> None:
    desk = Desk(cancel_after_bars=2)
    desk.dispatcher.dispatch(make_plan(0, make_intent("tk-d", delay_ms=3_000)), 0, 0)
    desk.dispatcher.submit_due(3_000, 3)
    desk.dispatcher.cancel_stale(4)
    assert desk.cancelled() == []
    desk.dispatcher.cancel_stale(5)
    assert desk.cancelled() == ["tk-d"]


def test_cancel_stale_leaves_finished_orders_alone() -> None:
    desk = Desk(cancel_after_bars=1)
    desk.venue.script(Outcome.REJECT)
    desk.dispatcher.dispatch(make_plan(0, make_intent("tk-rej"), make_intent("tk-fill")), 0, 0)
    desk.venue.fill("tk-fill", Decimal(1), Decimal(100))
    desk.manager.refresh("tk-fill")
    assert desk.status("tk-fill") is OrderStatus.FILLED
    desk.dispatcher.cancel_stale(5)
    assert desk.cancelled() == []


def test_cancel_stale_does_nothing_without_cancel_after_bars() -> None:
    desk = Desk(cancel_after_bars=None)
    desk.dispatcher.dispatch(make_plan(0, make_intent("tk-1")), 0, 0)
    desk.dispatcher.cancel_stale(1_000_000)
    assert desk.cancelled() == []
    assert desk.status("tk-1") is OrderStatus.ACCEPTED


def test_cancel_stale_never_cancels_orders_it_did_not_send() -> None:
    desk = Desk(cancel_after_bars=1)
    desk.manager.submit(make_intent("tk-outside"))  # e.g. known from an earlier run's store
    desk.dispatcher.cancel_stale(1_000)
    assert desk.cancelled() == []


def test_orders_adopted_after_a_restart_age_from_the_restart() -> None:
    desk = Desk(cancel_after_bars=3)
    desk.manager.submit(make_intent("tk-before"))  # working when the previous run stopped
    desk.dispatcher.dispatch(make_plan(0, make_intent("tk-mine")), 0, 0)
    desk.dispatcher.adopt_open(2)  # the restart happens at cycle 2
    desk.dispatcher.cancel_stale(4)
    # tk-mine keeps its own sent cycle (0); tk-before is only 2 cycles past the restart.
    assert desk.cancelled() == ["tk-mine"]
    desk.dispatcher.cancel_stale(5)
    assert desk.cancelled() == ["tk-mine", "tk-before"]


def test_cancel_stale_sends_no_cancel_while_trading_is_halted() -> None:
    control = control_in(TradingState.HALTED)
    desk = Desk(cancel_after_bars=1, control=control)
    desk.dispatcher.dispatch(make_plan(0, make_intent("tk-1")), 0, 0)
    desk.dispatcher.cancel_stale(5)
    assert desk.cancelled() == []
    assert desk.status("tk-1") is OrderStatus.ACCEPTED
    # Once resumed, the same order (still stale) is cancelled.
    control.set(TradingState.ACTIVE, "resume")
    desk.dispatcher.cancel_stale(5)
    assert desk.cancelled() == ["tk-1"]


def test_cancel_stale_still_cancels_while_reducing() -> None:
    desk = Desk(cancel_after_bars=1, control=control_in(TradingState.REDUCING))
    desk.dispatcher.dispatch(make_plan(0, make_intent("tk-1")), 0, 0)
    desk.dispatcher.cancel_stale(1)
    assert desk.cancelled() == ["tk-1"]
