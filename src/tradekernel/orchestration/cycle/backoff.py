"""Per-symbol rejection backoff: an exponential entry cooldown, the same in every mode.

The strategy declares the numbers (`ExecutionPolicy.backoff_base_ms`, `backoff_max_ms`);
the cycle runner records each rejected entry and gives the kernel the map of cooldowns
(`PlanningContext.backoff_until_ms`). The planning gates skip new entries of a symbol in
cooldown; close and reduce intents pass the gates untouched, so a cooldown never keeps
the bot from getting out of a position.

Times are the cycle's time (the bar the kernel plans on), passed in by the caller, never
read from a clock: a backtest, a paper replay and a live bot that see the same rejection
at the same bar back off until the same bar. With a `BackoffStore` (live) every change is
written through, so a restarted bot keeps its cooldowns.
"""

from collections.abc import Sequence

from tradekernel.domain.ports.backoff_store import BackoffRecord, BackoffStore


def cooldown_ms(failures: int, *, base_ms: int, max_ms: int) -> int:
    """Return the cooldown after `failures` consecutive rejections: base * 2^(n-1), capped.

    Raises:
        ValueError: `failures` < 1, or the bounds are not 0 <= base_ms <= max_ms.
    """
    if failures < 1:
        raise ValueError(f"failures must be >= 1, got {failures}")
    if base_ms < 0 or max_ms < base_ms:
        raise ValueError(f"backoff needs 0 <= base_ms <= max_ms, got {base_ms}, {max_ms}")
    # Capping the exponent first keeps a long streak from building a huge integer.
    return min(max_ms, base_ms * (1 << min(failures - 1, 62)))


class RejectionBackoff:
    """The cooldowns of one bot; written through to `store` when one is given."""

    def __init__(self, *, base_ms: int, max_ms: int, store: BackoffStore | None = None) -> None:
        cooldown_ms(1, base_ms=base_ms, max_ms=max_ms)  # validates the bounds
        self._base_ms = base_ms
        self._max_ms = max_ms
        self._store = store
        loaded: Sequence[BackoffRecord] = store.load() if store is not None else ()
        self._records: dict[str, BackoffRecord] = {r.symbol: r for r in loaded}

    def rejected(self, symbol: str, now_ms: int, reason: str = "rejected") -> BackoffRecord:
        """Count one more rejected entry of `symbol` at `now_ms`; start or lengthen its cooldown."""
        previous = self._records.get(symbol)
        failures = 1 if previous is None else previous.failures + 1
        record = BackoffRecord(
            symbol=symbol,
            failures=failures,
            until_ms=now_ms + cooldown_ms(failures, base_ms=self._base_ms, max_ms=self._max_ms),
            reason=reason,
            updated_ms=now_ms,
        )
        if self._store is not None:
            self._store.save(record)
        self._records[symbol] = record
        return record

    def accepted(self, symbol: str) -> None:
        """Reset the symbol's streak after an entry the venue accepted."""
        if symbol in self._records:
            if self._store is not None:
                self._store.clear(symbol)
            del self._records[symbol]

    def until(self, now_ms: int) -> dict[str, int]:
        """Return the cooldown end of every symbol still cooling down at `now_ms`, sorted."""
        return {s: r.until_ms for s, r in sorted(self._records.items()) if r.until_ms > now_ms}

    def records(self) -> tuple[BackoffRecord, ...]:
        """Return every symbol's streak, sorted by symbol."""
        return tuple(r for _, r in sorted(self._records.items()))
