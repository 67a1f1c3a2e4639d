"""The bot runtime as its services see it."""

from typing import Protocol


class IBotRuntime(Protocol):
    """What every runtime service may ask of the bot, never the concrete bot itself."""

    @property
    def config(self) -> object:
        """Return the validated settings the bot runs with."""
        ...

    @property
    def is_running(self) -> bool:
        """Return True between start and the end of a graceful stop."""
        ...

    def stop(self, reason: str) -> None:
        """Ask the bot to finish the cycle in flight, persist its state and stop."""
        ...
