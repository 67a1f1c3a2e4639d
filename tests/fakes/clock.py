"""A settable clock for tests: time moves only when the test says so."""


class FakeClock:
    """Satisfies `tradekernel.domain.ports.clock.Clock`."""

    def __init__(self, start_ms: int = 1_700_000_000_000) -> None:
        self._now_ms = start_ms

    def now_ms(self) -> int:
        return self._now_ms

    def advance(self, delta_ms: int) -> int:
        """Move time forward by `delta_ms` and return the new time."""
        if delta_ms < 0:
            raise ValueError(f"time never goes back: advance({delta_ms})")
        self._now_ms += delta_ms
        return self._now_ms

    def set(self, now_ms: int) -> None:
        self._now_ms = now_ms
