"""OrderCare sending: plan order, delayed slices, rejections and the entry backoff, re-sent
ids, dropped slices, and a naive model of the runner's step."""

from hypothesis import given, settings
from hypothesis import strategies as st
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
from tradekernel.domain.intents import ExecutionIntent

# -- immediate intents --------------------------------------------------------------------------


def test_immediate_intents_reach_the_venue_at_dispatch_in_plan_order_without_skipped_ones() -> None:
    desk = Desk()
    # Ids and symbols deliberately out of sorted order: nothing may re-sort them.
    plan = make_plan(
        0,
        make_intent("tk-c", symbol="ETH/USDT"),
        make_intent("tk-a", skipped=True),
        make_intent("tk-b", symbol="ADA/USDT"),
        make_intent("tk-d", symbol="ADA/USDT", delay_ms=500, skipped=True),
        make_intent("tk-0"),
    )
    desk.care.dispatch(plan, 0)
    assert desk.venue.submit_ids == ["tk-c", "tk-b", "tk-0"]
    assert desk.manager.order("tk-a") is None
    assert desk.manager.order("tk-d") is None
    assert [desk.status(c) for c in ("tk-c", "tk-b", "tk-0")] == [OrderStatus.ACCEPTED] * 3
    # A skipped delayed intent is not held for later either.
    assert len(desk.care) == 0
    desk.care.send_due(10_000)
    assert desk.venue.submit_ids == ["tk-c", "tk-b", "tk-0"]
    assert desk.care.rejections == []


# -- delayed intents ----------------------------------------------------------------------------


def test_delayed_intents_are_held_until_due_then_sent_once_in_plan_order() -> None:
    desk = Desk()
    plan = make_plan(
        1_000,
        make_intent("tk-late", delay_ms=3_000),
        make_intent("tk-now"),
        make_intent("tk-soon", delay_ms=1_000),
        make_intent("tk-soon2", symbol="ETH/USDT", delay_ms=1_000),
    )
    desk.care.dispatch(plan, 1_000)
    assert desk.venue.submit_ids == ["tk-now"]
    assert desk.manager.order("tk-soon") is None
    assert len(desk.care) == 3

    desk.care.send_due(1_999)  # one millisecond early: nothing is due
    assert desk.venue.submit_ids == ["tk-now"]

    desk.care.send_due(2_000)  # due exactly now (1_000 + 1_000)
    assert desk.venue.submit_ids == ["tk-now", "tk-soon", "tk-soon2"]

    desk.care.send_due(3_999)
    assert desk.venue.submit_ids == ["tk-now", "tk-soon", "tk-soon2"]

    desk.care.send_due(10_000)
    desk.care.send_due(20_000)
    assert desk.venue.submit_ids == ["tk-now", "tk-soon", "tk-soon2", "tk-late"]
    assert len(desk.care) == 0
    # Never handed to the OMS twice (the OMS would absorb a duplicate; order care must
    # not rely on that).
    assert desk.manager.submit_calls == ["tk-now", "tk-soon", "tk-soon2", "tk-late"]


def test_delayed_intents_due_together_go_in_the_order_they_were_planned() -> None:
    desk = Desk()
    desk.care.dispatch(make_plan(0, make_intent("tk-z", delay_ms=5_000)), 0)
    desk.care.dispatch(make_plan(1_000, make_intent("tk-y", delay_ms=1_000)), 1_000)
    # tk-y fell due first (2_000 < 5_000), but both are due now: planning order wins.
    desk.care.send_due(6_000)
    assert desk.venue.submit_ids == ["tk-z", "tk-y"]


def test_a_delayed_rejection_is_recorded_at_the_time_it_was_sent() -> None:
    desk = Desk()
    desk.care.dispatch(make_plan(0, make_intent("tk-d", delay_ms=2_500)), 0)
    desk.venue.script(Outcome.REJECT)
    desk.care.send_due(3_000)
    assert desk.care.rejections == [(3_000, "tk-d", "Rejected: scripted rejection")]
    assert desk.care.backoff.until(3_000) == {"BTC/USDT": 3_000 + BASE_MS}


# -- rejections and backoff ---------------------------------------------------------------------


