"""The apprise notifier: batches leave when due, redacted; a failing service never raises."""

from typing import Any

from tradekernel.adapters.apprise.batching import BatchPolicy
from tradekernel.adapters.apprise.notifier import AppriseNotifier
from tradekernel.domain.ports.notifier import NoticeTopic, OperatorNotice


class _Service:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[dict[str, Any]] = []
        self.fail = fail

    def notify(self, **message: Any) -> bool:
        if self.fail:
            raise ConnectionError("refused")
        self.sent.append(message)
        return True


def _notifier(now: list[int], service: _Service) -> AppriseNotifier:
    notifier = AppriseNotifier(
        ["json://127.0.0.1:9/"],
        policy=BatchPolicy(window_ms=1_000, max_messages=5, period_ms=60_000),
        redact=lambda text: text.replace("SECRET", "***"),
        monotonic_ms=lambda: now[0],
    )
    notifier._apprise = service  # type: ignore[assignment]
    return notifier


def test_a_lone_notice_leaves_once_its_window_is_over_redacted() -> None:
    now, service = [0], _Service()
    notifier = _notifier(now, service)
    notifier.notify(OperatorNotice(topic=NoticeTopic.HALT, at_ms=0, text="halted: SECRET"))
    notifier.send_due()
    assert service.sent == []
    now[0] = 1_000
    notifier.send_due()
    (message,) = service.sent
    assert message["title"] == "tradekernel: 1 halt"
    assert message["body"] == "[halt]\n1970-01-01T00:00:00Z halted: ***"
    assert notifier.sent == 1


def test_a_failing_service_is_counted_not_raised() -> None:
    notifier = _notifier([0], _Service(fail=True))
    notifier.notify(OperatorNotice(topic=NoticeTopic.FILL, at_ms=0, text="filled"))
    notifier.flush()
    assert (notifier.sent, notifier.failed) == (0, 1)
