"""Care of working orders between plans: fill polling, cancel confirmation, entry
timeouts, limit-to-market fallback and rollback of entries that failed half-way.

Every follow-up order (a fallback, a rollback sale) gets a client id derived from the
order it follows, so after a crash the same follow-up is named the same way and the OMS
never sends it twice.
"""

from collections.abc import Callable, Mapping
from decimal import Decimal

import attrs

from tradekernel.domain.blueprint import ExecutionPolicy
from tradekernel.domain.enums import (
    CloseSemantics,
    OrderStatus,
    OrderType,
    Side,
    SizingPolicy,
    TimeInForce,
)
from tradekernel.domain.errors import OrderNotFound, Rejected, Transient
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.live_policy import FallbackReason, RollbackPolicy
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.ports.clock import Clock
from tradekernel.orchestration.oms.order_manager import OrderManager
from tradekernel.orchestration.oms.order_state import OrderState
from tradekernel.orchestration.oms.transitions import UNCONFIRMED
from tradekernel.shared.ids import CLIENT_ID_PREFIX, client_order_id
from tradekernel.shared.quantize import floor_to_step, round_price

# How an entry ended without filling in full, as a fallback reason.
_FAILED = {OrderStatus.REJECTED: FallbackReason.REJECT, OrderStatus.EXPIRED: FallbackReason.TIMEOUT}


@attrs.frozen(kw_only=True)
class FollowUp:
    """An order the supervisor sent on its own: why, and for which order."""

    client_order_id: str
    follows: str
    kind: str
    reason: str
    status: OrderStatus


