"""The lifecycle: run cycles until asked to stop, finish the cycle in flight, persist."""

from typing import Protocol

import attrs

from tradekernel.domain.ports.runtime import IBotRuntime


class ManagedRuntime(IBotRuntime, Protocol):
    """The runtime as the lifecycle drives it: `IBotRuntime` plus start and finish."""

    @property
    def stop_requested(self) -> bool: ...

    @property
    def stop_reason(self) -> str | None: ...

    def start(self) -> None: ...

    def finish(self) -> None: ...


class CycleStep(Protocol):
    def __call__(self) -> bool:
        """Run one whole cycle; return False when there is nothing more (end of replay)."""
        ...


class StatePersister(Protocol):
    def __call__(self, reason: str) -> None:
        """Persist everything a restart needs (orders are already events)."""
        ...


@attrs.frozen(kw_only=True)
class LifecycleReport:
    cycles: int
    stop_reason: str


class Lifecycle:
    """Start the runtime, loop cycles, and stop gracefully.

    Stop requests are checked only between cycles, so a cycle always runs to its end.
    Bootstrap installs the SIGINT/SIGTERM handlers and points them at `request_stop`.
    """

    def __init__(
        self,
        *,
        runtime: ManagedRuntime,
        step: CycleStep,
        persist: StatePersister,
        max_cycles: int | None = None,
    ) -> None:
        if max_cycles is not None and max_cycles < 0:
            raise ValueError(f"max_cycles must be >= 0, got {max_cycles}")
        self._runtime = runtime
        self._step = step
        self._persist = persist
        self._max_cycles = max_cycles
        self._cycles = 0

    @property
    def cycles(self) -> int:
        return self._cycles

    def request_stop(self, reason: str) -> None:
        """Ask for a graceful stop; safe from a signal handler (it only sets a flag)."""
        self._runtime.stop(reason)

    def run(self) -> LifecycleReport:
        """Run until a stop request, the end of the data or `max_cycles`; then persist.

        Raises:
            Exception: whatever a cycle raised, after the state was persisted and the
                runtime stopped with the error as its reason.
        """
        self._runtime.start()
        try:
            while not self._runtime.stop_requested:
                if self._max_cycles is not None and self._cycles >= self._max_cycles:
                    self._runtime.stop(f"max cycles reached ({self._max_cycles})")
                    break
                more = self._step()
                self._cycles += 1
                if not more:
                    self._runtime.stop("end of data")
        except BaseException as error:
            self._runtime.stop(f"error: {type(error).__name__}: {error}")
            raise
        finally:
            try:
                self._persist(self._runtime.stop_reason or "stopped")
            finally:
                self._runtime.finish()
        return LifecycleReport(cycles=self._cycles, stop_reason=self._runtime.stop_reason or "")
