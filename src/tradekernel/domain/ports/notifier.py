"""The operator's notification port: what a running bot tells people, not how it is sent."""

from enum import StrEnum
from typing import Protocol

import attrs


class NoticeTopic(StrEnum):
    """What an operator notice is about; a message groups its notices by topic."""

    FILL = "fill"
    REJECTION = "rejection"
    HALT = "halt"
    TRADING_STATE = "trading_state"  # reduce-only or resumed
    STARTUP_REFUSAL = "startup_refusal"
    ERROR = "error"
    DAILY_SUMMARY = "daily_summary"


@attrs.frozen(kw_only=True)
class OperatorNotice:
    """One thing an operator should hear of: its topic, when (epoch ms), what happened."""

    topic: NoticeTopic
    at_ms: int
    text: str


class Notifier(Protocol):
    def notify(self, notice: OperatorNotice) -> None:
        """Queue a notice; the adapter decides when a batch is sent. Never raises."""
        ...

    def send_due(self) -> None:
        """Send the queued batch if it is due (called once per cycle). Never raises."""
        ...

    def flush(self) -> None:
        """Send whatever is queued now (at the end of a run). Never raises."""
        ...