def test_a_rejection_is_recorded_with_the_venue_detail_and_starts_the_symbols_backoff() -> None:
    desk = Desk()
    desk.venue.script(Outcome.ACCEPT, Outcome.INSUFFICIENT_FUNDS)
    plan = make_plan(5_000, make_intent("tk-1", symbol="ETH/USDT"), make_intent("tk-2"))
    desk.care.dispatch(plan, 5_000)
    assert desk.care.rejections == [(5_000, "tk-2", "InsufficientFunds: scripted lack of funds")]
    assert desk.care.backoff.until(5_000) == {"BTC/USDT": 6_000}
    assert desk.care.backoff.until(5_999) == {"BTC/USDT": 6_000}
    assert desk.care.backoff.until(6_000) == {}
    (record,) = desk.care.backoff.records()
    assert record.reason == "InsufficientFunds: scripted lack of funds"


def test_a_transient_exhaustion_is_a_rejection_with_its_attempt_count() -> None:
    desk = Desk()
    desk.venue.script(Outcome.TRANSIENT, Outcome.TRANSIENT, Outcome.TRANSIENT)
    desk.care.dispatch(make_plan(0, make_intent("tk-t")), 0)
    ((when, coid, detail),) = desk.care.rejections
    assert (when, coid) == (0, "tk-t")
    assert detail.startswith("transient after 3 attempts: ")
    assert desk.care.backoff.until(0) == {"BTC/USDT": BASE_MS}


def test_consecutive_rejections_double_the_wait_and_an_acceptance_resets_it() -> None:
    desk = Desk()
    desk.venue.script(Outcome.REJECT, Outcome.REJECT, Outcome.ACCEPT, Outcome.REJECT)
    for cycle, now in enumerate((0, 10_000, 20_000, 30_000)):
        desk.care.dispatch(make_plan(now, make_intent(f"tk-{cycle}")), now)
        if cycle == 0:
            assert desk.care.backoff.until(now) == {"BTC/USDT": now + BASE_MS}
        if cycle == 1:
            assert desk.care.backoff.until(now) == {"BTC/USDT": now + 2 * BASE_MS}
    # The acceptance at 20_000 reset the streak: the rejection at 30_000 waits the base again.
    assert desk.care.backoff.until(30_000) == {"BTC/USDT": 30_000 + BASE_MS}
    assert [coid for _, coid, _ in desk.care.rejections] == ["tk-0", "tk-1", "tk-3"]


def test_backoff_is_kept_per_symbol() -> None:
    desk = Desk()
    desk.venue.script(Outcome.REJECT, Outcome.REJECT, Outcome.ACCEPT)
    desk.care.dispatch(make_plan(0, make_intent("tk-1")), 0)
    desk.care.dispatch(make_plan(100, make_intent("tk-2", symbol="ETH/USDT")), 100)
    assert desk.care.backoff.until(100) == {"BTC/USDT": BASE_MS, "ETH/USDT": 100 + BASE_MS}
    assert list(desk.care.backoff.until(100)) == ["BTC/USDT", "ETH/USDT"]
    # ETH's acceptance ends ETH's streak only: BTC's goes on.
    desk.care.dispatch(make_plan(1_200, make_intent("tk-3", symbol="ETH/USDT")), 1_200)
    desk.venue.script(Outcome.REJECT)
    desk.care.dispatch(make_plan(1_300, make_intent("tk-4")), 1_300)
    assert desk.care.backoff.until(1_300) == {"BTC/USDT": 1_300 + 2 * BASE_MS}
    assert [(r.symbol, r.failures) for r in desk.care.backoff.records()] == [("BTC/USDT", 2)]


def test_a_rejected_close_is_recorded_but_starts_no_backoff() -> None:
    desk = Desk()
    desk.venue.script(Outcome.REJECT, Outcome.REJECT)
    plan = make_plan(
        0,
        make_intent("tk-reduce", close=CloseSemantics.REDUCE_ONLY),
        make_intent("tk-close", close=CloseSemantics.CLOSE_ALL),
    )
    desk.care.dispatch(plan, 0)
    assert [coid for _, coid, _ in desk.care.rejections] == ["tk-reduce", "tk-close"]
    assert desk.care.backoff.until(0) == {}
    assert desk.care.backoff.records() == ()


