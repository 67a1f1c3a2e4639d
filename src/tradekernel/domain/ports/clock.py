"""Time, always injected: planning code never reads the wall clock."""

from typing import Protocol


class Clock(Protocol):
    def now_ms(self) -> int:
        """Return the current time in UTC epoch milliseconds."""
        ...
