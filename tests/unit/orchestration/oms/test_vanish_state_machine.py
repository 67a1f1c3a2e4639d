"""Stateful properties of vanished orders: a venue that forgets accepted orders at random,
keeps reporting their trades, while reconciliation passes, time and restarts interleave."""

import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from tests.fakes.clock import FakeClock
from tests.fakes.execution import FakeExecution

from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.order_event_store import SqliteOrderEventStore
from tradekernel.domain.enums import OrderStatus, OrderType, Side
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.orders import Fill, Order
from tradekernel.orchestration.live.reconciliation import Reconciler, ReconcileSettings
from tradekernel.orchestration.oms.order_manager import OrderManager
from tradekernel.orchestration.oms.order_payload import read_detail

SYMBOL = "ETH/USDT"
PASSES = 3
GRACE_MS = 120_000


class VanishMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.connection = connect(Path(self.tmp.name) / "oms.db")
        self.store = SqliteOrderEventStore(self.connection)
        self.clock = FakeClock(start_ms=1_000_000)
        self.venue = FakeExecution(now_ms=1_000_000)
        self.forgotten: dict[str, Order] = {}
        self.count = 0
        self._restart()

    def _restart(self) -> None:
        self.oms = OrderManager(store=self.store, venue=self.venue, clock=self.clock)
        self.oms.rebuild()
        self.reconciler = Reconciler(
            manager=self.oms,
            venue=self.venue,
            store=self.store,
            settings=ReconcileSettings(
                symbols=(SYMBOL,),
                bases={SYMBOL: "ETH"},
                vanish_passes=PASSES,
                vanish_grace_ms=GRACE_MS,
            ),
        )

    @rule(units=st.integers(1, 4))
    def submit(self, units: int) -> None:
        self.count += 1
        self.oms.submit(
            ExecutionIntent(
                client_order_id=f"tk{self.count}",
                directive_id="d",
                symbol=SYMBOL,
                side=Side.BUY,
                order_type=OrderType.LIMIT,
                quantity=Decimal(units),
                price=Decimal(10),
            )
        )

    @rule(data=st.data())
    def venue_fills(self, data: st.DataObject) -> None:
        live = sorted(self.venue.open_orders(), key=lambda o: o.client_order_id)
        if live:
            order = data.draw(st.sampled_from(live))
            self.venue.fill(
                order.client_order_id, min(Decimal(1), order.remaining_quantity), Decimal(10)
            )

    @rule(data=st.data())
    def venue_forgets(self, data: st.DataObject) -> None:
        live = sorted(self.venue.open_orders(), key=lambda o: o.client_order_id)
        if live:
            order = data.draw(st.sampled_from(live))
            self.forgotten[order.client_order_id] = self.venue.forget(order.client_order_id)

    @rule(data=st.data())
    def venue_reports_a_late_trade_of_a_forgotten_order(self, data: st.DataObject) -> None:
        if not self.forgotten:
            return
        # Prefer an order already settled LOST: the late fill that must not be dropped.
        lost = [c for c in sorted(self.forgotten) if self._status(c) is OrderStatus.LOST]
        coid = data.draw(st.sampled_from(lost or sorted(self.forgotten)))
        order = self.forgotten[coid]
        traded = sum(
            (f.quantity for f in self.venue.own_trades() if f.client_order_id == coid), Decimal(0)
        )
        if traded >= order.quantity:
            return
        self.count += 1
        quantity = min(Decimal(1), order.quantity - traded)
        self.venue.report_trade(_trade(coid, f"L{self.count}", quantity, self.clock.now_ms()))

    def _status(self, coid: str) -> OrderStatus | None:
        state = self.oms.order(coid)
        return None if state is None else state.status

    @rule()
    def reconcile(self) -> None:
        self.reconciler.reconcile(self.clock.now_ms())

    @rule(delta=st.sampled_from([30_000, 60_000]))
    def time_passes(self, delta: int) -> None:
        self.clock.advance(delta)
        self.venue.now_ms = self.clock.now_ms()

    @rule()
    def restart(self) -> None:
        before = self.oms.orders()
        self._restart()
        assert self.oms.orders() == before

    @invariant()
    def lost_only_after_enough_consecutive_unseen_passes_over_the_grace(self) -> None:
        for state in self.oms.orders():
            if state.status is not OrderStatus.LOST:
                continue
            passes, since = 0, None
            for event in self.store.events_for(state.client_order_id):
                if event.kind is OrderStatus.VENUE_CHECK:
                    if read_detail(event.payload, "seen") == "true":
                        passes, since = 0, None
                    else:
                        passes, since = passes + 1, event.ts_ms if since is None else since
                elif event.kind is OrderStatus.LOST:
                    assert passes >= PASSES and since is not None
                    assert event.ts_ms - since >= GRACE_MS
                    assert state.client_order_id in self.forgotten
                    break

    @invariant()
    def no_order_the_venue_shows_open_is_lost(self) -> None:
        for order in self.venue.open_orders():
            state = self.oms.order(order.client_order_id)
            assert state is None or state.status is not OrderStatus.LOST

    @invariant()
    def every_venue_trade_is_kept_once_after_a_sync(self) -> None:
        self.oms.sync_fills(SYMBOL)
        for state in self.oms.orders():
            venue_qty = sum(
                (
                    f.quantity
                    for f in self.venue.own_trades()
                    if f.client_order_id == state.client_order_id
                ),
                Decimal(0),
            )
            assert state.filled_quantity == venue_qty
        codes = {anomaly.code for anomaly in self.oms.anomalies}
        assert codes <= {"fill_after_lost"}

    def teardown(self) -> None:
        self.connection.close()
        self.tmp.cleanup()


def _trade(coid: str, trade_id: str, quantity: Decimal, ts_ms: int) -> Fill:
    return Fill(
        trade_id=trade_id,
        client_order_id=coid,
        symbol=SYMBOL,
        side=Side.BUY,
        quantity=quantity,
        price=Decimal(10),
        fee=Decimal(0),
        fee_asset="USDT",
        ts_ms=ts_ms,
    )


TestVanish = VanishMachine.TestCase
TestVanish.settings = settings(
    max_examples=60,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
