"""The status classes of `tradekernel orders` cover every order status exactly once."""

from tradekernel.domain.enums import OrderStatus
from tradekernel.orchestration.live.order_listing import OPEN_STATUSES, UNRESOLVED_STATUSES
from tradekernel.orchestration.oms.transitions import ALLOWED_EVENTS


def test_open_unresolved_and_finished_partition_the_statuses() -> None:
    statuses = set(OrderStatus) - {OrderStatus.VENUE_CHECK}  # an event kind, never a status
    finished = {status for status in statuses if status.is_terminal} - UNRESOLVED_STATUSES
    assert not OPEN_STATUSES & UNRESOLVED_STATUSES
    assert OPEN_STATUSES | UNRESOLVED_STATUSES | finished == statuses
    assert finished == {
        OrderStatus.FILLED,
        OrderStatus.CANCELLED,
        OrderStatus.REJECTED,
        OrderStatus.EXPIRED,
    }


def test_an_open_order_can_still_fill() -> None:
    for status in OPEN_STATUSES:
        assert OrderStatus.FILLED in ALLOWED_EVENTS[status], status
