"""The order state machine as data: which event kinds each order status accepts.

An event whose kind is not listed for the order's current status is refused by the fold
and recorded as an anomaly; it never changes the order. Fill events (PARTIALLY_FILLED and
FILLED) are accepted after a cancel request, and also after CANCELLED, EXPIRED or
REJECTED: a venue may report a trade that executed before the order ended, and that trade
is real money, so it is applied (the terminal status stays). A working order may still be
REJECTED by the venue (e.g. a simulated venue that cannot pay a fill at match time).
"""

from collections.abc import Mapping

from tradekernel.domain.enums import OrderStatus

FILL_KINDS: frozenset[OrderStatus] = frozenset({OrderStatus.PARTIALLY_FILLED, OrderStatus.FILLED})

_WORKING: frozenset[OrderStatus] = frozenset(
    {
        OrderStatus.PARTIALLY_FILLED,
        OrderStatus.FILLED,
        OrderStatus.CANCEL_REQUESTED,
        OrderStatus.CANCELLED,
        OrderStatus.EXPIRED,
        OrderStatus.REJECTED,
    }
)

# Keyed by the current status; None is "no event yet". Terminal statuses accept late
# fills only (see the module docstring); FILLED and LOST accept nothing.
ALLOWED_EVENTS: Mapping[OrderStatus | None, frozenset[OrderStatus]] = {
    None: frozenset({OrderStatus.CREATED}),
    OrderStatus.CREATED: frozenset(
        {
            OrderStatus.SUBMITTED,
            OrderStatus.ACCEPTED,
            OrderStatus.REJECTED,
            OrderStatus.SUBMIT_AMBIGUOUS,
            OrderStatus.LOST,
        }
    ),
    OrderStatus.SUBMITTED: _WORKING | {OrderStatus.ACCEPTED, OrderStatus.LOST},
    OrderStatus.SUBMIT_AMBIGUOUS: _WORKING | {OrderStatus.ACCEPTED, OrderStatus.LOST},
    OrderStatus.ACCEPTED: _WORKING,
    OrderStatus.PARTIALLY_FILLED: _WORKING,
    OrderStatus.CANCEL_REQUESTED: frozenset(
        {
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.FILLED,
            OrderStatus.CANCELLED,
            OrderStatus.EXPIRED,
            OrderStatus.REJECTED,
            OrderStatus.LOST,
        }
    ),
    OrderStatus.CANCELLED: FILL_KINDS,
    OrderStatus.EXPIRED: FILL_KINDS,
    OrderStatus.REJECTED: FILL_KINDS,
    OrderStatus.FILLED: frozenset(),
    OrderStatus.LOST: frozenset(),
}

# Statuses a partial fill leaves in place (the order is not simply "partially filled").
STICKY_ON_PARTIAL_FILL: frozenset[OrderStatus] = frozenset({OrderStatus.CANCEL_REQUESTED})


def is_allowed(current: OrderStatus | None, kind: OrderStatus) -> bool:
    """Return True if an order in `current` may take an event of `kind`."""
    return kind in ALLOWED_EVENTS[current]
