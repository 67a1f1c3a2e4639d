"""IntentDispatcher sending: plan order, delayed slices, rejections and their backoff,
re-sent ids, dropped slices, and a naive model of the runner's cycle."""

from dispatcher_desk import (
    BASE_MS,
    MAX_MS,
    Desk,
    control_in,
    make_intent,
    make_plan,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.fakes.execution import Outcome

from tradekernel.domain.enums import OrderStatus, TradingState
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
    desk.dispatcher.dispatch(plan, 0, 0)
    assert desk.venue.submit_ids == ["tk-c", "tk-b", "tk-0"]
    assert desk.manager.order("tk-a") is None
    assert desk.manager.order("tk-d") is None
    assert [desk.status(c) for c in ("tk-c", "tk-b", "tk-0")] == [OrderStatus.ACCEPTED] * 3
    # A skipped delayed intent is not held for later either.
    desk.dispatcher.submit_due(10_000, 1)
    assert desk.venue.submit_ids == ["tk-c", "tk-b", "tk-0"]
    assert desk.dispatcher.rejections == ()


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
    desk.dispatcher.dispatch(plan, 1_000, 0)
    assert desk.venue.submit_ids == ["tk-now"]
    assert desk.manager.order("tk-soon") is None

    desk.dispatcher.submit_due(1_999, 1)  # one millisecond early: nothing is due
    assert desk.venue.submit_ids == ["tk-now"]

    desk.dispatcher.submit_due(2_000, 2)  # due exactly now (1_000 + 1_000)
    assert desk.venue.submit_ids == ["tk-now", "tk-soon", "tk-soon2"]

    desk.dispatcher.submit_due(3_999, 3)
    assert desk.venue.submit_ids == ["tk-now", "tk-soon", "tk-soon2"]

    desk.dispatcher.submit_due(10_000, 4)
    desk.dispatcher.submit_due(20_000, 5)
    assert desk.venue.submit_ids == ["tk-now", "tk-soon", "tk-soon2", "tk-late"]
    # Never handed to the OMS twice (the OMS would absorb a duplicate; the dispatcher must
    # not rely on that).
    assert desk.manager.submit_calls == ["tk-now", "tk-soon", "tk-soon2", "tk-late"]


def test_delayed_intents_due_together_go_in_the_order_they_were_planned() -> None:
    desk = Desk()
    desk.dispatcher.dispatch(make_plan(0, make_intent("tk-z", delay_ms=5_000)), 0, 0)
    desk.dispatcher.dispatch(make_plan(1_000, make_intent("tk-y", delay_ms=1_000)), 1_000, 1)
    # tk-y fell due first (2_000 < 5_000), but both are due now: planning order wins.
    desk.dispatcher.submit_due(6_000, 2)
    assert desk.venue.submit_ids == ["tk-z", "tk-y"]


def test_a_delayed_rejection_is_recorded_at_the_time_it_was_sent() -> None:
    desk = Desk()
    desk.dispatcher.dispatch(make_plan(0, make_intent("tk-d", delay_ms=2_500)), 0, 0)
    desk.venue.script(Outcome.REJECT)
    desk.dispatcher.submit_due(3_000, 3)
    assert desk.dispatcher.rejections == ((3_000, "tk-d", "Rejected: scripted rejection"),)
    assert desk.dispatcher.backoff_until(3_000) == {"BTC/USDT": 3_000 + BASE_MS}


# -- rejections and backoff ---------------------------------------------------------------------


def test_a_rejection_is_recorded_with_the_venue_detail_and_starts_the_symbols_backoff() -> None:
    desk = Desk()
    desk.venue.script(Outcome.ACCEPT, Outcome.INSUFFICIENT_FUNDS)
    plan = make_plan(5_000, make_intent("tk-1", symbol="ETH/USDT"), make_intent("tk-2"))
    desk.dispatcher.dispatch(plan, 5_000, 0)
    assert desk.dispatcher.rejections == (
        (5_000, "tk-2", "InsufficientFunds: scripted lack of funds"),
    )
    assert desk.dispatcher.backoff_until(5_000) == {"BTC/USDT": 6_000}
    assert desk.dispatcher.backoff_until(5_999) == {"BTC/USDT": 6_000}
    assert desk.dispatcher.backoff_until(6_000) == {}


def test_a_transient_exhaustion_is_a_rejection_with_its_attempt_count() -> None:
    desk = Desk()
    desk.venue.script(Outcome.TRANSIENT, Outcome.TRANSIENT, Outcome.TRANSIENT)
    desk.dispatcher.dispatch(make_plan(0, make_intent("tk-t")), 0, 0)
    ((when, coid, detail),) = desk.dispatcher.rejections
    assert (when, coid) == (0, "tk-t")
    assert detail.startswith("transient after 3 attempts: ")


def test_consecutive_rejections_double_the_wait_and_an_acceptance_resets_it() -> None:
    desk = Desk()
    desk.venue.script(Outcome.REJECT, Outcome.REJECT, Outcome.ACCEPT, Outcome.REJECT)
    for cycle, now in enumerate((0, 10_000, 20_000, 30_000)):
        desk.dispatcher.dispatch(make_plan(now, make_intent(f"tk-{cycle}")), now, cycle)
        if cycle == 0:
            assert desk.dispatcher.backoff_until(now) == {"BTC/USDT": now + BASE_MS}
        if cycle == 1:
            assert desk.dispatcher.backoff_until(now) == {"BTC/USDT": now + 2 * BASE_MS}
    # The acceptance at 20_000 reset the streak: the rejection at 30_000 waits the base again.
    assert desk.dispatcher.backoff_until(30_000) == {"BTC/USDT": 30_000 + BASE_MS}
    assert [coid for _, coid, _ in desk.dispatcher.rejections] == ["tk-0", "tk-1", "tk-3"]


def test_backoff_is_kept_per_symbol() -> None:
    desk = Desk()
    desk.venue.script(Outcome.REJECT, Outcome.REJECT, Outcome.ACCEPT)
    desk.dispatcher.dispatch(make_plan(0, make_intent("tk-1")), 0, 0)
    desk.dispatcher.dispatch(make_plan(100, make_intent("tk-2", symbol="ETH/USDT")), 100, 1)
    # ETH's acceptance must not reset BTC's streak.
    desk.dispatcher.dispatch(make_plan(200, make_intent("tk-3", symbol="ETH/USDT")), 200, 2)
    desk.venue.script(Outcome.REJECT)
    desk.dispatcher.dispatch(make_plan(300, make_intent("tk-4")), 300, 3)
    assert desk.dispatcher.backoff_until(300) == {
        "BTC/USDT": 300 + 2 * BASE_MS,
        "ETH/USDT": 100 + BASE_MS,
    }
    assert list(desk.dispatcher.backoff_until(300)) == ["BTC/USDT", "ETH/USDT"]


# -- re-sent orders -----------------------------------------------------------------------------


def test_an_order_re_sent_keeps_its_first_sent_cycle() -> None:
    desk = Desk(cancel_after_bars=3)
    desk.dispatcher.dispatch(make_plan(0, make_intent("tk-1")), 0, 0)
    desk.dispatcher.dispatch(make_plan(200, make_intent("tk-1")), 200, 2)  # same client id again
    assert desk.venue.submit_ids == ["tk-1"]  # the OMS does not send a known id twice
    desk.dispatcher.cancel_stale(3)  # 3 cycles after the first send, 1 after the re-send
    assert desk.cancelled() == ["tk-1"]


def test_a_delayed_re_send_keeps_the_first_sent_cycle_too() -> None:
    desk = Desk(cancel_after_bars=3)
    desk.dispatcher.dispatch(make_plan(0, make_intent("tk-1")), 0, 0)
    desk.dispatcher.dispatch(make_plan(100, make_intent("tk-1", delay_ms=100)), 100, 1)
    desk.dispatcher.submit_due(200, 2)
    desk.dispatcher.cancel_stale(2)
    assert desk.cancelled() == []
    desk.dispatcher.cancel_stale(3)
    assert desk.cancelled() == ["tk-1"]


def test_re_sending_a_rejected_order_is_not_a_second_rejection() -> None:
    desk = Desk()
    desk.venue.script(Outcome.REJECT)
    desk.dispatcher.dispatch(make_plan(0, make_intent("tk-1")), 0, 0)
    desk.dispatcher.dispatch(make_plan(5_000, make_intent("tk-1")), 5_000, 1)
    assert desk.venue.submit_ids == ["tk-1"]
    assert desk.dispatcher.rejections == ((0, "tk-1", "Rejected: scripted rejection"),)
    assert desk.dispatcher.backoff_until(0) == {"BTC/USDT": BASE_MS}


def test_a_slice_due_while_its_symbol_backs_off_is_dropped_not_sent() -> None:
    desk = Desk()
    desk.venue.script(Outcome.REJECT)
    plan = make_plan(
        0,
        make_intent("tk-1"),
        make_intent("tk-2", delay_ms=500),
        make_intent("tk-3", delay_ms=1_500),
    )
    desk.dispatcher.dispatch(plan, 0, 0)  # tk-1 is refused: backoff until 1000
    desk.dispatcher.submit_due(500, 1)
    desk.dispatcher.submit_due(1_500, 2)  # the backoff has ended: tk-3 goes out
    assert desk.venue.submit_ids == ["tk-1", "tk-3"]
    assert desk.dispatcher.dropped == ((500, "tk-2", "rejection backoff until 1000"),)


def test_a_slice_the_trading_state_no_longer_permits_is_dropped() -> None:
    desk = Desk(control=control_in(TradingState.HALTED))
    desk.dispatcher.submit_due(0, 0)
    desk.dispatcher.dispatch(make_plan(0, make_intent("tk-1", delay_ms=100)), 0, 0)
    desk.dispatcher.submit_due(100, 1)
    assert desk.venue.submit_ids == []
    assert desk.dispatcher.dropped == ((100, "tk-1", "trading state: trading_halted"),)


# -- against a naive model ----------------------------------------------------------------------

_cycle_shapes = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=3_000),  # time step to this cycle
        st.lists(
            st.tuples(
                st.sampled_from([0, 0, 500, 1_000, 2_500]),  # delay_ms
                st.booleans(),  # skipped
                st.sampled_from(["BTC/USDT", "ETH/USDT"]),
            ),
            max_size=4,
        ),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=80, deadline=None)
