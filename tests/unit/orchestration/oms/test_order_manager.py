from decimal import Decimal

import pytest
from tests.fakes.clock import FakeClock
from tests.fakes.execution import FakeExecution, Outcome
from tests.fakes.order_store import FakeOrderStore

from tradekernel.domain.enums import OrderStatus, OrderType, Side
from tradekernel.domain.errors import Fatal
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.orders import Order
from tradekernel.orchestration.oms.order_manager import OmsSettings, OrderManager


def _intent(coid: str = "tkA", quantity: str = "1") -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=coid,
        directive_id="dir-1",
        symbol="BTC/USDT",
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        quantity=Decimal(quantity),
        price=Decimal(100),
    )


class _Setup:
    def __init__(self, settings: OmsSettings | None = None) -> None:
        self.clock = FakeClock()
        self.store = FakeOrderStore()
        self.venue = FakeExecution(now_ms=self.clock.now_ms())
        self.oms = OrderManager(
            store=self.store, venue=self.venue, clock=self.clock, settings=settings
        )

    def kinds(self, coid: str = "tkA") -> list[OrderStatus]:
        return [event.kind for event in self.store.events_for(coid)]


class _SpyVenue(FakeExecution):
    """Checks, at the moment of the send, what the store already holds."""

    def __init__(self, store: FakeOrderStore) -> None:
        super().__init__()
        self.store = store
        self.stored_at_submit: list[list[OrderStatus]] = []

    def submit(self, intent: ExecutionIntent) -> Order:
        events = self.store.events_for(intent.client_order_id)
        self.stored_at_submit.append([event.kind for event in events])
        return super().submit(intent)


def test_created_event_is_stored_before_the_venue_sees_the_order() -> None:
    store = FakeOrderStore()
    venue = _SpyVenue(store)
    oms = OrderManager(store=store, venue=venue, clock=FakeClock())
    oms.submit(_intent())
    assert venue.stored_at_submit == [[OrderStatus.CREATED]]


def test_store_failure_on_created_means_nothing_is_sent() -> None:
    setup = _Setup()
    setup.store.fail_next_append = True
    with pytest.raises(OSError, match="disk"):
        setup.oms.submit(_intent())
    assert setup.venue.calls == []


def test_accepted_submit_records_created_submitted_accepted() -> None:
    setup = _Setup()
    state = setup.oms.submit(_intent())
    assert setup.kinds() == [OrderStatus.CREATED, OrderStatus.SUBMITTED, OrderStatus.ACCEPTED]
    assert state.status is OrderStatus.ACCEPTED
    assert state.venue_order_id == "V-tkA"


@pytest.mark.parametrize("outcome", [Outcome.REJECT, Outcome.INSUFFICIENT_FUNDS])
def test_rejection_is_recorded_with_its_reason(outcome: Outcome) -> None:
    setup = _Setup()
    setup.venue.script(outcome)
    state = setup.oms.submit(_intent())
    assert setup.kinds() == [OrderStatus.CREATED, OrderStatus.REJECTED]
    expected = "InsufficientFunds" if outcome is Outcome.INSUFFICIENT_FUNDS else "Rejected"
    assert state.detail.startswith(expected)


def test_transient_submit_is_retried_then_accepted() -> None:
    setup = _Setup(OmsSettings(submit_attempts=3))
    setup.venue.script(Outcome.TRANSIENT, Outcome.TRANSIENT)
    state = setup.oms.submit(_intent())
    assert setup.venue.submit_ids == ["tkA", "tkA", "tkA"]
    assert state.status is OrderStatus.ACCEPTED
    assert setup.kinds().count(OrderStatus.CREATED) == 1


def test_transient_submit_gives_up_as_rejected_after_the_attempt_budget() -> None:
    setup = _Setup(OmsSettings(submit_attempts=2))
    setup.venue.script(Outcome.TRANSIENT, Outcome.TRANSIENT, Outcome.ACCEPT)
    state = setup.oms.submit(_intent())
    assert setup.venue.submit_ids == ["tkA", "tkA"]
    assert state.status is OrderStatus.REJECTED
    assert "transient after 2 attempts" in state.detail


def test_ambiguous_submit_resolved_by_fetch_when_the_order_exists() -> None:
    setup = _Setup()
    setup.venue.script(Outcome.AMBIGUOUS_PLACED)
    state = setup.oms.submit(_intent())
    assert setup.kinds() == [
        OrderStatus.CREATED,
        OrderStatus.SUBMIT_AMBIGUOUS,
        OrderStatus.ACCEPTED,
    ]
    assert state.status is OrderStatus.ACCEPTED


