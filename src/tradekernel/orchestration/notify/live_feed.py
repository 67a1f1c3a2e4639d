"""Feeding a live (or dry) session's events to a `Notifier`, beside the live loop.

The live runner keeps the OMS's one event listener for its own operator log, so fills and
rejections are read back from the order event store after each cycle (events past the
last sequence seen); trading-state changes and the runner's warnings come from each
cycle's report; a refused start and a fatal error from `run_live`.
"""

from tradekernel.domain.enums import TradingState
from tradekernel.domain.ports.clock import Clock
from tradekernel.domain.ports.notifier import NoticeTopic, Notifier, OperatorNotice
from tradekernel.domain.ports.order_store import OrderEventStore
from tradekernel.orchestration.live.runner import CycleReport
from tradekernel.orchestration.notify.feed import NOTIFIED_KINDS, RunNotifications, state_topic
from tradekernel.orchestration.oms.order_state import OrderState, fold


class LiveNotifications:
    """What a live session tells its notifier, one call per loop event."""

    def __init__(
        self,
        notifier: Notifier,
        *,
        store: OrderEventStore,
        clock: Clock,
    ) -> None:
        self._notifier = notifier
        self._run = RunNotifications(notifier, clock)
        self._store = store
        self._clock = clock
        self._sequence = max((e.sequence for e in store.all_events()), default=0)
        self._state = TradingState.ACTIVE

    def _say(self, topic: NoticeTopic, text: str) -> None:
        notice = OperatorNotice(topic=topic, at_ms=self._clock.now_ms(), text=text)
        self._notifier.notify(notice)

    def refused(self, error: Exception) -> None:
        """Notify a start the startup guard refused."""
        self._say(NoticeTopic.STARTUP_REFUSAL, f"start refused: {error}")

    def failed(self, error: Exception) -> None:
        """Notify an error that ends the session."""
        self._run.error(error)

    def cycle(self, report: CycleReport) -> None:
        """Notify what one cycle stored and reported: fills, rejections, state, warnings."""
        for event in self._store.all_events(self._sequence):
            self._sequence = max(self._sequence, event.sequence)
            if event.kind in NOTIFIED_KINDS:
                self._run.orders.on_stored(event, self._state_of(event.client_order_id))
        if report.trading_state is not self._state:
            self._state = report.trading_state
            topic = state_topic(self._state)
            self._say(topic, f"trading state {self._state.value}")
        for notice in report.notices:
            if notice.level == "warning":
                self._say(NoticeTopic.ERROR, notice.line())
        self._run.on_cycle()

    def _state_of(self, client_order_id: str) -> OrderState | None:
        try:
            return fold(self._store.events_for(client_order_id))
        except ValueError:  # no CREATED event (an order adopted from the venue)
            return None

    def close(self) -> None:
        """Summarise the day in progress and send everything queued."""
        self._run.close()
