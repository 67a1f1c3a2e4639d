"""Recording what the venue reports about our orders: an order's status, and its trades."""

from collections.abc import Iterable

from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.errors import OrderNotFound, Transient
from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.ports.execution import ExecutionPort
from tradekernel.orchestration.oms.order_log import OrderLog
from tradekernel.orchestration.oms.order_payload import detail_payload
from tradekernel.orchestration.oms.order_state import OrderState

# Venue statuses that mean "the venue has the order" (it may already be filling).
_ON_VENUE = frozenset({OrderStatus.ACCEPTED, OrderStatus.PARTIALLY_FILLED, OrderStatus.FILLED})
# Fills come first: a venue may end an order it has partly filled.
_CLOSED_BY_VENUE = frozenset({OrderStatus.CANCELLED, OrderStatus.EXPIRED, OrderStatus.REJECTED})
_ENDED_AFTER_WORKING = frozenset({OrderStatus.CANCELLED, OrderStatus.EXPIRED})
_NOT_YET_CONFIRMED = frozenset(
    {OrderStatus.CREATED, OrderStatus.SUBMITTED, OrderStatus.SUBMIT_AMBIGUOUS}
)


class VenueReports:
    """Turn venue answers (an `Order`, a list of `Fill`s) into events in the order log.

    `ambiguous_grace_ms` is how long an unsent or ambiguous order may stay unseen before
    it is LOST; `clock_skew_ms` widens the own-trades window opened at the venue's order
    time.
    """

    def __init__(
        self, *, log: OrderLog, venue: ExecutionPort, ambiguous_grace_ms: int, clock_skew_ms: int
    ) -> None:
        self._log = log
        self._venue = venue
        self._grace_ms = ambiguous_grace_ms
        self._skew_ms = clock_skew_ms

    def resolve(self, coid: str) -> OrderState:
        """Ask the venue for an order it may never have received; LOST past the grace."""
        state = self._log.require(coid)
        try:
            answer = self._venue.fetch_order(state.spec.symbol, coid)
        except Transient:
            # An unreachable venue says nothing about the order: ask again later.
            return state
        except OrderNotFound:
            last_seen = state.updated_ms
            if self._log.now_ms() - last_seen >= self._grace_ms:
                sent = (
                    "stored but never sent"
                    if state.status is OrderStatus.CREATED
                    else ("submit outcome unknown")
                )
                reason = (
                    f"never placed: {sent}, and not found on the venue by client id "
                    f"{self._grace_ms} ms after its last event"
                )
                return self._log.record(coid, OrderStatus.LOST, reason=reason)
            return self._log.require(coid)
        return self.apply_order(coid, answer, first_answer=False)

    def after_unknown_cancel(self, coid: str, answer: str) -> OrderState:
        """Settle a cancel the venue answered "unknown order" by one lookup by client id.

        Found: its state is recorded (an unseen streak ends). Not found: a VENUE_CHECK
        (`seen` false, with the cancel's answer as reason) starts or extends the streak
        that reconciliation settles as LOST within its bound.
        """
        state = self._log.require(coid)
        try:
            found = self._venue.fetch_order(state.spec.symbol, coid)
        except OrderNotFound:
            reason = f"cancel answered unknown order ({answer}); lookup by client id: not found"
            return self._log.record(
                coid, OrderStatus.VENUE_CHECK, payload=detail_payload(seen="false", reason=reason)
            )
        if state.unseen_passes > 0:
            self._log.record(coid, OrderStatus.VENUE_CHECK, payload=detail_payload(seen="true"))
        return self.apply_order(coid, found, first_answer=False)

    def apply_order(self, coid: str, answer: Order, *, first_answer: bool) -> OrderState:
        """Record what changed according to the venue's view of the order (fills first)."""
        log = self._log
        state = log.require(coid)
        if answer.status is OrderStatus.REJECTED and state.status is OrderStatus.CREATED:
            return log.record(coid, OrderStatus.REJECTED, reason="rejected by the venue")
        venue_id = answer.venue_order_id
        if first_answer:
            state = log.record(coid, OrderStatus.SUBMITTED, venue_order_id=venue_id)
        if state.status in _NOT_YET_CONFIRMED and (
            answer.status in _ON_VENUE or answer.status in _ENDED_AFTER_WORKING
        ):
            state = log.record(coid, OrderStatus.ACCEPTED, venue_order_id=venue_id)
        if answer.filled_quantity > state.filled_quantity:
            # The venue's own creation time: fills carry venue time, which in a replay
            # (or with a skewed clock) is not ours.
            self.sync_fills(state.spec.symbol, max(0, answer.created_ms - self._skew_ms))
            state = log.require(coid)
        if answer.status in _CLOSED_BY_VENUE and not state.is_terminal:
            reason = "rejected by the venue" if answer.status is OrderStatus.REJECTED else None
            state = log.record(coid, answer.status, reason=reason)
        return state

    def apply_fills(self, fills: Iterable[Fill]) -> tuple[OrderState, ...]:
        """Record venue fills of known orders (unknown ones are reconciliation's job)."""
        log = self._log
        touched: dict[str, OrderState] = {}
        for fill in fills:
            state = log.get(fill.client_order_id)
            if state is not None and state.status is OrderStatus.CREATED:
                # A crash between CREATED and SUBMITTED: learn the venue's view first, so
                # the fill is not stored while the order cannot yet take it (and lost).
                state = self.resolve(fill.client_order_id)
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
            touched[fill.client_order_id] = log.record(
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

    def sync_fills(self, symbol: str | None, since_ms: int) -> tuple[OrderState, ...]:
        """Pull the venue's own trades and record those of known orders."""
        return self.apply_fills(self._venue.own_trades(symbol, since_ms))