class OrderSupervisor:
    def __init__(
        self,
        *,
        manager: OrderManager,
        policy: ExecutionPolicy,
        clock: Clock,
        run_id: str,
        rules: Mapping[str, SymbolRules],
        holding: Callable[[str, Side], Decimal],
        client_id_prefix: str = CLIENT_ID_PREFIX,
        before_rollback: Callable[[str], None] | None = None,
        on_fallback: Callable[[ExecutionIntent], None] | None = None,
    ) -> None:
        # Protective exits (`cycle/protective_exits.py`): a rollback withdraws the symbol's
        # first (they lock what it sells); a fallback entry is watched with its entry's levels.
        self._before_rollback = before_rollback
        self._on_fallback = on_fallback
        self._manager = manager
        self._client_id_prefix = client_id_prefix
        self._policy = policy
        self._clock = clock
        self._run_id = run_id
        self._rules = rules
        self._holding = holding
        self._intents: dict[str, ExecutionIntent] = {}
        self._handled: set[str] = set()
        self.follow_ups: list[FollowUp] = []
        # (client order id, the venue's answer) of every cancel that failed.
        self.cancel_errors: list[tuple[str, str]] = []

    # -- submission ---------------------------------------------------------------------

    def submit(self, intent: ExecutionIntent) -> OrderState:
        """Send a plan's intent through the OMS and take care of it if it ended at once.

        Its outcome counts toward the symbol's rejection backoff in order care
        (`cycle.order_care`), as in every mode.
        """
        self._intents[intent.client_order_id] = intent
        state = self._manager.submit(intent)
        self._after_end(state)
        return state

    # -- once per cycle -----------------------------------------------------------------

    def poll(self, *, cancels_allowed: bool) -> tuple[OrderState, ...]:
        """Refresh every open order (fills), confirm requested cancels, end timed-out
        entries, then handle entries that ended half-filled. Returns the open orders."""
        for working in self._manager.open_orders():
            try:
                state = self._manager.refresh(working.client_order_id)
            except Transient:
                continue  # unreachable for now: the next cycle asks again
            if not cancels_allowed or state.is_terminal or not _cancellable(state):
                self._after_end(state)
                continue
            if state.status is OrderStatus.CANCEL_REQUESTED or self._timed_out(state):
                self._after_end(self._cancel(state))
                continue
            self._after_end(state)
        return self._manager.open_orders()

    def _timed_out(self, state: OrderState) -> bool:
        timeout = self._policy.entry_timeout_ms
        return (
            timeout > 0
            and state.spec.close_semantics is CloseSemantics.OPEN
            and state.spec.order_type is OrderType.LIMIT
            and self._clock.now_ms() - state.created_ms >= timeout
        )

    def _cancel(self, state: OrderState) -> OrderState:
        try:
            return self._manager.cancel(state.client_order_id)
        except (OrderNotFound, Rejected, Transient) as error:
            # CANCEL_REQUESTED is stored: the next poll confirms or sends it again.
            self.cancel_errors.append((state.client_order_id, str(error)))
            return self._manager.order(state.client_order_id) or state

    # -- half-done entries --------------------------------------------------------------

    def _after_end(self, state: OrderState) -> None:
        coid = state.client_order_id
        spec = state.spec
        if (
            coid in self._handled
            or not state.is_terminal
            or state.status is OrderStatus.FILLED
            or spec.close_semantics is not CloseSemantics.OPEN
        ):
            return
        self._handled.add(coid)
        reason = _FAILED.get(state.status, FallbackReason.TIMEOUT)
        if state.status is OrderStatus.LOST:
            return  # nothing is known to have filled; reconciliation reports it
        if self._fallback_permitted(state, reason) and state.remaining_quantity > 0:
            self._send_follow_up(state, "fallback", reason.value, state.remaining_quantity)
            return
        filled = state.filled_quantity
        if filled <= 0 or self._policy.rollback is RollbackPolicy.KEEP:
            return
        share = Decimal(1) if self._policy.rollback is RollbackPolicy.CLOSE else None
        share = share if share is not None else self._policy.reduce_fraction
        quantity = min(filled * share, self._holding(spec.symbol, spec.side))
        self._send_follow_up(state, "rollback", self._policy.rollback.value, quantity)

    def _fallback_permitted(self, state: OrderState, reason: FallbackReason) -> bool:
        if state.spec.order_type is not OrderType.LIMIT:
            return False
        intent = self._intents.get(state.client_order_id)
        allowed = self._policy.allow_market_fallback or (
            intent is not None and intent.allow_market_fallback
        )
        return allowed and reason in self._policy.fallback_on

    def _slippage_bound(self, state: OrderState) -> Decimal | None:
        """Return the limit price bounding a fallback: the entry's limit moved by the
        intent's `max_slippage_bps` (up for a buy), rounded inward to the tick; None when
        the intent set no bound (the fallback is a market order)."""
        intent = self._intents.get(state.client_order_id)
        bound = None if intent is None else intent.slippage_bound_bps
        price = state.spec.price
        if bound is None or price is None:
            return None
        side = state.spec.side
        limit = price * (1 + (bound if side is Side.BUY else -bound) / Decimal(10_000))
        rules = self._rules.get(state.spec.symbol)
        return limit if rules is None else round_price(limit, rules.tick_size, side)

    def _send_follow_up(self, state: OrderState, kind: str, reason: str, quantity: Decimal) -> None:
        spec = state.spec
        rules = self._rules.get(spec.symbol)
        if rules is not None:
            quantity = floor_to_step(quantity, rules.step_size)
        if quantity <= 0 or (rules is not None and quantity < rules.min_qty):
            return
        is_fallback = kind == "fallback"
        side = spec.side if is_fallback else (Side.SELL if spec.side is Side.BUY else Side.BUY)
        bounded = self._slippage_bound(state) if is_fallback else None
        intent = ExecutionIntent(
            client_order_id=client_order_id(
                self._run_id,
                0,
                spec.symbol,
                side.value,
                f"{spec.client_order_id}:{kind}",
                prefix=self._client_id_prefix,
            ),
            directive_id=f"{kind}:{spec.client_order_id}",
            symbol=spec.symbol,
            side=side,
            order_type=OrderType.MARKET if bounded is None else OrderType.LIMIT,
            quantity=quantity,
            price=bounded,
            time_in_force=TimeInForce.GTC if bounded is None else TimeInForce.IOC,
            close_semantics=CloseSemantics.OPEN if is_fallback else CloseSemantics.REDUCE_ONLY,
            sizing_policy=SizingPolicy.EXPLICIT,
            stop_loss_price=spec.stop_loss_price if is_fallback else None,
            take_profit_price=spec.take_profit_price if is_fallback else None,
            causes=(spec.client_order_id,),
        )
        if not is_fallback and self._before_rollback is not None:
            self._before_rollback(spec.symbol)
        sent = self._manager.submit(intent)
        if is_fallback and self._on_fallback is not None:
            self._on_fallback(intent)
        self.follow_ups.append(
            FollowUp(
                client_order_id=intent.client_order_id,
                follows=spec.client_order_id,
                kind=kind,
                reason=reason,
                status=sent.status,
            )
        )


def _cancellable(state: OrderState) -> bool:
    """Return False for an order no cancel may be sent for now.

    One the venue has not shown (CREATED, SUBMIT_AMBIGUOUS) is not known to be working:
    `refresh` looks it up by client id each poll until it shows (then it may time out and
    be cancelled) or its grace ends (LOST: never placed). One the venue answered "unknown"
    (an unseen streak) is not sent the cancel again: reconciliation settles it.
    """
    return state.status not in UNCONFIRMED and state.unseen_passes == 0