def test_an_accepted_close_does_not_reset_the_entry_backoff() -> None:
    desk = Desk()
    desk.venue.script(Outcome.REJECT)
    desk.care.dispatch(make_plan(0, make_intent("tk-entry")), 0)
    desk.care.dispatch(make_plan(100, make_intent("tk-close", close=CloseSemantics.CLOSE_ALL)), 100)
    assert desk.status("tk-close") is OrderStatus.ACCEPTED
    assert desk.care.backoff.until(100) == {"BTC/USDT": BASE_MS}
    # The streak goes on: the next rejected entry waits twice the base.
    desk.venue.script(Outcome.REJECT)
    desk.care.dispatch(make_plan(5_000, make_intent("tk-entry2")), 5_000)
    assert desk.care.backoff.until(5_000) == {"BTC/USDT": 5_000 + 2 * BASE_MS}


# -- re-sent orders -----------------------------------------------------------------------------


def test_an_order_re_sent_keeps_its_first_sent_time() -> None:
    desk = Desk(entry_timeout_ms=3_000)
    desk.care.dispatch(make_plan(0, make_intent("tk-1")), 0)
    desk.care.dispatch(make_plan(2_000, make_intent("tk-1")), 2_000)  # same client id again
    assert desk.venue.submit_ids == ["tk-1"]  # the OMS does not send a known id twice
    desk.care.cancel_timed_out(3_000)  # 3_000 ms after the first send, 1_000 after the re-send
    assert desk.cancelled() == ["tk-1"]


def test_a_delayed_re_send_keeps_the_first_sent_time_too() -> None:
    desk = Desk(entry_timeout_ms=3_000)
    desk.care.dispatch(make_plan(0, make_intent("tk-1")), 0)
    desk.care.dispatch(make_plan(1_000, make_intent("tk-1", delay_ms=1_000)), 1_000)
    desk.care.send_due(2_000)
    desk.care.cancel_timed_out(2_999)
    assert desk.cancelled() == []
    desk.care.cancel_timed_out(3_000)
    assert desk.cancelled() == ["tk-1"]


def test_re_sending_a_rejected_order_is_not_a_second_rejection() -> None:
    desk = Desk()
    desk.venue.script(Outcome.REJECT)
    desk.care.dispatch(make_plan(0, make_intent("tk-1")), 0)
    desk.care.dispatch(make_plan(5_000, make_intent("tk-1")), 5_000)
    assert desk.venue.submit_ids == ["tk-1"]
    assert desk.care.rejections == [(0, "tk-1", "Rejected: scripted rejection")]
    assert desk.care.backoff.until(0) == {"BTC/USDT": BASE_MS}


def test_re_sending_an_accepted_order_does_not_reset_a_later_backoff() -> None:
    desk = Desk()
    desk.venue.script(Outcome.ACCEPT, Outcome.REJECT)
    desk.care.dispatch(make_plan(0, make_intent("tk-1")), 0)
    desk.care.dispatch(make_plan(100, make_intent("tk-2")), 100)
    desk.care.dispatch(make_plan(200, make_intent("tk-1")), 200)  # answered from the OMS record
    assert desk.care.backoff.until(200) == {"BTC/USDT": 100 + BASE_MS}


# -- dropped slices -----------------------------------------------------------------------------


def test_a_slice_due_while_its_symbol_backs_off_is_dropped_not_sent() -> None:
    desk = Desk()
    desk.venue.script(Outcome.REJECT)
    plan = make_plan(
        0,
        make_intent("tk-1"),
        make_intent("tk-2", delay_ms=500),
        make_intent("tk-3", delay_ms=1_500),
    )
    desk.care.dispatch(plan, 0)  # tk-1 is refused: backoff until 1000
    desk.care.send_due(500)
    desk.care.send_due(1_500)  # the backoff has ended: tk-3 goes out
    assert desk.venue.submit_ids == ["tk-1", "tk-3"]
    assert desk.care.dropped == [(500, "tk-2", "rejection backoff until 1000")]


def test_a_slice_the_trading_state_no_longer_permits_is_dropped() -> None:
    desk = Desk(control=control_in(TradingState.HALTED))
    desk.care.send_due(0)
    desk.care.dispatch(make_plan(0, make_intent("tk-1", delay_ms=100)), 0)
    desk.care.send_due(100)
    assert desk.venue.submit_ids == []
    assert desk.care.dropped == [(100, "tk-1", "trading state: trading_halted")]


