"""The run feed turns trading-state changes and day ends into operator notices."""

from tradekernel.domain.enums import TradingState
from tradekernel.domain.ports.control_store import ControlRecord
from tradekernel.domain.ports.notifier import NoticeTopic, OperatorNotice
from tradekernel.orchestration.notify.feed import RunNotifications

DAY = 86_400_000


class _Collect:
    def __init__(self) -> None:
        self.notices: list[OperatorNotice] = []
        self.flushed = 0

    def notify(self, notice: OperatorNotice) -> None:
        self.notices.append(notice)

    def send_due(self) -> None:
        return None

    def flush(self) -> None:
        self.flushed += 1


class _Clock:
    def __init__(self) -> None:
        self.now = 0

    def now_ms(self) -> int:
        return self.now


class _Store:
    def __init__(self) -> None:
        self.record: ControlRecord | None = None

    def read(self, bot_id: str) -> ControlRecord | None:
        return self.record

    def write(self, record: ControlRecord) -> None:
        self.record = record


def _record(state: TradingState) -> ControlRecord:
    return ControlRecord(bot_id="b", state=state, reason="why", updated_ms=0, source="cli")


def test_a_halt_is_notified_once_and_an_active_start_not_at_all() -> None:
    sink, clock, inner = _Collect(), _Clock(), _Store()
    store = RunNotifications(sink, clock).control(inner)
    inner.record = _record(TradingState.ACTIVE)
    store.read("b")
    inner.record = _record(TradingState.HALTED)
    store.read("b")
    store.read("b")
    assert [(n.topic, n.text) for n in sink.notices] == [
        (NoticeTopic.HALT, "trading state halted (set by cli): why")
    ]


def test_each_utc_day_end_and_the_run_end_are_summarised() -> None:
    sink, clock = _Collect(), _Clock()
    run = RunNotifications(sink, clock)
    for now in (0, DAY // 2, DAY + 1, 2 * DAY + 5):
        clock.now = now
        run.daily.on_cycle()
    run.close()
    texts = [n.text for n in sink.notices if n.topic is NoticeTopic.DAILY_SUMMARY]
    assert texts == [
        "day 1970-01-01: 0 fill(s), 0 rejection(s)",
        "day 1970-01-02: 0 fill(s), 0 rejection(s)",
        "day 1970-01-03: 0 fill(s), 0 rejection(s)",
    ]
    assert sink.flushed == 1
