"""The OMS fixes the live runner needs: Fatal after a lookup, Retry-After, adoption."""

from decimal import Decimal

import pytest
from tests.fakes.clock import FakeClock
from tests.fakes.execution import FakeExecution, Outcome
from tests.fakes.order_store import FakeOrderStore

from tradekernel.domain.enums import OrderStatus, OrderType, Side
from tradekernel.domain.errors import Fatal, OrderNotFound
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.orders import Order
from tradekernel.orchestration.oms.order_manager import OmsSettings, OrderManager


def _intent(coid: str = "tkA") -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=coid,
        directive_id="dir-1",
        symbol="BTC/USDT",
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        quantity=Decimal("2"),
        price=Decimal(100),
    )


class _PlacedThenBanned(FakeExecution):
    """The venue took the order, then the lookup after the timeout hit a ban."""

    def submit(self, intent: ExecutionIntent) -> Order:
        super().submit(intent)
        raise Fatal("418 during the post-timeout lookup", client_order_id=intent.client_order_id)


def test_fatal_during_lookup_leaves_the_order_ambiguous_and_a_restart_finds_it() -> None:
    clock, store = FakeClock(), FakeOrderStore()
    venue = _PlacedThenBanned()
    oms = OrderManager(store=store, venue=venue, clock=clock)
    with pytest.raises(Fatal):
        oms.submit(_intent())
    assert oms.order("tkA").status is OrderStatus.SUBMIT_AMBIGUOUS  # type: ignore[union-attr]
    restarted = OrderManager(store=store, venue=venue, clock=clock)
    restarted.rebuild()
    assert restarted.refresh("tkA").status is OrderStatus.ACCEPTED
    assert venue.submit_ids == ["tkA"]


def test_transient_submit_waits_the_venues_retry_after_between_attempts() -> None:
    pauses: list[float] = []
    venue = FakeExecution()
    venue.script(Outcome.TRANSIENT, Outcome.TRANSIENT)  # each hints retry_after_s = 1.0
    oms = OrderManager(
        store=FakeOrderStore(),
        venue=venue,
        clock=FakeClock(),
        settings=OmsSettings(submit_attempts=3),
        pause=pauses.append,
    )
    assert oms.submit(_intent()).status is OrderStatus.ACCEPTED
    assert pauses == [1.0, 1.0]
    assert venue.submit_ids == ["tkA", "tkA", "tkA"]


def test_transient_on_the_last_attempt_is_not_waited_for() -> None:
    pauses: list[float] = []
    venue = FakeExecution()
    venue.script(Outcome.TRANSIENT, Outcome.TRANSIENT)
    oms = OrderManager(
        store=FakeOrderStore(),
        venue=venue,
        clock=FakeClock(),
        settings=OmsSettings(submit_attempts=2),
        pause=pauses.append,
    )
    assert oms.submit(_intent()).status is OrderStatus.REJECTED
    assert pauses == [1.0]


def test_adopting_a_venue_order_records_it_with_its_fills() -> None:
    clock, store, venue = FakeClock(), FakeOrderStore(), FakeExecution()
    placed = venue.submit(_intent("tkOrphan"))
    venue.fill("tkOrphan", Decimal("0.5"), Decimal(100))
    oms = OrderManager(store=store, venue=venue, clock=clock)
    state = oms.adopt(venue.fetch_order(placed.symbol, "tkOrphan"))
    assert state.status is OrderStatus.PARTIALLY_FILLED
    assert state.filled_quantity == Decimal("0.5")
    assert [e.kind for e in store.events_for("tkOrphan")][:3] == [
        OrderStatus.CREATED,
        OrderStatus.SUBMITTED,
        OrderStatus.ACCEPTED,
    ]
    with pytest.raises(ValueError, match="already known"):
        oms.adopt(placed)


def test_refresh_of_an_order_the_venue_forgot_keeps_it_for_reconciliation() -> None:
    venue = FakeExecution()
    oms = OrderManager(store=FakeOrderStore(), venue=venue, clock=FakeClock())
    oms.submit(_intent())
    venue._orders.clear()  # the venue lost the order
    with pytest.raises(OrderNotFound):
        venue.fetch_order("BTC/USDT", "tkA")
    assert oms.refresh("tkA").status is OrderStatus.ACCEPTED
