"""Replay pacing: 0 is as fast as possible, N is N times real time, on injected ports."""

from tradekernel.domain.ports.clock import Clock
from tradekernel.domain.ports.sleeper import Sleeper


class Pacer:
    """Wait until the wall clock reaches a bar's replay time.

    The first bar anchors the replay: bar time t is due at
    `anchor_wall + (t - anchor_bar) / speed`. Pacing against the anchor (not bar to bar)
    keeps slow cycles from accumulating drift.
    """

    def __init__(self, *, speed: float, clock: Clock, sleeper: Sleeper) -> None:
        if not speed >= 0 or speed == float("inf"):
            raise ValueError(f"speed must be a finite number >= 0, got {speed}")
        self._speed = speed
        self._clock = clock
        self._sleeper = sleeper
        self._anchor: tuple[int, int] | None = None

    def wait_for(self, bar_ts_ms: int) -> int:
        """Sleep until the bar is due; return how long it slept, in milliseconds."""
        if self._speed == 0:
            return 0
        now = self._clock.now_ms()
        if self._anchor is None:
            self._anchor = (now, bar_ts_ms)
            return 0
        wall, bar = self._anchor
        due = wall + int((bar_ts_ms - bar) / self._speed)
        delay = due - now
        if delay <= 0:
            return 0
        self._sleeper.sleep_ms(delay)
        return delay
