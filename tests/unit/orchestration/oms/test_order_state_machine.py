"""Stateful properties of the order state machine, persisted through the real SQLite store."""

import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from tests.fakes.clock import FakeClock
from tests.fakes.execution import FakeExecution, Outcome

from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.order_event_store import SqliteOrderEventStore
from tradekernel.domain.enums import OrderStatus, OrderType, Side
from tradekernel.domain.errors import OrderNotFound
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.ports.order_store import OrderEvent
from tradekernel.orchestration.oms import order_state
from tradekernel.orchestration.oms.order_manager import OrderManager
from tradekernel.orchestration.oms.order_payload import OrderSpec
from tradekernel.orchestration.oms.transitions import FILL_KINDS, is_allowed

QUANTITY = Decimal(10)
STATUS_KINDS = [kind for kind in OrderStatus if kind not in FILL_KINDS]
SETTINGS = settings(
    max_examples=40,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class OrderFoldMachine(RuleBasedStateMachine):
    """Throws arbitrary events at one order and checks the fold against a naive model."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.db_path = Path(self.tmp.name) / "orders.db"
        self.connection = connect(self.db_path)
        self.store = SqliteOrderEventStore(self.connection)
        spec = OrderSpec(
            client_order_id="tkP",
            symbol="BTC/USDT",
            side=Side.SELL,
            order_type=OrderType.LIMIT,
            quantity=QUANTITY,
            price=Decimal(50),
        )
        created = self.store.append(
            OrderEvent(
                client_order_id="tkP", kind=OrderStatus.CREATED, ts_ms=0, payload=spec.to_json()
            )
        )
        self.state = order_state.start(created)
        self.model_fills: dict[str, Decimal] = {}
        self.seen_trades: set[str] = set()
        self.ts = 0

    def _append(self, event: OrderEvent) -> None:
        before = self.state
        stored = self.store.append(event)
        if stored.sequence <= before.last_sequence:
            return  # the store already held this trade: it was folded when first stored
        self.state = order_state.apply(before, stored)
        changed = (self.state.status, self.state.fills) != (before.status, before.fills)
        if changed:
            # No illegal transition is ever applied.
            assert is_allowed(before.status, stored.kind)
        refused = len(self.state.anomalies) - len(before.anomalies)
        assert refused in {0, 1}
        if not is_allowed(before.status, stored.kind):
            assert refused == 1 and not changed

    @rule(kind=st.sampled_from(STATUS_KINDS))
    def status_event(self, kind: OrderStatus) -> None:
        self.ts += 1
        self._append(OrderEvent(client_order_id="tkP", kind=kind, ts_ms=self.ts))

    @rule(
        trade=st.integers(min_value=0, max_value=8),
        units=st.integers(min_value=1, max_value=6),
        kind=st.sampled_from(sorted(FILL_KINDS)),
    )
    def fill_event(self, trade: int, units: int, kind: OrderStatus) -> None:
        self.ts += 1
        trade_id = f"t{trade}"
        quantity = Decimal(units)
        prior_status = self.state.status
        self._append(
            OrderEvent(
                client_order_id="tkP",
                kind=kind,
                ts_ms=self.ts,
                trade_id=trade_id,
                quantity=quantity,
                price=Decimal(50 + trade),
            )
        )
        # The naive model: a trade id counts only when first reported, if legal then and
        # within the quantity (the store keeps the first report of a trade id only).
        already = trade_id in self.seen_trades
        self.seen_trades.add(trade_id)
        fits = sum(self.model_fills.values(), Decimal(0)) + quantity <= QUANTITY
        if not already and fits and is_allowed(prior_status, kind):
            self.model_fills[trade_id] = quantity

    @invariant()
    def no_lost_or_doubled_fill(self) -> None:
        assert {fill.trade_id: fill.quantity for fill in self.state.fills} == self.model_fills
        assert self.state.filled_quantity <= QUANTITY

    @invariant()
    def replay_from_a_fresh_connection_rebuilds_the_same_state(self) -> None:
        replay_connection = connect(self.db_path)
        try:
            replayed = order_state.fold(SqliteOrderEventStore(replay_connection).all_events())
        finally:
            replay_connection.close()
        assert replayed == self.state

    def teardown(self) -> None:
        self.connection.close()
        self.tmp.cleanup()


class OrderManagerMachine(RuleBasedStateMachine):
    """Drives the OrderManager against the fake venue, restarting it at random."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.db_path = Path(self.tmp.name) / "oms.db"
        self.connection = connect(self.db_path)
        self.clock = FakeClock(start_ms=1_000)
        self.venue = FakeExecution(now_ms=1_000)
        self.oms = self._manager()
        self.count = 0

    def _manager(self) -> OrderManager:
        return OrderManager(
            store=SqliteOrderEventStore(self.connection), venue=self.venue, clock=self.clock
        )

    @initialize()
    def first_order(self) -> None:
        self.submit(Outcome.ACCEPT, 5)

    @rule(outcome=st.sampled_from(list(Outcome.__members__.values())), units=st.integers(1, 5))
    def submit(self, outcome: Outcome, units: int) -> None:
        if outcome is Outcome.FATAL:
            outcome = Outcome.REJECT  # Fatal re-raises; it has its own unit test.
        self.count += 1
        self.venue.script(*[outcome] * 3)
        intent = ExecutionIntent(
            client_order_id=f"tk{self.count}",
            directive_id="d",
            symbol="ETH/USDT",
            side=Side.BUY,
            order_type=OrderType.LIMIT,
            quantity=Decimal(units),
            price=Decimal(10),
        )
        self.oms.submit(intent)
        self.venue.clear_script()

    @rule(data=st.data(), units=st.integers(1, 3))
    def venue_fills(self, data: st.DataObject, units: int) -> None:
        live = [o for o in self.venue.open_orders() if o.remaining_quantity > 0]
        if not live:
            return
        order = data.draw(st.sampled_from(sorted(live, key=lambda o: o.client_order_id)))
        self.venue.fill(
            order.client_order_id, min(Decimal(units), order.remaining_quantity), Decimal(10)
        )

    @rule()
    def sync(self) -> None:
        self.oms.sync_fills()

    @rule(data=st.data())
    def cancel_or_refresh(self, data: st.DataObject) -> None:
        open_orders = self.oms.open_orders()
        if not open_orders:
            return
        state = data.draw(st.sampled_from(open_orders))
        if data.draw(st.booleans()):
            try:
                self.oms.cancel(state.client_order_id)
            except OrderNotFound:
                # Documented: the cancel request stays stored for reconciliation.
                assert self.oms.order(state.client_order_id).status is (  # type: ignore[union-attr]
                    OrderStatus.CANCEL_REQUESTED
                )
        else:
            self.oms.refresh(state.client_order_id)

    @rule(sent=st.booleans(), units=st.integers(1, 5))
    def crash_after_storing_created(self, sent: bool, units: int) -> None:
        """The process stored CREATED, maybe sent the order, and died; then restarts."""
        self.count += 1
        intent = ExecutionIntent(
            client_order_id=f"tk{self.count}",
            directive_id="d",
            symbol="ETH/USDT",
            side=Side.BUY,
            order_type=OrderType.LIMIT,
            quantity=Decimal(units),
            price=Decimal(10),
        )
        spec = OrderSpec.from_intent(intent)
        SqliteOrderEventStore(self.connection).append(
            OrderEvent(
                client_order_id=intent.client_order_id,
                kind=OrderStatus.CREATED,
                ts_ms=self.clock.now_ms(),
                payload=spec.to_json(),
            )
        )
        if sent:
            self.venue.submit(intent)
        self.oms = self._manager()
        self.oms.rebuild()

    @rule(delta=st.sampled_from([1_000, 60_000]))
    def time_passes(self, delta: int) -> None:
        self.clock.advance(delta)

    @rule()
    def restart(self) -> None:
        before = self.oms.orders()
        self.oms = self._manager()
        self.oms.rebuild()
        assert self.oms.orders() == before

    @invariant()
    def filled_never_exceeds_quantity_and_no_anomaly(self) -> None:
        for state in self.oms.orders():
            assert state.filled_quantity <= state.spec.quantity
        assert self.oms.anomalies == ()

    @invariant()
    def after_a_sync_every_venue_fill_is_counted_exactly_once(self) -> None:
        shadow = self._manager()
        shadow.rebuild()
        shadow.sync_fills()
        for state in shadow.orders():
            venue_fills = [
                f.quantity
                for f in self.venue.own_trades()
                if f.client_order_id == state.client_order_id
            ]
            assert state.filled_quantity == sum(venue_fills, Decimal(0))
        self.oms.rebuild()  # the shadow may have stored fills: stay in step with the store

    def teardown(self) -> None:
        self.connection.close()
        self.tmp.cleanup()


TestOrderFold = OrderFoldMachine.TestCase
TestOrderFold.settings = SETTINGS
TestOrderManager = OrderManagerMachine.TestCase
TestOrderManager.settings = SETTINGS
