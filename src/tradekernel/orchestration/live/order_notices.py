"""The operator's log of a live run: one notice per order event that matters, and counts.

Notices are derived from the OMS's own events (`OrderManager.watch`), so whatever decides
an order's fate (a submit, a poll, reconciliation, a restart) is said once, where it was
stored: an ambiguous submit and what its lookups found, an order never placed (including
one stored but never sent), a lookup that found an acknowledged order unknown, an order
settled as gone, a fill after lost. Retries and failed cancels come from the OMS and the
supervisor, lost acknowledgements and the adapter's retries from the venue's incidents,
orders a reconciliation pass could not settle (`unresolved`) from its report.
"""

from collections import Counter
from enum import StrEnum

import attrs

from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.ports.order_store import OrderEvent
from tradekernel.orchestration.oms.order_payload import read_detail
from tradekernel.orchestration.oms.order_state import OrderState
from tradekernel.orchestration.oms.transitions import FILL_KINDS, UNCONFIRMED


class NoticeKind(StrEnum):
    """What happened; the per-cycle summary and the session telemetry count each kind."""

    RETRY = "retry"
    LOST_ACK = "lost_ack"
    AMBIGUOUS = "ambiguous"
    FOUND = "found"
    NEVER_PLACED = "never_placed"
    UNSEEN = "unseen"
    SEEN_AGAIN = "seen_again"
    GONE = "gone"
    LATE_FILL = "late_fill"
    CANCEL_FAILED = "cancel_failed"
    UNRESOLVED = "unresolved"


# Kinds that ask for the operator's attention (a `warning` line); the rest are `info`.
WARNINGS: frozenset[NoticeKind] = frozenset(
    {
        NoticeKind.LOST_ACK,
        NoticeKind.AMBIGUOUS,
        NoticeKind.NEVER_PLACED,
        NoticeKind.UNSEEN,
        NoticeKind.GONE,
        NoticeKind.LATE_FILL,
        NoticeKind.CANCEL_FAILED,
        NoticeKind.UNRESOLVED,
    }
)


@attrs.frozen(kw_only=True)
class OrderNotice:
    """One operator-facing event: its kind, the order (if any), what happened."""

    kind: NoticeKind
    client_order_id: str | None
    detail: str

    @property
    def level(self) -> str:
        return "warning" if self.kind in WARNINGS else "info"

    def line(self) -> str:
        """Return the log line: level, kind, order, detail."""
        order = f"order {self.client_order_id} " if self.client_order_id else ""
        return f"{self.level:<8} {self.kind.value}: {order}{self.detail}"


def notice_for(
    before: OrderState | None, event: OrderEvent, after: OrderState
) -> OrderNotice | None:
    """Return the notice one stored event deserves, or None for routine progress."""
    if before is None or after.last_sequence == before.last_sequence:
        return None  # a new order, or an event the fold had already seen
    coid, kind, was = event.client_order_id, event.kind, before.status
    reason = read_detail(event.payload, "reason") or ""
    if kind is OrderStatus.SUBMIT_AMBIGUOUS:
        detail = f"submit outcome unknown ({reason}); looked up by client id until found"
        return _notice(NoticeKind.AMBIGUOUS, coid, f"{detail} or its grace ends")
    if kind is OrderStatus.LOST:
        found = NoticeKind.NEVER_PLACED if was in UNCONFIRMED else NoticeKind.GONE
        return _notice(found, coid, f"settled as lost (was {was.value}): {reason}")
    if was is OrderStatus.SUBMIT_AMBIGUOUS or (
        was is OrderStatus.CREATED and kind is OrderStatus.ACCEPTED
    ):
        return _notice(NoticeKind.FOUND, coid, f"lookup by client id: {kind.value} on the venue")
    if kind is OrderStatus.VENUE_CHECK:
        if read_detail(event.payload, "seen") == "true":
            return _notice(NoticeKind.SEEN_AGAIN, coid, "shown by the venue again")
        why = reason or "absent from the open orders; lookup by client id: not found"
        bound = "settled as gone if still unseen past the vanish bound"
        return _notice(NoticeKind.UNSEEN, coid, f"{why} (pass {after.unseen_passes}); {bound}")
    if kind in FILL_KINDS and was is OrderStatus.LOST:
        trade = f"trade {event.trade_id} ({event.quantity}@{event.price})"
        return _notice(NoticeKind.LATE_FILL, coid, f"{trade} of an order settled as lost: applied")
    return None


def _notice(kind: NoticeKind, coid: str, detail: str) -> OrderNotice:
    return OrderNotice(kind=kind, client_order_id=coid, detail=detail)


class NoticeLog:
    """Notices collected since the last `take`; an `OrderManager` listener."""

    def __init__(self) -> None:
        self._pending: list[OrderNotice] = []

    def on_event(self, before: OrderState | None, event: OrderEvent, after: OrderState) -> None:
        """Collect the notice of one stored order event (see `notice_for`)."""
        notice = notice_for(before, event, after)
        if notice is not None:
            self._pending.append(notice)

    def add(self, kind: NoticeKind, client_order_id: str | None, detail: str) -> None:
        self._pending.append(OrderNotice(kind=kind, client_order_id=client_order_id, detail=detail))

    def take(self) -> tuple[OrderNotice, ...]:
        """Return the notices collected since the last call, oldest first, and forget them."""
        taken, self._pending = tuple(self._pending), []
        return taken


def count(notices: tuple[OrderNotice, ...]) -> dict[str, int]:
    """Return how many notices of each kind, every kind present (0 if none), kind order."""
    seen = Counter(notice.kind for notice in notices)
    return {kind.value: seen[kind] for kind in NoticeKind}


def count_line(counts: dict[str, int]) -> str:
    """Return the counts as `kind=n` pairs in kind order (the per-cycle summary's tail)."""
    return " ".join(f"{kind}={counts.get(kind, 0)}" for kind in NoticeKind)
