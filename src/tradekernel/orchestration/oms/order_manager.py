"""The order manager: every order change is an event, stored before it is acted on."""

from collections.abc import Callable, Iterable
from decimal import Decimal

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
from tradekernel.domain.ports.order_store import OrderEvent, OrderEventStore
from tradekernel.orchestration.oms.order_book import OrderBook
from tradekernel.orchestration.oms.order_payload import OrderSpec, detail_payload
from tradekernel.orchestration.oms.order_state import Anomaly, OrderState

# Venue statuses that mean "the venue has the order" (it may already be filling).
_ON_VENUE = frozenset({OrderStatus.ACCEPTED, OrderStatus.PARTIALLY_FILLED, OrderStatus.FILLED})
# Fills come first: a venue may end an order it has partly filled.
_CLOSED_BY_VENUE = frozenset({OrderStatus.CANCELLED, OrderStatus.EXPIRED, OrderStatus.REJECTED})
_ENDED_AFTER_WORKING = frozenset({OrderStatus.CANCELLED, OrderStatus.EXPIRED})
_NOT_YET_CONFIRMED = frozenset(
    {OrderStatus.CREATED, OrderStatus.SUBMITTED, OrderStatus.SUBMIT_AMBIGUOUS}
)


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
        self._store = store
        self._venue = venue
        self._clock = clock
        self._settings = settings or OmsSettings()
        self._pause = pause or _no_pause
        self._book = OrderBook()

    # -- reading ------------------------------------------------------------------------

    def rebuild(self) -> None:
        """Replace the in-memory orders by the fold of every stored event."""
        self._book = OrderBook()
        for event in self._store.all_events():
            self._book.fold_in(event)

    def order(self, client_order_id: str) -> OrderState | None:
        return self._book.get(client_order_id)

    def orders(self) -> tuple[OrderState, ...]:
        """Return every known order, oldest CREATED event first."""
        return self._book.states()

    def open_orders(self) -> tuple[OrderState, ...]:
        return tuple(state for state in self._book.states() if not state.is_terminal)

    def open_order_views(self) -> tuple[OpenOrderView, ...]:
        """Return the working orders as planning input, sorted by client order id."""
        views = (state.as_open_order_view() for state in self.open_orders())
        return tuple(sorted(views, key=lambda view: view.client_order_id))

    @property
    def anomalies(self) -> tuple[Anomaly, ...]:
        """Return every refused event: orphans, then each order's, in order of arrival."""
        return self._book.anomalies

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
        known = self._book.get(intent.client_order_id)
        if known is not None:
            return known
        spec = OrderSpec.from_intent(intent)
        self._record(spec.client_order_id, OrderStatus.CREATED, payload=spec.to_json())
        coid = spec.client_order_id
        for attempt in range(1, self._settings.submit_attempts + 1):
            try:
                answer = self._venue.submit(intent)
            except Transient as error:
                if attempt < self._settings.submit_attempts:
                    # The venue said when to come back (a 429's Retry-After): honour it.
                    if error.retry_after_s is not None and error.retry_after_s > 0:
                        self._pause(error.retry_after_s)
                    continue
                reason = f"transient after {attempt} attempts: {error}"
                return self._record(coid, OrderStatus.REJECTED, reason=reason)
            except Rejected as error:
                return self._record(
                    coid, OrderStatus.REJECTED, reason=f"{type(error).__name__}: {error}"
                )
            except AmbiguousSubmit as error:
                self._record(coid, OrderStatus.SUBMIT_AMBIGUOUS, reason=str(error))
                return self._resolve(coid)
            except Fatal as error:
                self._record(coid, OrderStatus.SUBMIT_AMBIGUOUS, reason=f"fatal: {error}")
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
        if self._book.get(order.client_order_id) is not None:
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
        self._record(spec.client_order_id, OrderStatus.CREATED, payload=spec.to_json())
        return self._apply_venue_order(spec.client_order_id, order, first_answer=True)

    def cancel(self, client_order_id: str) -> OrderState:
        """Request a cancel, then record the venue's answer (fills first, then CANCELLED).

        Raises:
            KeyError: the order is unknown.
            OrderNotFound, Transient, Fatal: from the venue; CANCEL_REQUESTED is already
                stored, so a retry (or reconciliation) picks it up.
        """
        state = self._require(client_order_id)
        if state.status is OrderStatus.CREATED:
            # Stored but maybe never sent: learn whether the venue has it at all.
            state = self._resolve(client_order_id)
            if state.status is OrderStatus.CREATED:
                return state
        if state.is_terminal:
            return state
        if state.status is not OrderStatus.CANCEL_REQUESTED:
            self._record(client_order_id, OrderStatus.CANCEL_REQUESTED)
        answer = self._venue.cancel(state.spec.symbol, client_order_id)
        return self._apply_venue_order(client_order_id, answer, first_answer=False)

    def refresh(self, client_order_id: str) -> OrderState:
        """Ask the venue for the order and record what changed (status, fills).

        Raises:
            KeyError: the order is unknown.
        """
        state = self._require(client_order_id)
        if state.is_terminal:
            return state
        if state.status in {OrderStatus.CREATED, OrderStatus.SUBMIT_AMBIGUOUS}:
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
        touched: dict[str, OrderState] = {}
        for fill in fills:
            state = self._book.get(fill.client_order_id)
            if state is not None and state.status is OrderStatus.CREATED:
                # A crash between CREATED and SUBMITTED: learn the venue's view first, so
                # the fill is not stored while the order cannot yet take it (and lost).
                state = self._resolve(fill.client_order_id)
            if (
                state is None
                or state.status is OrderStatus.CREATED
                or fill.trade_id in state.trade_ids
            ):
                continue
            filled = state.filled_quantity + fill.quantity
            kind = (
                OrderStatus.FILLED
                if filled >= state.spec.quantity
                else OrderStatus.PARTIALLY_FILLED
            )
            touched[fill.client_order_id] = self._record(
                fill.client_order_id,
                kind,
                ts_ms=fill.ts_ms,
                trade_id=fill.trade_id,
                quantity=fill.quantity,
                price=fill.price,
                payload=detail_payload(
                    fee=str(fill.fee), fee_asset=fill.fee_asset, liquidity=fill.liquidity.value
                ),
            )
        return tuple(touched.values())

    def sync_fills(self, symbol: str | None = None, since_ms: int = 0) -> tuple[OrderState, ...]:
        """Pull the venue's own trades and record those of known orders."""
        return self.apply_fills(self._venue.own_trades(symbol, since_ms))

    # -- internals ----------------------------------------------------------------------

    def _resolve(self, coid: str) -> OrderState:
        state = self._require(coid)
        try:
            answer = self._venue.fetch_order(state.spec.symbol, coid)
        except Transient:
            # An unreachable venue says nothing about the order: ask again later.
            return state
        except OrderNotFound:
            last_seen = state.updated_ms
            if self._clock.now_ms() - last_seen >= self._settings.ambiguous_grace_ms:
                return self._record(coid, OrderStatus.LOST, reason="not on the venue")
            return self._require(coid)
        return self._apply_venue_order(coid, answer, first_answer=False)

    def _apply_venue_order(self, coid: str, answer: Order, *, first_answer: bool) -> OrderState:
        state = self._require(coid)
        if answer.status is OrderStatus.REJECTED and state.status is OrderStatus.CREATED:
            return self._record(coid, OrderStatus.REJECTED, reason="rejected by the venue")
        venue_id = answer.venue_order_id
        if first_answer:
            state = self._record(coid, OrderStatus.SUBMITTED, venue_order_id=venue_id)
        if state.status in _NOT_YET_CONFIRMED and (
            answer.status in _ON_VENUE or answer.status in _ENDED_AFTER_WORKING
        ):
            state = self._record(coid, OrderStatus.ACCEPTED, venue_order_id=venue_id)
        if answer.filled_quantity > state.filled_quantity:
            # The venue's own creation time: fills carry venue time, which in a replay
            # (or with a skewed clock) is not ours.
            since_ms = max(0, answer.created_ms - self._settings.clock_skew_ms)
            self.sync_fills(state.spec.symbol, since_ms)
            state = self._require(coid)
        if answer.status in _CLOSED_BY_VENUE and not state.is_terminal:
            reason = "rejected by the venue" if answer.status is OrderStatus.REJECTED else None
            state = self._record(coid, answer.status, reason=reason)
        return state

    def _record(
        self,
        coid: str,
        kind: OrderStatus,
        *,
        ts_ms: int | None = None,
        payload: str | None = None,
        trade_id: str | None = None,
        quantity: Decimal | None = None,
        price: Decimal | None = None,
        reason: str | None = None,
        venue_order_id: str | None = None,
    ) -> OrderState:
        event = OrderEvent(
            client_order_id=coid,
            kind=kind,
            ts_ms=self._clock.now_ms() if ts_ms is None else ts_ms,
            payload=payload
            if payload is not None
            else detail_payload(reason=reason, venue_order_id=venue_order_id),
            trade_id=trade_id,
            quantity=quantity,
            price=price,
        )
        state = self._book.fold_in(self._store.append(event))
        if state is None:
            raise AssertionError(f"order {coid} has no CREATED event")
        return state

    def _require(self, coid: str) -> OrderState:
        state = self._book.get(coid)
        if state is None:
            raise KeyError(f"unknown order {coid}")
        return state
