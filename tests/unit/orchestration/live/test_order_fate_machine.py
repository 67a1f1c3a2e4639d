"""Stateful properties of order fates: submits with every venue outcome (placed, refused,
ambiguous with and without the order), venue fills, venue drops, entry timeouts, polls,
reconciliation passes and time, interleaved at random.

Every order is, at every step, exactly one of: working at the venue, finished, unconfirmed
(within its grace) or lost; no cancel is ever sent for an order the venue never held, a
cancel answered "unknown order" is never sent again, and once the documented bounds have
passed with the loop running, every order agrees with the venue.
"""

from collections import Counter
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from tests.fakes.execution import Outcome
from tests.unit.orchestration.live.live_fixtures import Live, intent

from tradekernel.domain.blueprint import ExecutionPolicy
from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.errors import OrderNotFound
from tradekernel.domain.orders import Order
from tradekernel.orchestration.oms.transitions import UNCONFIRMED

S = OrderStatus
WORKING = frozenset({S.SUBMITTED, S.ACCEPTED, S.PARTIALLY_FILLED, S.CANCEL_REQUESTED})
FINISHED = frozenset({S.FILLED, S.CANCELLED, S.EXPIRED, S.REJECTED})
GONE = frozenset({S.LOST})
GRACE_MS = 60_000  # the OMS's ambiguous grace
VANISH_MS = 300_000  # reconciliation's default vanish grace (3 passes)
TIMEOUT_MS = 20_000


class FateMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.live = Live(policy=ExecutionPolicy(entry_timeout_ms=TIMEOUT_MS))
        self.count = 0
        self.held: set[str] = set()  # every order the venue ever booked
        self.unknown_cancels: Counter[str] = Counter()
        venue_cancel = self.live.venue.cancel

        def cancel(symbol: str, client_order_id: str) -> Order:
            assert client_order_id in self.held, f"cancel of {client_order_id}, never placed"
            assert self.unknown_cancels[client_order_id] == 0, "cancel sent again after unknown"
            try:
                return venue_cancel(symbol, client_order_id)
            except OrderNotFound:
                self.unknown_cancels[client_order_id] += 1
                raise

        self.live.venue.cancel = cancel  # type: ignore[method-assign]

    def _tick(self, delta_ms: int) -> None:
        self.live.clock.advance(delta_ms)
        self.live.venue.now_ms = self.live.clock.now_ms()

    @rule(
        outcome=st.sampled_from(
            [
                Outcome.ACCEPT,
                Outcome.AMBIGUOUS_PLACED,
                Outcome.AMBIGUOUS_NOT_PLACED,
                Outcome.REJECT,
                Outcome.TRANSIENT,
            ]
        )
    )
    def submit(self, outcome: Outcome) -> None:
        self.count += 1
        coid = f"tk{self.count}"
        self.live.venue.script(outcome)
        self.live.supervisor.submit(intent(coid, quantity="2"))
        self.live.venue.clear_script()
        if any(o.client_order_id == coid for o in self.live.venue.open_orders()):
            self.held.add(coid)

    @rule(data=st.data())
    def venue_fills(self, data: st.DataObject) -> None:
        working = sorted(o.client_order_id for o in self.live.venue.open_orders())
        if working:
            self.live.venue.fill(data.draw(st.sampled_from(working)), Decimal(1), Decimal(100))

    @rule(data=st.data())
    def venue_drops(self, data: st.DataObject) -> None:
        working = sorted(o.client_order_id for o in self.live.venue.open_orders())
        if working:
            self.live.venue.forget(data.draw(st.sampled_from(working)))

    @rule(cancels_allowed=st.booleans())
    def poll(self, cancels_allowed: bool) -> None:
        self.live.supervisor.poll(cancels_allowed=cancels_allowed)
        now = self.live.clock.now_ms()
        for state in self.live.oms.orders():
            if state.status in UNCONFIRMED:
                # Looked up on this poll: still unconfirmed only within its grace.
                assert now - state.updated_ms < GRACE_MS

    @rule()
    def reconcile(self) -> None:
        self.live.reconciler.reconcile(self.live.clock.now_ms())

    @rule(delta=st.sampled_from([5_000, 30_000, 61_000]))
    def time_passes(self, delta: int) -> None:
        self._tick(delta)

    @rule()
    def the_bounds_pass_with_the_loop_running(self) -> None:
        for _ in range(4):
            self._tick(VANISH_MS // 2)
            self.live.reconciler.reconcile(self.live.clock.now_ms())
            self.live.supervisor.poll(cancels_allowed=False)
        on_venue = {o.client_order_id for o in self.live.venue.open_orders()}
        for state in self.live.oms.orders():
            coid = state.client_order_id
            assert state.status not in UNCONFIRMED, coid
            if state.status in WORKING:
                assert coid in on_venue, f"{coid} {state.status.value} but not on the venue"
            if coid in on_venue:
                assert state.status in WORKING, f"{coid} on the venue but {state.status.value}"

    @invariant()
    def every_order_has_exactly_one_fate(self) -> None:
        classes = (WORKING, FINISHED, GONE, UNCONFIRMED)
        for state in self.live.oms.orders():
            assert sum(state.status in group for group in classes) == 1
            if state.status in GONE or state.status in UNCONFIRMED:
                assert state.status is not S.CANCEL_REQUESTED

    @invariant()
    def an_order_the_venue_never_held_never_works(self) -> None:
        for state in self.live.oms.orders():
            if state.client_order_id not in self.held:
                assert state.status in UNCONFIRMED | GONE | {S.REJECTED}

    @invariant()
    def no_event_was_refused(self) -> None:
        assert self.live.oms.anomalies == ()


TestOrderFates = FateMachine.TestCase
TestOrderFates.settings = settings(
    max_examples=60,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
