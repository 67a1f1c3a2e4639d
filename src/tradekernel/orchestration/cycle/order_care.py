"""The runner's care of orders, the same in every mode: when to send, and what follows.

Intents without a delay are sent at once, in plan order; later slices (TWAP) wait in
`DelayedSlices` and are sent at the first step at or after their due time, unless the
symbol is backing off, the trading state no longer permits them or the stop-new-orders
switch is on (`refusal`): those are dropped and reported. Every outcome is counted once,
when the order is first sent: a rejected entry starts (or lengthens) its symbol's
`RejectionBackoff`, an accepted one resets it. An entry still working
`entry_timeout_ms` after it was sent is cancelled, unless the trading state forbids
cancels. Orders found working at a restart are adopted as sent at the restart. With
`protection`, filled entries get their stop-loss and take-profit as orders
(`protective_exits.py`), and a reduce-only intent withdraws its symbol's first.
"""

from collections.abc import Callable, Sequence
from typing import Protocol

from tradekernel.domain.enums import CloseSemantics, OrderStatus
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.plan import Plan
from tradekernel.orchestration.cycle.backoff import RejectionBackoff
from tradekernel.orchestration.cycle.delayed_slices import DelayedSlices, PermitsIntents, refusal
from tradekernel.orchestration.cycle.desk import FoundWorking, Outcome
from tradekernel.orchestration.cycle.protective_exits import ProtectiveExits


class PermitsCancels(PermitsIntents, Protocol):
    def permits_cancel(self) -> bool: ...


class SendingDesk(Protocol):
    """What order care needs of a desk (every `OrderDesk` is one; so is live's)."""

    def send(self, intent: ExecutionIntent) -> Outcome: ...

    def cancel(self, intent_symbol: str, client_order_id: str) -> None: ...

    def replace(self, intent: ExecutionIntent) -> Outcome: ...

    def working(self) -> tuple[tuple[str, str], ...]: ...


class OrderCare:
    """Send a plan's intents through a desk when due, and follow up the orders sent."""

    def __init__(
        self,
        desk: SendingDesk,
        backoff: RejectionBackoff,
        *,
        entry_timeout_ms: int = 0,
        control: PermitsCancels | None = None,
        on_send: Callable[[], None] | None = None,
        protection: ProtectiveExits | None = None,
    ) -> None:
        if entry_timeout_ms < 0:
            raise ValueError(f"entry_timeout_ms must be >= 0, got {entry_timeout_ms}")
        self._desk = desk
        self._backoff = backoff
        self._timeout_ms = entry_timeout_ms
        self._control = control
        self._on_send = on_send
        self._protection = protection
        self._slices = DelayedSlices()
        # Entries sent and not yet seen finished: client id -> (symbol, time sent).
        self._entries: dict[str, tuple[str, int]] = {}
        self._seen: set[str] = set()
        self.rejections: list[tuple[int, str, str]] = []
        self.dropped: list[tuple[int, str, str]] = []
        self.timed_out: list[tuple[int, str]] = []

    @property
    def backoff(self) -> RejectionBackoff:
        return self._backoff

    def __len__(self) -> int:
        """Return how many delayed slices still wait for their time."""
        return len(self._slices)

    def adopt(self, working: Sequence[FoundWorking], now_ms: int) -> None:
        """Take up orders found working at a restart as sent at `now_ms`.

        Their outcome was counted by the session that sent them; an entry among them times
        out `entry_timeout_ms` after the restart (a close never times out).
        """
        for order in working:
            self._seen.add(order.client_order_id)
            if order.entry:
                self._entries.setdefault(order.client_order_id, (order.symbol, now_ms))

    @property
    def protection(self) -> ProtectiveExits | None:
        return self._protection

    def follow_fills(self, now_ms: int) -> None:
        """Protect the entries that filled since the last step (`protective_exits`)."""
        protection = self._protection
        if protection:
            protection.follow(now_ms)

    def dispatch(self, plan: Plan, now_ms: int) -> None:
        """Hold the plan's delayed tradable intents and send the rest, in plan order."""
        for intent in plan.tradable_intents:
            if intent.delay_ms > 0:
                self._slices.hold(intent, now_ms)
            else:
                # A due slice is checked by `refusal`; an immediate intent only against a
                # trading state that changed since the plan was made (its gate's answer holds).
                why = refusal(intent, now_ms, {}, self._control)
                if why is not None:
                    self.dropped.append((now_ms, intent.client_order_id, why))
                else:
                    self._send(intent, now_ms)

    def send_due(self, now_ms: int, *, stop_new_orders: bool = False) -> None:
        """Send the delayed slices due by `now_ms`, dropping those no longer permitted."""
        if not self._slices:
            return
        for intent in self._slices.take_due(now_ms):
            # Read per slice: the one before may just have been refused.
            why = refusal(
                intent,
                now_ms,
                self._backoff.until(now_ms),
                self._control,
                stop_new_orders=stop_new_orders,
            )
            if why is not None:
                self.dropped.append((now_ms, intent.client_order_id, why))
            else:
                self._send(intent, now_ms)

    def cancel_timed_out(self, now_ms: int) -> None:
        """Cancel the entries working `entry_timeout_ms` or longer (none without a timeout)."""
        if not self._timeout_ms or not self._entries:
            return
        working = {cid for _, cid in self._desk.working()}
        for cid in [c for c in self._entries if c not in working]:
            del self._entries[cid]
        control = self._control
        if control is not None and not control.permits_cancel():
            return
        for cid, (symbol, sent_ms) in list(self._entries.items()):
            if now_ms - sent_ms >= self._timeout_ms:
                del self._entries[cid]
                self.timed_out.append((now_ms, cid))
                self._desk.cancel(symbol, cid)
                if self._on_send is not None:
                    self._on_send()

    def _send(self, intent: ExecutionIntent, now_ms: int) -> None:
        cid = intent.client_order_id
        protection = self._protection
        if protection and intent.reduce_only:
            # The plan takes over the position's exit: its protective orders go first.
            protection.withdraw(intent.symbol)
        # An intent naming the order it replaces (a moved stop) goes out as cancel-replace.
        if intent.replaced_order_id is not None:
            outcome = self._desk.replace(intent)
        else:
            outcome = self._desk.send(intent)
        if self._on_send is not None:
            self._on_send()
        if cid in self._seen:
            # A re-sent id is answered from the desk's record, not by the venue: its
            # outcome was counted when it was first sent (no second rejection or reset).
            return
        self._seen.add(cid)
        entry = intent.close_semantics is CloseSemantics.OPEN
        if outcome.status is OrderStatus.REJECTED:
            self.rejections.append((now_ms, cid, outcome.detail))
            if entry:
                self._backoff.rejected(intent.symbol, now_ms, outcome.detail or "rejected")
            return
        if entry and protection is not None:
            protection.watch(intent)
        if entry and outcome.status is not OrderStatus.SUBMIT_AMBIGUOUS:
            self._backoff.accepted(intent.symbol)
            if self._timeout_ms and not outcome.status.is_terminal:
                self._entries[cid] = (intent.symbol, now_ms)
