"""Per-symbol rejection backoff: an exponential entry cooldown that survives a restart.

The strategy declares the numbers (`ExecutionPolicy.backoff_base_ms`, `backoff_max_ms`);
the runner records each rejected entry and gives the kernel the map of cooldowns
(`PlanningContext.backoff_until_ms`). The planning gates skip new entries of a symbol in
cooldown; close and reduce intents pass the gates untouched, so a cooldown never keeps
the bot from getting out of a position.
"""

from collections.abc import Mapping

from tradekernel.domain.ports.backoff_store import BackoffRecord, BackoffStore
from tradekernel.domain.ports.clock import Clock


def cooldown_ms(failures: int, *, base_ms: int, max_ms: int) -> int:
    """Return the cooldown after `failures` consecutive rejections: base * 2^(n-1), capped.

    Raises:
        ValueError: `failures` < 1 or a bound is not positive.
    """
    if failures < 1:
        raise ValueError(f"failures must be >= 1, got {failures}")
    if base_ms <= 0 or max_ms <= 0:
        raise ValueError(f"backoff bounds must be positive, got base {base_ms}, max {max_ms}")
    # Capping the exponent first keeps a long streak from building a huge integer.
    exponent = min(failures - 1, 62)
    return min(max_ms, base_ms * (1 << exponent))


class RejectionBackoff:
    """The cooldowns of one bot, read from the store at start and written on each change."""

    def __init__(self, *, store: BackoffStore, clock: Clock, base_ms: int, max_ms: int) -> None:
        cooldown_ms(1, base_ms=base_ms, max_ms=max_ms)  # validates the bounds
        self._store = store
        self._clock = clock
        self._base_ms = base_ms
        self._max_ms = max_ms
        self._records: dict[str, BackoffRecord] = {r.symbol: r for r in store.load()}

    def record_rejection(self, symbol: str, reason: str) -> BackoffRecord:
        """Count one more rejected entry of `symbol` and start (or lengthen) its cooldown."""
        now = self._clock.now_ms()
        previous = self._records.get(symbol)
        failures = 1 if previous is None else previous.failures + 1
        record = BackoffRecord(
            symbol=symbol,
            failures=failures,
            until_ms=now + cooldown_ms(failures, base_ms=self._base_ms, max_ms=self._max_ms),
            reason=reason,
            updated_ms=now,
        )
        self._store.save(record)
        self._records[symbol] = record
        return record

    def record_success(self, symbol: str) -> None:
        """Reset the symbol's streak after an entry the venue accepted."""
        if symbol in self._records:
            self._store.clear(symbol)
            del self._records[symbol]

    def until_ms(self) -> Mapping[str, int]:
        """Return the cooldown end of every symbol still cooling down, by symbol."""
        now = self._clock.now_ms()
        return {s: r.until_ms for s, r in sorted(self._records.items()) if r.until_ms > now}

    def records(self) -> tuple[BackoffRecord, ...]:
        return tuple(r for _, r in sorted(self._records.items()))
