"""`AppriseNotifier`: operator notices to any apprise URL (Telegram, Discord, Slack, mail, JSON).

Notices are batched and rate-limited (`batching.NoticeBatcher`); every message passes
through `redact` before it leaves, so a secret a venue echoed into an error never reaches a
chat. A sending failure is logged (without the URLs: they carry tokens) and never raised:
a bot must not stop trading because a chat service is down.
"""

import logging
from collections.abc import Callable, Sequence

import apprise

from tradekernel.adapters.apprise.batching import BatchPolicy, NoticeBatcher, message_of
from tradekernel.domain.ports.notifier import NoticeTopic, OperatorNotice
from tradekernel.shared.utc_time import utc_text

_log = logging.getLogger(__name__)

_ATTENTION = frozenset({NoticeTopic.HALT, NoticeTopic.ERROR, NoticeTopic.STARTUP_REFUSAL})


class AppriseNotifier:
    """A `Notifier` sending batches through apprise; `monotonic_ms` paces the batches."""

    def __init__(
        self,
        urls: Sequence[str],
        *,
        policy: BatchPolicy,
        redact: Callable[[str], str],
        monotonic_ms: Callable[[], int],
    ) -> None:
        self._apprise = apprise.Apprise()
        for url in urls:
            if not self._apprise.add(url):
                # The URL itself is a secret: say which one by position only.
                _log.warning(
                    "notification URL #%d is not a valid apprise URL: ignored", 1 + urls.index(url)
                )
        self._batcher = NoticeBatcher(policy)
        self._redact = redact
        self._now = monotonic_ms
        self.sent = 0
        self.failed = 0

    def notify(self, notice: OperatorNotice) -> None:
        """Queue a notice and send the batch if its window is over and the limit allows."""
        now = self._now()
        self._batcher.add(notice, now)
        self._send(self._batcher.take_due(now))

    def send_due(self) -> None:
        """Send the queued batch if its window is over and the limit allows."""
        self._send(self._batcher.take_due(self._now()))

    def flush(self) -> None:
        """Send everything queued as one last message."""
        self._send(self._batcher.take_all(self._now()))

    def _send(self, batch: tuple[OperatorNotice, ...]) -> None:
        if not batch:
            return
        title, body = message_of(batch, utc_text)
        kind = (
            apprise.NotifyType.WARNING
            if any(n.topic in _ATTENTION for n in batch)
            else apprise.NotifyType.INFO
        )
        try:
            delivered = bool(
                self._apprise.notify(
                    body=self._redact(body), title=self._redact(title), notify_type=kind
                )
            )
        except Exception as error:  # a chat service's failure must not stop the bot
            _log.warning("notification not sent: %s", type(error).__name__)
            delivered = False
        if delivered:
            self.sent += 1
        else:
            self.failed += 1
            _log.warning("notification of %d notice(s) not delivered", len(batch))