def test_the_stop_new_orders_switch_drops_entry_slices_but_sends_reductions() -> None:
    desk = Desk()
    plan = make_plan(
        0,
        make_intent("tk-entry", delay_ms=100),
        make_intent("tk-reduce", delay_ms=100, close=CloseSemantics.REDUCE_ONLY),
    )
    desk.care.dispatch(plan, 0)
    desk.care.send_due(100, stop_new_orders=True)
    assert desk.venue.submit_ids == ["tk-reduce"]
    assert desk.care.dropped == [(100, "tk-entry", "the stop-new-orders switch is on")]


# -- against a naive model ----------------------------------------------------------------------

_cycle_shapes = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=3_000),  # time step to this cycle
        st.lists(
            st.tuples(
                st.sampled_from([0, 0, 500, 1_000, 2_500]),  # delay_ms
                st.booleans(),  # skipped
                st.sampled_from(["BTC/USDT", "ETH/USDT"]),
                st.sampled_from(
                    [CloseSemantics.OPEN, CloseSemantics.OPEN, CloseSemantics.CLOSE_ALL]
                ),
            ),
            max_size=4,
        ),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=80, deadline=None)
@given(shapes=_cycle_shapes, outcomes=st.lists(st.sampled_from([Outcome.ACCEPT, Outcome.REJECT])))
def test_sends_and_rejections_match_a_naive_model_of_the_runner_step(
    shapes: list[tuple[int, list[tuple[int, bool, str, CloseSemantics]]]],
    outcomes: list[Outcome],
) -> None:
    desk = Desk()
    desk.venue.script(*outcomes)
    pending: list[tuple[int, ExecutionIntent]] = []
    sends: list[tuple[int, str]] = []  # (time sent, client order id), in the model's order
    dropped: list[tuple[int, str]] = []
    streak: dict[str, int] = {}
    until: dict[str, int] = {}
    answers = iter(outcomes)

    def send(when: int, intent: ExecutionIntent) -> None:
        # The venue answers the scripted outcomes in send order, then accepts; only
        # entries start, lengthen or reset a backoff.
        sends.append((when, intent.client_order_id))
        rejected = next(answers, Outcome.ACCEPT) is Outcome.REJECT
        if intent.close_semantics is not CloseSemantics.OPEN:
            return
        if rejected:
            streak[intent.symbol] = streak.get(intent.symbol, 0) + 1
            until[intent.symbol] = when + min(MAX_MS, BASE_MS * 2 ** (streak[intent.symbol] - 1))
        else:
            streak.pop(intent.symbol, None)
            until.pop(intent.symbol, None)

    now, index = 0, 0
    for step, shape in shapes:
        now += step
        intents = []
        for delay, skipped, symbol, close in shape:
            coid = f"tk{index:03d}"
            intents.append(
                make_intent(coid, symbol=symbol, delay_ms=delay, skipped=skipped, close=close)
            )
            index += 1
        # The runner's order within a step: due slices first, then the new plan.
        desk.care.send_due(now)
        desk.care.dispatch(make_plan(now, *intents), now)
        for t, intent in pending:
            if t > now:
                continue
            # A due entry slice of a symbol backing off is dropped; a closing slice is
            # sent (a cooldown never keeps the bot in a position, as the gates say).
            entry = intent.close_semantics is CloseSemantics.OPEN
            if entry and until.get(intent.symbol, -1) > now:
                dropped.append((now, intent.client_order_id))  # backing off: not sent
            else:
                send(now, intent)
        pending = [(t, i) for t, i in pending if t > now]
        pending += [(now + i.delay_ms, i) for i in intents if not i.skipped and i.delay_ms > 0]
        for intent in intents:
            if not intent.skipped and intent.delay_ms == 0:
                send(now, intent)

    sent = [coid for _, coid in sends]
    assert desk.venue.submit_ids == sent
    assert desk.manager.submit_calls == sent
    assert [(when, coid) for when, coid, _why in desk.care.dropped] == dropped
    rejected = [
        (when, coid, "Rejected: scripted rejection")
        for (when, coid), outcome in zip(sends, outcomes, strict=False)
        if outcome is Outcome.REJECT
    ]
    assert desk.care.rejections == rejected
    assert desk.care.backoff.until(now) == {s: t for s, t in sorted(until.items()) if t > now}
