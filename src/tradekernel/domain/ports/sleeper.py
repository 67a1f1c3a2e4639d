"""Waiting, always injected: a paper replay at N times real time sleeps through this port."""

from typing import Protocol


class Sleeper(Protocol):
    def sleep_ms(self, duration_ms: int) -> None:
        """Block for `duration_ms` milliseconds (a fake returns at once and records it)."""
        ...
