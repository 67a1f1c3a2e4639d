"""The order manager: every order change is an event, stored before it is acted on."""

from collections.abc import Callable, Iterable

import attrs

from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.errors import (
    AmbiguousSubmit,
    Fatal,
    OrderNotFound,
    Rejected,
    Transient,
)
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.orders import Fill, OpenOrderView, Order
from tradekernel.domain.ports.clock import Clock
from tradekernel.domain.ports.execution import ExecutionPort
from tradekernel.domain.ports.order_store import OrderEventStore
from tradekernel.orchestration.oms.order_log import EventListener, OrderLog
from tradekernel.orchestration.oms.order_payload import OrderSpec, detail_payload
from tradekernel.orchestration.oms.order_state import Anomaly, OrderState
from tradekernel.orchestration.oms.transitions import UNCONFIRMED
from tradekernel.orchestration.oms.venue_reports import VenueReports


@attrs.frozen(kw_only=True)
class OmsSettings:
    """`submit_attempts` bounds retries of a Transient submit (not placed) within a call;
    `ambiguous_grace_ms` is how long an ambiguous order may stay unseen before it is LOST;
    `clock_skew_ms` widens the own-trades window opened at the venue's order time."""

    submit_attempts: int = 3
    ambiguous_grace_ms: int = 60_000
    clock_skew_ms: int = 60_000


# Blocks for the given seconds; injected so that tests (and simulated venues) never wait.
Pause = Callable[[float], None]


def _no_pause(seconds: float) -> None:
    return None