def test_ambiguous_submit_not_on_venue_becomes_lost_only_after_the_grace_period() -> None:
    setup = _Setup(OmsSettings(ambiguous_grace_ms=10_000))
    setup.venue.script(Outcome.AMBIGUOUS_NOT_PLACED)
    assert setup.oms.submit(_intent()).status is OrderStatus.SUBMIT_AMBIGUOUS
    setup.clock.advance(9_999)
    assert setup.oms.refresh("tkA").status is OrderStatus.SUBMIT_AMBIGUOUS
    setup.clock.advance(1)
    assert setup.oms.refresh("tkA").status is OrderStatus.LOST


def test_fatal_is_recorded_ambiguous_and_reraised() -> None:
    # A Fatal may come from the lookup after a timed-out submit: the order may be placed.
    setup = _Setup()
    setup.venue.script(Outcome.FATAL)
    with pytest.raises(Fatal):
        setup.oms.submit(_intent())
    assert setup.kinds() == [OrderStatus.CREATED, OrderStatus.SUBMIT_AMBIGUOUS]


def test_known_client_order_id_is_never_sent_twice() -> None:
    setup = _Setup()
    setup.oms.submit(_intent())
    setup.oms.submit(_intent())
    assert setup.venue.submit_ids == ["tkA"]


def test_skipped_intent_is_refused() -> None:
    from tradekernel.domain.enums import SkipReason

    setup = _Setup()
    with pytest.raises(ValueError, match="skipped"):
        setup.oms.submit(_intent().skip(SkipReason.MIN_NOTIONAL, "too small"))
    assert setup.store.events == []


def test_fills_from_own_trades_are_applied_once_even_when_polled_twice() -> None:
    setup = _Setup()
    setup.oms.submit(_intent())
    setup.venue.fill("tkA", Decimal("0.4"), Decimal(100))
    setup.venue.fill("tkA", Decimal("0.6"), Decimal(110))
    setup.oms.sync_fills()
    setup.oms.sync_fills()
    state = setup.oms.order("tkA")
    assert state is not None
    assert state.filled_quantity == Decimal(1)
    assert state.status is OrderStatus.FILLED
    assert state.average_price == Decimal(106)
    assert setup.kinds()[-2:] == [OrderStatus.PARTIALLY_FILLED, OrderStatus.FILLED]


def test_refresh_pulls_fills_when_the_venue_reports_more_filled() -> None:
    setup = _Setup()
    setup.oms.submit(_intent())
    setup.venue.fill("tkA", Decimal("0.5"), Decimal(100))
    state = setup.oms.refresh("tkA")
    assert state.filled_quantity == Decimal("0.5")
    assert state.status is OrderStatus.PARTIALLY_FILLED


def test_refresh_records_a_venue_side_expiry() -> None:
    setup = _Setup()
    setup.oms.submit(_intent())
    setup.venue.set_status("tkA", OrderStatus.EXPIRED)
    assert setup.oms.refresh("tkA").status is OrderStatus.EXPIRED


def test_partial_fill_then_cancel_records_fill_before_cancelled() -> None:
    setup = _Setup()
    setup.oms.submit(_intent())
    setup.venue.fill("tkA", Decimal("0.3"), Decimal(100))
    state = setup.oms.cancel("tkA")
    assert setup.kinds()[-3:] == [
        OrderStatus.CANCEL_REQUESTED,
        OrderStatus.PARTIALLY_FILLED,
        OrderStatus.CANCELLED,
    ]
    assert state.status is OrderStatus.CANCELLED
    assert state.filled_quantity == Decimal("0.3")


def test_cancel_of_a_terminal_order_sends_nothing() -> None:
    setup = _Setup()
    setup.venue.script(Outcome.REJECT)
    setup.oms.submit(_intent())
    setup.oms.cancel("tkA")
    assert [call.method for call in setup.venue.calls] == ["submit"]


def test_rebuild_after_restart_gives_the_same_orders_and_never_resends() -> None:
    setup = _Setup()
    setup.oms.submit(_intent("tkA"))
    setup.venue.script(Outcome.REJECT)
    setup.oms.submit(_intent("tkB"))
    setup.venue.fill("tkA", Decimal("0.25"), Decimal(99))
    setup.oms.sync_fills()
    before = setup.oms.orders()

    restarted = OrderManager(store=setup.store, venue=setup.venue, clock=setup.clock)
    restarted.rebuild()
    assert restarted.orders() == before
    assert [state.client_order_id for state in restarted.open_orders()] == ["tkA"]
    restarted.submit(_intent("tkA"))
    assert setup.venue.submit_ids == ["tkA", "tkB"]


def test_fills_of_unknown_orders_are_left_to_reconciliation() -> None:
    setup = _Setup()
    setup.oms.submit(_intent("tkA"))
    other = FakeExecution()
    other.submit(_intent("manual"))
    fill = other.fill("manual", Decimal(1), Decimal(100))
    assert setup.oms.apply_fills([fill]) == ()
    assert setup.store.events_for("manual") == []


