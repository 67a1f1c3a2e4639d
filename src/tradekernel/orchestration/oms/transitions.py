"""The order state machine as data: which event kinds each order status accepts.

An event whose kind is not listed for the order's current status is refused by the fold
and recorded as an anomaly; it never changes the order. Fill events (PARTIALLY_FILLED and
FILLED) are accepted after a cancel request, and also after CANCELLED, EXPIRED or
REJECTED: a venue may report a trade that executed before the order ended, and that trade
is real money, so it is applied (the terminal status stays). LOST takes late fills too (an
order settled as vanished may turn out to have traded): the fill is applied and the fold
adds a `fill_after_lost` anomaly, so the contradiction is visible. A working order may
still be REJECTED by the venue (e.g. a simulated venue that cannot pay a fill at match time).

An order the venue has not shown yet (CREATED: stored, maybe never sent; SUBMIT_AMBIGUOUS:
the submit's outcome is unknown) takes no CANCEL_REQUESTED: it is not known to be working,
so it is looked up by client id until the venue shows it (then it may be cancelled) or
its grace ends (LOST: never placed).

VENUE_CHECK is an observation, not a status: a working order the venue acknowledged takes
it without changing status (the fold counts consecutive unseen checks), and a working order
the venue acknowledged may become LOST once reconciliation settles it as vanished.
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
# Statuses of an order the venue has not shown yet: resolved by lookup, never cancelled.
UNCONFIRMED: frozenset[OrderStatus] = frozenset({OrderStatus.CREATED, OrderStatus.SUBMIT_AMBIGUOUS})

# An order the venue acknowledged may vanish from it (absent from the open orders and not
# found by client id); reconciliation records the checks and may then settle it as LOST.
_ACKNOWLEDGED: frozenset[OrderStatus] = _WORKING | {OrderStatus.VENUE_CHECK, OrderStatus.LOST}

# Keyed by the current status; None is "no event yet". Terminal statuses accept late
# fills only (see the module docstring); FILLED accepts nothing; VENUE_CHECK is never a
# status (its row exists so that every enum value has one).
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
    OrderStatus.SUBMITTED: _ACKNOWLEDGED | {OrderStatus.ACCEPTED},
    OrderStatus.SUBMIT_AMBIGUOUS: (_WORKING - {OrderStatus.CANCEL_REQUESTED})
    | {OrderStatus.ACCEPTED, OrderStatus.LOST},
    OrderStatus.ACCEPTED: _ACKNOWLEDGED,
    OrderStatus.PARTIALLY_FILLED: _ACKNOWLEDGED,
    OrderStatus.CANCEL_REQUESTED: frozenset(
        {
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.FILLED,
            OrderStatus.CANCELLED,
            OrderStatus.EXPIRED,
            OrderStatus.REJECTED,
            OrderStatus.VENUE_CHECK,
            OrderStatus.LOST,
        }
    ),
    OrderStatus.CANCELLED: FILL_KINDS,
    OrderStatus.EXPIRED: FILL_KINDS,
    OrderStatus.REJECTED: FILL_KINDS,
    OrderStatus.FILLED: frozenset(),
    OrderStatus.LOST: FILL_KINDS,
    OrderStatus.VENUE_CHECK: frozenset(),
}

# Statuses a partial fill leaves in place (the order is not simply "partially filled").
STICKY_ON_PARTIAL_FILL: frozenset[OrderStatus] = frozenset({OrderStatus.CANCEL_REQUESTED})


def is_allowed(current: OrderStatus | None, kind: OrderStatus) -> bool:
    """Return True if an order in `current` may take an event of `kind`."""
    return kind in ALLOWED_EVENTS[current]
