"""The paper runner's order desk: a plan's intents to the OMS on time, then their follow-up.

Intents without a delay go through `OmsPlanConsumer` at once, in plan order; delayed ones
wait until their due time and are submitted at the start of that cycle. Every order sent
is then looked up in the OMS: a rejection is recorded with the venue's detail and starts
the symbol's `RejectionBackoff`, an acceptance resets it, and the cycle it was first sent
in is kept so that an order still working `cancel_after_bars` cycles later is cancelled
(unless the trading-state control forbids cancels). Orders rebuilt from the store after a
restart are adopted as sent at the restart.
"""

import attrs

from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.plan import Plan
from tradekernel.orchestration.consumers import OmsPlanConsumer
from tradekernel.orchestration.delayed_slices import DelayedSlices, refusal
from tradekernel.orchestration.oms.order_manager import OrderManager
from tradekernel.orchestration.paper.backoff import RejectionBackoff
from tradekernel.orchestration.runtime.trading_control import TradingStateControl


class IntentDispatcher:
    """Send a plan's intents through the OMS when due, and follow up the orders sent."""

    def __init__(
        self,
        manager: OrderManager,
        backoff: RejectionBackoff,
        *,
        cancel_after_bars: int | None = None,
        control: TradingStateControl | None = None,
    ) -> None:
        self._manager = manager
        self._consumer = OmsPlanConsumer(manager)
        self._backoff = backoff
        self._cancel_after_bars = cancel_after_bars
        self._control = control
        self._slices = DelayedSlices()
        self._sent_at: dict[str, int] = {}
        self._rejections: list[tuple[int, str, str]] = []
        self._dropped: list[tuple[int, str, str]] = []

    @property
    def dropped(self) -> tuple[tuple[int, str, str], ...]:
        """Return every due slice not sent as `(time, client order id, why)`."""
        return tuple(self._dropped)

    @property
    def rejections(self) -> tuple[tuple[int, str, str], ...]:
        """Return every rejection so far as `(time, client order id, venue detail)`."""
        return tuple(self._rejections)

    def backoff_until(self, now_ms: int) -> dict[str, int]:
        """Return the symbols still backing off at `now_ms`, with their end times, sorted."""
        return self._backoff.active(now_ms)

    def submit_due(self, now_ms: int, cycle: int) -> None:
        """Submit the delayed intents due by `now_ms`, in the order they were planned.

        A slice whose symbol is backing off, or that the trading state no longer permits,
        is dropped (`dropped`), as the live runner does.
        """
        for intent in self._slices.take_due(now_ms):
            # Read per slice: the one before may just have been refused.
            why = refusal(intent, now_ms, self._backoff.active(now_ms), self._control)
            if why is not None:
                self._dropped.append((now_ms, intent.client_order_id, why))
                continue
            self._manager.submit(intent)
            self._sent(intent.client_order_id, intent.symbol, now_ms, cycle)

    def dispatch(self, plan: Plan, now_ms: int, cycle: int) -> None:
        """Queue the plan's delayed tradable intents and send the rest through the OMS."""
        for intent in plan.tradable_intents:
            if intent.delay_ms > 0:
                self._slices.hold(intent, now_ms)
        immediate = tuple(i for i in plan.intents if i.skipped or i.delay_ms == 0)
        report = self._consumer.consume(attrs.evolve(plan, intents=immediate))
        for submission in report.submissions:
            self._sent(submission.client_order_id, submission.symbol, now_ms, cycle)

    def adopt_open(self, cycle: int) -> None:
        """Count the OMS's open orders not sent by this dispatcher as sent at `cycle`.

        After a restart the OMS is rebuilt from the store; its working orders then age
        from the restart and `cancel_stale` still reaches them, instead of never.
        """
        for state in self._manager.open_orders():
            self._sent_at.setdefault(state.client_order_id, cycle)

    def cancel_stale(self, cycle: int) -> None:
        """Cancel the open orders first sent `cancel_after_bars` or more cycles before `cycle`.

        Nothing is cancelled without a `cancel_after_bars`, nor while the trading-state
        control forbids cancels.
        """
        limit = self._cancel_after_bars
        control = self._control
        if limit is None or (control is not None and not control.permits_cancel()):
            return
        for state in self._manager.open_orders():
            sent = self._sent_at.get(state.client_order_id)
            if sent is not None and cycle - sent >= limit:
                self._manager.cancel(state.client_order_id)

    def _sent(self, client_order_id: str, symbol: str, now_ms: int, cycle: int) -> None:
        if client_order_id in self._sent_at:
            # A re-sent id is answered from the OMS's record, not by the venue: its outcome
            # was counted when it was first sent (no second rejection, no backoff reset).
            return
        state = self._manager.order(client_order_id)
        if state is None:
            return
        self._sent_at[client_order_id] = cycle
        if state.status is OrderStatus.REJECTED:
            self._rejections.append((now_ms, client_order_id, state.detail))
            self._backoff.rejected(symbol, now_ms)
        else:
            self._backoff.accepted(symbol)
