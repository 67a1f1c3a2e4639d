"""The market clock of a replay: the time of the bar being processed, set by the runner."""


class MarketClock:
    """A `Clock` that reads the replay's current bar time (UTC epoch milliseconds).

    In a replay the wall clock says nothing about the market: order events, the OMS's
    grace periods and equity snapshots are stamped in market time instead, so a replay
    at any speed records the same times.
    """

    def __init__(self, start_ms: int = 0) -> None:
        self._now_ms = start_ms

    def now_ms(self) -> int:
        return self._now_ms

    def set(self, now_ms: int) -> None:
        """Move to `now_ms`; time never goes back.

        Raises:
            ValueError: `now_ms` is before the current time.
        """
        if now_ms < self._now_ms:
            raise ValueError(f"market time goes back: {now_ms} < {self._now_ms}")
        self._now_ms = now_ms
