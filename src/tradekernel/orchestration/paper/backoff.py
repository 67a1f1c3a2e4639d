"""Rejection backoff: after a venue refuses an order, leave the symbol alone for a while.

The strategy owns the policy (`ExecutionPolicy.backoff_base_ms` and `backoff_max_ms`);
the runner applies it through `PlanningContext.backoff_until_ms`, which the planning
gates honour with `rejection_backoff`. The wait doubles per consecutive rejection of the
symbol, up to the maximum, and resets once an order of the symbol is accepted.
"""


class RejectionBackoff:
    def __init__(self, *, base_ms: int, max_ms: int) -> None:
        if base_ms < 0 or max_ms < base_ms:
            raise ValueError(f"backoff needs 0 <= base_ms <= max_ms, got {base_ms}, {max_ms}")
        self._base_ms = base_ms
        self._max_ms = max_ms
        self._streak: dict[str, int] = {}
        self._until: dict[str, int] = {}

    def rejected(self, symbol: str, now_ms: int) -> int:
        """Record a rejection at `now_ms`; return the time until which the symbol waits."""
        streak = self._streak.get(symbol, 0) + 1
        self._streak[symbol] = streak
        wait = min(self._max_ms, self._base_ms * 2 ** min(streak - 1, 62))
        self._until[symbol] = now_ms + wait
        return self._until[symbol]

    def accepted(self, symbol: str) -> None:
        """Record an accepted order: the next rejection waits the base time again."""
        self._streak.pop(symbol, None)

    def active(self, now_ms: int) -> dict[str, int]:
        """Return the symbols still waiting at `now_ms`, with their end times, sorted."""
        return {s: t for s, t in sorted(self._until.items()) if t > now_ms}
