"""Riding out a venue's ban: how long to wait, and when waiting is no longer worth it.

A ban (HTTP 418) ends at the venue's "banned until" or its Retry-After (the adapter
reads both, see `adapters/ccxt/errors.py`); the live loop sends nothing until then,
reconciles and resumes. A ban streak lasting past `max_wait_ms` (counted from the first
ban of the streak) ends the run instead: a human should look.
"""

import attrs

from tradekernel.domain.errors import Banned

# A venue that names no end: probe again after this long (the next 418 may say more).
UNKNOWN_END_MS = 60_000


@attrs.frozen(kw_only=True)
class BanWait:
    """One ban to wait out: from `now_ms` to `until_ms`."""

    now_ms: int
    until_ms: int

    @property
    def wait_ms(self) -> int:
        return max(0, self.until_ms - self.now_ms)


class BanWatch:
    """Decide each ban's wait, and count the bans and the time waited (session telemetry)."""

    def __init__(self, *, max_wait_ms: int) -> None:
        if max_wait_ms < 0:
            raise ValueError(f"max_wait_ms must be >= 0, got {max_wait_ms}")
        self._max_wait_ms = max_wait_ms
        self._streak_start_ms: int | None = None
        self.bans = 0
        self.waited_ms = 0
        self.resume_due = False

    def on_ban(self, error: Banned, now_ms: int) -> BanWait | None:
        """Return the wait for a ban, or None when it would end past the allowed maximum."""
        until = error.until_ms if error.until_ms is not None else now_ms + UNKNOWN_END_MS
        start = now_ms if self._streak_start_ms is None else self._streak_start_ms
        if until - start > self._max_wait_ms:
            return None
        self._streak_start_ms = start
        self.bans += 1
        self.resume_due = True
        wait = BanWait(now_ms=now_ms, until_ms=until)
        self.waited_ms += wait.wait_ms
        return wait

    def resumed(self) -> None:
        """Note that the venue answered again after a ban: the streak is over."""
        self._streak_start_ms = None
        self.resume_due = False

    def summary(self) -> dict[str, str | int | None]:
        """Return the bans of the session for its summary."""
        return {"bans": self.bans, "ban_wait_s": f"{self.waited_ms / 1000:.1f}"}