class OrderManager:
    """Submit, cancel and track orders through an event store and a venue.

    The CREATED event is durable before the venue hears of the order, so a crash at any
    point leaves a record to reconcile; on restart `rebuild` folds the stored events.
    """

    def __init__(
        self,
        *,
        store: OrderEventStore,
        venue: ExecutionPort,
        clock: Clock,
        settings: OmsSettings | None = None,
        pause: Pause | None = None,
    ) -> None:
        """Build a manager; `pause` waits out a Transient's `retry_after_s` between submit
        attempts (live trading passes a real sleep; the default waits not at all)."""
        self._venue = venue
        self._settings = settings or OmsSettings()
        self._pause = pause or _no_pause
        self._log = OrderLog(store=store, clock=clock)
        self._reports = VenueReports(
            log=self._log,
            venue=venue,
            ambiguous_grace_ms=self._settings.ambiguous_grace_ms,
            clock_skew_ms=self._settings.clock_skew_ms,
        )
        # (client order id, why) of every submit attempt repeated after a Transient.
        self.retries: list[tuple[str, str]] = []

    def watch(self, listener: EventListener | None) -> None:
        """Tell `listener` of every order event stored from now on (the operator's log)."""
        self._log.watch(listener)

    # -- reading ------------------------------------------------------------------------

    def rebuild(self) -> None:
        """Replace the in-memory orders by the fold of every stored event."""
        self._log.rebuild()

    def order(self, client_order_id: str) -> OrderState | None:
        return self._log.get(client_order_id)

    def orders(self) -> tuple[OrderState, ...]:
        """Return every known order, oldest CREATED event first."""
        return self._log.states()

    def open_orders(self) -> tuple[OrderState, ...]:
        return tuple(state for state in self._log.states() if not state.is_terminal)

    def open_order_views(self) -> tuple[OpenOrderView, ...]:
        """Return the working orders as planning input, sorted by client order id."""
        views = (state.as_open_order_view() for state in self.open_orders())
        return tuple(sorted(views, key=lambda view: view.client_order_id))

    @property
    def anomalies(self) -> tuple[Anomaly, ...]:
        """Return every refused event: orphans, then each order's, in order of arrival."""
        return self._log.anomalies

    # -- commands -----------------------------------------------------------------------

    def submit(self, intent: ExecutionIntent) -> OrderState:
        """Record and send one order; return its state after the venue's answer.

        A client order id already known is never sent again (idempotent resubmission).

        Raises:
            ValueError: the intent is skipped.
            Fatal: the venue demands that all traffic stop. The order is recorded
                SUBMIT_AMBIGUOUS, never REJECTED: a Fatal may come from the lookup after a
                timed-out submit, when the venue may hold the order; reconciliation settles it.
        """
        if intent.skipped:
            raise ValueError(f"intent {intent.client_order_id} is skipped: {intent.skip_reason}")
        known = self._log.get(intent.client_order_id)
        if known is not None:
            return known
        spec = OrderSpec.from_intent(intent)
        self._log.record(spec.client_order_id, OrderStatus.CREATED, payload=spec.to_json())
        coid = spec.client_order_id
        for attempt in range(1, self._settings.submit_attempts + 1):
            try:
                answer = self._venue.submit(intent)
            except Transient as error:
                if attempt < self._settings.submit_attempts:
                    self.retries.append((coid, f"submit attempt {attempt + 1}: {error}"))
                    # The venue said when to come back (a 429's Retry-After): honour it.
                    if error.retry_after_s is not None and error.retry_after_s > 0:
                        self._pause(error.retry_after_s)
                    continue
                reason = f"transient after {attempt} attempts: {error}"
                return self._log.record(coid, OrderStatus.REJECTED, reason=reason)
            except Rejected as error:
                return self._log.record(
                    coid, OrderStatus.REJECTED, reason=f"{type(error).__name__}: {error}"
                )
            except AmbiguousSubmit as error:
                self._log.record(coid, OrderStatus.SUBMIT_AMBIGUOUS, reason=str(error))
                return self._resolve(coid)
            except Fatal as error:
                self._log.record(coid, OrderStatus.SUBMIT_AMBIGUOUS, reason=f"fatal: {error}")
                raise
            return self._apply_venue_order(coid, answer, first_answer=True)
        raise AssertionError("unreachable: submit_attempts must be >= 1")

    def adopt(self, order: Order) -> OrderState:
        """Take a venue order the store does not know (an orphan) under management.

        Its CREATED event is written from the venue's view, then the venue's status and
        fills are recorded as for a submit's answer.

        Raises:
            ValueError: the store already knows the client order id.
        """
        if self._log.get(order.client_order_id) is not None:
            raise ValueError(f"order {order.client_order_id} is already known; nothing to adopt")
        spec = OrderSpec(
            client_order_id=order.client_order_id,
            symbol=order.symbol,
            side=order.side,
            order_type=order.order_type,
            quantity=order.quantity,
            price=order.price,
            stop_price=order.stop_price,
        )
        self._log.record(spec.client_order_id, OrderStatus.CREATED, payload=spec.to_json())
        return self._apply_venue_order(spec.client_order_id, order, first_answer=True)

    def cancel(self, client_order_id: str) -> OrderState:
        """Request a cancel, then record the venue's answer (fills first, then CANCELLED).

        An order the venue has not shown yet (CREATED, SUBMIT_AMBIGUOUS) is never cancelled
        as if working: it is looked up by client id first, and cancelled only if found
        working; otherwise it is returned unchanged (or LOST past its grace). A cancel the
        venue answers "unknown order" is settled by one lookup by client id: found, its
        state is recorded; not found, a VENUE_CHECK (`seen` false) starts the unseen streak
        that reconciliation settles as LOST within its bound. The cancel is not re-sent.

        Raises:
            KeyError: the order is unknown.
            Rejected, Transient, Fatal: from the venue; CANCEL_REQUESTED is already
                stored, so a retry (or reconciliation) picks it up.
        """
        state = self._log.require(client_order_id)
        if state.status in UNCONFIRMED:
            state = self._resolve(client_order_id)
            if state.status in UNCONFIRMED:
                return state
        if state.is_terminal:
            return state
        if state.status is not OrderStatus.CANCEL_REQUESTED:
            self._log.record(client_order_id, OrderStatus.CANCEL_REQUESTED)
        try:
            answer = self._venue.cancel(state.spec.symbol, client_order_id)
        except OrderNotFound as error:
            return self._reports.after_unknown_cancel(client_order_id, str(error))
        return self._apply_venue_order(client_order_id, answer, first_answer=False)

    def refresh(self, client_order_id: str) -> OrderState:
        """Ask the venue for the order and record what changed (status, fills).

        Raises:
            KeyError: the order is unknown.
        """
        state = self._log.require(client_order_id)
        if state.is_terminal:
            return state
        if state.status in UNCONFIRMED:
            return self._resolve(client_order_id)
        try:
            answer = self._venue.fetch_order(state.spec.symbol, client_order_id)
        except OrderNotFound:
            return state
        return self._apply_venue_order(client_order_id, answer, first_answer=False)

    def refresh_open(self) -> tuple[OrderState, ...]:
        """Refresh every non-terminal order, oldest first; return their new states."""
        return tuple(self.refresh(state.client_order_id) for state in self.open_orders())

    def apply_fills(self, fills: Iterable[Fill]) -> tuple[OrderState, ...]:
        """Record venue fills of known orders (unknown ones are reconciliation's job)."""
        return self._reports.apply_fills(fills)

    def sync_fills(self, symbol: str | None = None, since_ms: int = 0) -> tuple[OrderState, ...]:
        """Pull the venue's own trades and record those of known orders."""
        return self._reports.sync_fills(symbol, since_ms)

    # -- vanished orders (reconciliation drives these) ----------------------------------

    def check_absent(self, client_order_id: str) -> OrderState:
        """Ask the venue for a working order its open orders do not list, and record it.

        Found: its status and fills are recorded as for `refresh` (and a running unseen
        streak ends). Not found: a VENUE_CHECK event (`seen` false) adds one pass to the
        order's unseen streak. An unsent or ambiguous order is resolved as by `refresh`.

        Raises:
            KeyError: the order is unknown.
            Transient, Fatal: the venue could not be asked (nothing was recorded).
        """
        state = self._log.require(client_order_id)
        if state.is_terminal or state.status in UNCONFIRMED:
            return self.refresh(client_order_id)
        try:
            answer = self._venue.fetch_order(state.spec.symbol, client_order_id)
        except OrderNotFound:
            return self._log.record(
                client_order_id, OrderStatus.VENUE_CHECK, payload=detail_payload(seen="false")
            )
        self.mark_seen(client_order_id)
        return self._reports.apply_order(client_order_id, answer, first_answer=False)

    def mark_seen(self, client_order_id: str) -> OrderState:
        """End the order's unseen streak (the venue showed it); a no-op without one."""
        state = self._log.require(client_order_id)
        if state.unseen_passes == 0 or state.is_terminal:
            return state
        return self._log.record(
            client_order_id, OrderStatus.VENUE_CHECK, payload=detail_payload(seen="true")
        )

    def settle_vanished(self, client_order_id: str, evidence: str) -> OrderState:
        """Settle a working order the venue no longer knows: fills first, then LOST.

        The symbol's own trades since the order's creation (minus `clock_skew_ms`) are
        recorded first, so no fill of it is lost; if they complete it, it ends FILLED and
        no LOST is written. A fill reported after LOST is still applied (see the fold).

        Raises:
            KeyError: the order is unknown.
            Transient, Fatal: the trades could not be read (nothing was settled).
        """
        state = self._log.require(client_order_id)
        if state.is_terminal:
            return state
        since_ms = max(0, state.created_ms - self._settings.clock_skew_ms)
        self._reports.sync_fills(state.spec.symbol, since_ms)
        state = self._log.require(client_order_id)
        if state.is_terminal:
            return state
        return self._log.record(client_order_id, OrderStatus.LOST, reason=f"vanished: {evidence}")

    # -- internals ----------------------------------------------------------------------

    def _resolve(self, coid: str) -> OrderState:
        return self._reports.resolve(coid)

    def _apply_venue_order(self, coid: str, answer: Order, *, first_answer: bool) -> OrderState:
        return self._reports.apply_order(coid, answer, first_answer=first_answer)
