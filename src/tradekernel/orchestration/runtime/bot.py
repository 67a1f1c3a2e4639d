"""The bot runtime: the one object that says whether the bot runs, and why it stops."""

from enum import StrEnum


class RunPhase(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    STOPPING = "stopping"
    STOPPED = "stopped"


class BotRuntime:
    """Implements `IBotRuntime`; the lifecycle drives it through start and finish.

    `stop` only records the request (so it is safe from a signal handler): the cycle in
    flight finishes, the lifecycle persists state and then calls `finish`.
    """

    def __init__(self, *, config: object, bot_id: str = "default") -> None:
        self._config = config
        self._bot_id = bot_id
        self._phase = RunPhase.IDLE
        self._stop_reason: str | None = None

    @property
    def config(self) -> object:
        """Return the validated settings the bot runs with."""
        return self._config

    @property
    def bot_id(self) -> str:
        return self._bot_id

    @property
    def phase(self) -> RunPhase:
        return self._phase

    @property
    def is_running(self) -> bool:
        """Return True between start and the end of a graceful stop."""
        return self._phase in {RunPhase.RUNNING, RunPhase.STOPPING}

    @property
    def stop_requested(self) -> bool:
        return self._stop_reason is not None

    @property
    def stop_reason(self) -> str | None:
        """Return the first stop reason given, or None while no stop was asked."""
        return self._stop_reason

    def start(self) -> None:
        """Enter RUNNING (STOPPING at once if a stop was asked before the start).

        Raises:
            RuntimeError: the runtime was already started.
        """
        if self._phase is not RunPhase.IDLE:
            raise RuntimeError(f"bot {self._bot_id} cannot start: it is {self._phase.value}")
        self._phase = RunPhase.STOPPING if self.stop_requested else RunPhase.RUNNING

    def stop(self, reason: str) -> None:
        """Ask the bot to finish the cycle in flight, persist its state and stop.

        The first reason wins; later requests change nothing.
        """
        if self._stop_reason is None:
            self._stop_reason = reason or "stop requested"
        if self._phase is RunPhase.RUNNING:
            self._phase = RunPhase.STOPPING

    def finish(self) -> None:
        """Mark the graceful stop complete (called once state is persisted)."""
        self._phase = RunPhase.STOPPED
