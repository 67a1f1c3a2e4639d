"""Feeding a run's events to a `Notifier`: fills, rejections, halts and a daily summary.

Everything here listens beside the planning path, never inside it: order events come from
the OMS's `watch` hook after they are stored, trading-state changes from a decorator
around the control store, the daily summary from the runner's per-cycle callback. A
notifier that fails cannot change what the bot plans or sends.
"""

from collections import Counter

from tradekernel.domain.enums import OrderStatus, TradingState
from tradekernel.domain.ports.clock import Clock
from tradekernel.domain.ports.control_store import ControlRecord, ControlStore
from tradekernel.domain.ports.notifier import NoticeTopic, Notifier, OperatorNotice
from tradekernel.domain.ports.order_store import OrderEvent
from tradekernel.orchestration.oms.order_payload import read_detail
from tradekernel.orchestration.oms.order_state import OrderState
from tradekernel.orchestration.oms.transitions import FILL_KINDS
from tradekernel.shared.utc_time import utc_text

_DAY_MS = 86_400_000

# The order events an operator hears of: fills and rejections.
NOTIFIED_KINDS: frozenset[OrderStatus] = FILL_KINDS | {OrderStatus.REJECTED}


def state_topic(state: TradingState) -> NoticeTopic:
    """Return the topic of a change to `state`: a halt, or another trading-state change."""
    return NoticeTopic.HALT if state is TradingState.HALTED else NoticeTopic.TRADING_STATE


class OrderEventFeed:
    """An `OrderManager` listener: one notice per fill and per rejection; counts per day."""

    def __init__(self, notifier: Notifier) -> None:
        self._notifier = notifier
        self.counts: Counter[NoticeTopic] = Counter()

    def on_event(self, before: OrderState | None, event: OrderEvent, after: OrderState) -> None:
        """Notify a stored fill or rejection (other events are routine progress)."""
        if before is not None and after.last_sequence == before.last_sequence:
            return  # an event the fold had already seen
        self.on_stored(event, after)

    def on_stored(self, event: OrderEvent, state: OrderState | None) -> None:
        """Notify one stored event of the order `state` (None: an order the fold lacks)."""
        order = event.client_order_id
        if state is not None:
            spec = state.spec
            order = f"{spec.side.value} {spec.symbol} ({event.client_order_id})"
        if event.kind in FILL_KINDS and event.quantity is not None:
            text = f"{event.kind.value}: {order} {event.quantity} @ {event.price}"
            self._send(NoticeTopic.FILL, event.ts_ms, text)
        elif event.kind is OrderStatus.REJECTED:
            reason = read_detail(event.payload, "reason") or "no reason given"
            text = f"rejected: {order}: {reason}; new entries back off before retrying"
            self._send(NoticeTopic.REJECTION, event.ts_ms, text)

    def _send(self, topic: NoticeTopic, at_ms: int, text: str) -> None:
        self.counts[topic] += 1
        self._notifier.notify(OperatorNotice(topic=topic, at_ms=at_ms, text=text))


class NotifyingControlStore:
    """A `ControlStore` that notifies each change of the trading state it reads or writes."""

    def __init__(self, inner: ControlStore, notifier: Notifier, clock: Clock) -> None:
        self._inner = inner
        self._notifier = notifier
        self._clock = clock
        self._last: TradingState | None = None

    def read(self, bot_id: str) -> ControlRecord | None:
        """Return the stored record, notifying a state that differs from the last one seen."""
        record = self._inner.read(bot_id)
        if record is not None:
            self._seen(record)
        return record

    def write(self, record: ControlRecord) -> None:
        """Store the record, then notify it if it changes the state."""
        self._inner.write(record)
        self._seen(record)

    def _seen(self, record: ControlRecord) -> None:
        if record.state is self._last:
            return
        first, self._last = self._last is None, record.state
        if first and record.state is TradingState.ACTIVE:
            return  # starting in the normal state is no news
        topic = state_topic(record.state)
        text = f"trading state {record.state.value} (set by {record.source}): {record.reason}"
        self._notifier.notify(OperatorNotice(topic=topic, at_ms=self._clock.now_ms(), text=text))


class DailySummary:
    """Notify, when a UTC day ends in run time, how many fills and rejections it had."""

    def __init__(self, notifier: Notifier, feed: OrderEventFeed, clock: Clock) -> None:
        self._notifier = notifier
        self._feed = feed
        self._clock = clock
        self._day: int | None = None
        self._reported: Counter[NoticeTopic] = Counter()

    def on_cycle(self) -> None:
        """Check the run clock; on a new UTC day, summarise the day that ended."""
        now = self._clock.now_ms()
        day = now // _DAY_MS
        if self._day is not None and day != self._day:
            self._summarise(self._day, now)
        self._day = day

    def finish(self) -> None:
        """Summarise the day in progress (the run ends)."""
        if self._day is not None:
            self._summarise(self._day, self._clock.now_ms())
            self._day = None

    def _summarise(self, day: int, now_ms: int) -> None:
        counts = self._feed.counts - self._reported
        self._reported = Counter(self._feed.counts)
        date = utc_text(day * _DAY_MS)[:10]
        fills, rejections = counts[NoticeTopic.FILL], counts[NoticeTopic.REJECTION]
        text = f"day {date}: {fills} fill(s), {rejections} rejection(s)"
        notice = OperatorNotice(topic=NoticeTopic.DAILY_SUMMARY, at_ms=now_ms, text=text)
        self._notifier.notify(notice)


class RunNotifications:
    """What a run feeds its notifier through: order events, control, days, errors."""

    def __init__(self, notifier: Notifier, clock: Clock) -> None:
        self._notifier = notifier
        self._clock = clock
        self.orders = OrderEventFeed(notifier)
        self.daily = DailySummary(notifier, self.orders, clock)

    def control(self, inner: ControlStore) -> ControlStore:
        """Return `inner` wrapped so trading-state changes are notified."""
        return NotifyingControlStore(inner, self._notifier, self._clock)

    def error(self, error: BaseException) -> None:
        """Notify an error that stops the run (the notifier redacts secrets)."""
        text = f"run stopped by {type(error).__name__}: {error}"
        self._notifier.notify(
            OperatorNotice(topic=NoticeTopic.ERROR, at_ms=self._clock.now_ms(), text=text)
        )

    def on_cycle(self) -> None:
        """After each cycle: summarise a day that ended, send a batch that is due."""
        self.daily.on_cycle()
        self._notifier.send_due()

    def close(self) -> None:
        """Summarise the day in progress and send everything queued."""
        self.daily.finish()
        self._notifier.flush()
