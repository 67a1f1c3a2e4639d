"""Batching and rate limiting of operator notices, apart from how a message is sent.

Notices within `window_ms` of the first queued one leave as one message; at most
`max_messages` messages leave in any `period_ms`. A notice that arrives while the limit
is reached stays queued and leaves with the next allowed message, so nothing is dropped,
only delayed and merged. Time is a monotonic millisecond reading given by the caller.
"""

from collections import deque
from collections.abc import Callable

import attrs

from tradekernel.domain.ports.notifier import NoticeTopic, OperatorNotice


@attrs.frozen(kw_only=True)
class BatchPolicy:
    """How notices are grouped and how often a message may leave."""

    window_ms: int = 10_000
    max_messages: int = 6
    period_ms: int = 60_000

    def __attrs_post_init__(self) -> None:
        if self.window_ms < 0 or self.max_messages < 1 or self.period_ms < 0:
            raise ValueError(f"invalid notification batch policy: {self}")


class NoticeBatcher:
    """Queue notices and say when a batch may leave (see the module docstring)."""

    def __init__(self, policy: BatchPolicy) -> None:
        self._policy = policy
        self._queued: list[OperatorNotice] = []
        self._first_ms: int | None = None
        self._sent_ms: deque[int] = deque()

    @property
    def queued(self) -> int:
        return len(self._queued)

    def add(self, notice: OperatorNotice, now_ms: int) -> None:
        """Queue a notice that arrived at monotonic time `now_ms`."""
        if self._first_ms is None:
            self._first_ms = now_ms
        self._queued.append(notice)

    def take_due(self, now_ms: int) -> tuple[OperatorNotice, ...]:
        """Return the batch to send now (the window is over and the limit allows), or ()."""
        if self._first_ms is None or now_ms - self._first_ms < self._policy.window_ms:
            return ()
        while self._sent_ms and now_ms - self._sent_ms[0] >= self._policy.period_ms:
            self._sent_ms.popleft()
        if len(self._sent_ms) >= self._policy.max_messages:
            return ()
        return self._take(now_ms)

    def take_all(self, now_ms: int) -> tuple[OperatorNotice, ...]:
        """Return everything queued, limit or not (the last message of a run)."""
        return self._take(now_ms) if self._queued else ()

    def _take(self, now_ms: int) -> tuple[OperatorNotice, ...]:
        batch, self._queued, self._first_ms = tuple(self._queued), [], None
        self._sent_ms.append(now_ms)
        return batch


def message_of(
    batch: tuple[OperatorNotice, ...], format_time: Callable[[int], str]
) -> tuple[str, str]:
    """Return the title and body of one message: notices grouped by topic, oldest first."""
    counts = {topic: sum(1 for n in batch if n.topic is topic) for topic in NoticeTopic}
    title = "tradekernel: " + ", ".join(
        f"{count} {topic.value.replace('_', ' ')}" for topic, count in counts.items() if count
    )
    lines: list[str] = []
    for topic in NoticeTopic:
        of_topic = [n for n in batch if n.topic is topic]
        if of_topic:
            lines.append(f"[{topic.value}]")
            lines.extend(f"{format_time(n.at_ms)} {n.text}" for n in of_topic)
    return title, "\n".join(lines)