def test_stored_orphan_event_is_an_anomaly_after_rebuild() -> None:
    from tradekernel.domain.ports.order_store import OrderEvent

    setup = _Setup()
    setup.store.append(OrderEvent(client_order_id="ghost", kind=OrderStatus.ACCEPTED, ts_ms=1))
    setup.oms.rebuild()
    assert [anomaly.code for anomaly in setup.oms.anomalies] == ["orphan_event"]
    assert setup.oms.orders() == ()


def test_crash_after_send_before_submitted_is_resolved_before_fills_are_stored() -> None:
    from tradekernel.domain.ports.order_store import OrderEvent
    from tradekernel.orchestration.oms.order_payload import OrderSpec

    setup = _Setup()
    # The process stored CREATED, sent the order, and died before recording the answer.
    spec = OrderSpec.from_intent(_intent())
    setup.store.append(
        OrderEvent(client_order_id="tkA", kind=OrderStatus.CREATED, ts_ms=1, payload=spec.to_json())
    )
    setup.venue.submit(_intent())
    setup.venue.fill("tkA", Decimal("0.5"), Decimal(100))
    restarted = OrderManager(store=setup.store, venue=setup.venue, clock=setup.clock)
    restarted.rebuild()
    restarted.sync_fills()
    state = restarted.order("tkA")
    assert state is not None
    assert state.status is OrderStatus.PARTIALLY_FILLED
    assert state.filled_quantity == Decimal("0.5")
    assert restarted.anomalies == ()
    assert setup.venue.submit_ids == ["tkA"]  # only the pre-crash send


def test_venue_rejecting_a_working_order_keeps_its_earlier_fills() -> None:
    setup = _Setup()
    setup.oms.submit(_intent())
    setup.venue.fill("tkA", Decimal("0.4"), Decimal(100))
    setup.venue.set_status("tkA", OrderStatus.REJECTED)  # e.g. cash ran out at match time
    state = setup.oms.refresh("tkA")
    assert setup.kinds()[-2:] == [OrderStatus.PARTIALLY_FILLED, OrderStatus.REJECTED]
    assert state.status is OrderStatus.REJECTED
    assert state.filled_quantity == Decimal("0.4")
    assert setup.oms.anomalies == ()


def test_with_the_real_backtest_venue_a_filled_order_folds_to_its_fills() -> None:
    from tradekernel.adapters.backtest.settings import VenueSettings
    from tradekernel.adapters.backtest.venue import BacktestVenue
    from tradekernel.domain.market import Bar

    clock = FakeClock()
    store = FakeOrderStore()
    venue = BacktestVenue(VenueSettings(quote_asset="USDT"))
    oms = OrderManager(store=store, venue=venue, clock=clock)
    intent = _intent(quantity="0.01")
    assert oms.submit(intent).status is OrderStatus.ACCEPTED
    price = Decimal(90)
    fills = venue.on_bar(
        Bar(
            symbol="BTC/USDT",
            ts_ms=60_000,
            open=price,
            high=price,
            low=price,
            close=price,
            volume=Decimal(1000),
        )
    )
    state = oms.refresh("tkA")
    assert sum((fill.quantity for fill in fills), Decimal(0)) == state.filled_quantity
    assert state.status is venue.fetch_order("BTC/USDT", "tkA").status
    assert oms.anomalies == ()


def test_open_order_views_list_working_orders_sorted_for_planning() -> None:
    setup = _Setup()
    setup.oms.submit(_intent("tkZ"))
    setup.venue.script(Outcome.REJECT)
    setup.oms.submit(_intent("tkM"))
    setup.oms.submit(_intent("tkB"))
    setup.venue.fill("tkB", Decimal("0.5"), Decimal(100))
    setup.oms.sync_fills()
    views = setup.oms.open_order_views()
    assert [(v.client_order_id, v.status, v.filled_quantity) for v in views] == [
        ("tkB", OrderStatus.PARTIALLY_FILLED, Decimal("0.5")),
        ("tkZ", OrderStatus.ACCEPTED, Decimal(0)),
    ]


def test_cancel_of_an_order_stored_but_never_sent_sends_no_cancel() -> None:
    from tradekernel.domain.ports.order_store import OrderEvent
    from tradekernel.orchestration.oms.order_payload import OrderSpec

    setup = _Setup()
    spec = OrderSpec.from_intent(_intent())
    setup.store.append(
        OrderEvent(
            client_order_id="tkA",
            kind=OrderStatus.CREATED,
            ts_ms=setup.clock.now_ms(),
            payload=spec.to_json(),
        )
    )
    setup.oms.rebuild()
    state = setup.oms.cancel("tkA")
    assert state.status is OrderStatus.CREATED
    assert [call.method for call in setup.venue.calls] == ["fetch_order"]
    assert setup.oms.anomalies == ()