@given(shapes=_cycle_shapes, outcomes=st.lists(st.sampled_from([Outcome.ACCEPT, Outcome.REJECT])))
def test_sends_and_rejections_match_a_naive_model_of_the_runner_cycle(
    shapes: list[tuple[int, list[tuple[int, bool, str]]]], outcomes: list[Outcome]
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
        # The venue answers the scripted outcomes in send order, then accepts.
        sends.append((when, intent.client_order_id))
        if next(answers, Outcome.ACCEPT) is Outcome.REJECT:
            streak[intent.symbol] = streak.get(intent.symbol, 0) + 1
            until[intent.symbol] = when + min(MAX_MS, BASE_MS * 2 ** (streak[intent.symbol] - 1))
        else:
            streak.pop(intent.symbol, None)

    now, index = 0, 0
    for cycle, (step, shape) in enumerate(shapes):
        now += step
        intents = []
        for delay, skipped, symbol in shape:
            coid = f"tk{index:03d}"
            intents.append(make_intent(coid, symbol=symbol, delay_ms=delay, skipped=skipped))
            index += 1
        # The runner's order within a cycle: due intents first, then the new plan.
        desk.dispatcher.submit_due(now, cycle)
        desk.dispatcher.dispatch(make_plan(now, *intents), now, cycle)
        for t, intent in pending:
            if t > now:
                continue
            if until.get(intent.symbol, -1) > now:
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
    assert [(when, coid) for when, coid, _why in desk.dispatcher.dropped] == dropped
    rejected = [
        (when, coid, "Rejected: scripted rejection")
        for (when, coid), outcome in zip(sends, outcomes, strict=False)
        if outcome is Outcome.REJECT
    ]
    assert desk.dispatcher.rejections == tuple(rejected)
