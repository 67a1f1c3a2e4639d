"""The real sleeper, for paced replays: orchestration waits through the `Sleeper` port."""

import time


class SystemSleeper:
    """Satisfy `Sleeper` by sleeping the calling thread."""

    def sleep_ms(self, duration_ms: int) -> None:
        if duration_ms > 0:
            time.sleep(duration_ms / 1000)
