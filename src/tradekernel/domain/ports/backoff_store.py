"""The rejection backoff store: per-symbol entry cooldowns that survive a restart."""

from collections.abc import Sequence
from typing import Protocol

import attrs


@attrs.frozen(kw_only=True)
class BackoffRecord:
    """One symbol's cooldown: `failures` consecutive rejections, no new entry before
    `until_ms`. `reason` is the last rejection's message."""

    symbol: str
    failures: int
    until_ms: int
    reason: str
    updated_ms: int


class BackoffStore(Protocol):
    def load(self) -> Sequence[BackoffRecord]:
        """Return every stored cooldown, sorted by symbol."""
        ...

    def save(self, record: BackoffRecord) -> None:
        """Persist a symbol's cooldown durably, replacing its previous one."""
        ...

    def clear(self, symbol: str) -> None:
        """Forget a symbol's cooldown (after an accepted entry)."""
        ...
