"""The wall clock, for paper and live runs only: planning code receives time as data."""

import time


class SystemClock:
    """Read UTC epoch milliseconds from the operating system."""

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000
