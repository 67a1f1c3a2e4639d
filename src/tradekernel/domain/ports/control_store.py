"""The trading-state control store: how `tradekernel control` reaches a running bot."""

from typing import Protocol

import attrs

from tradekernel.domain.enums import TradingState


@attrs.frozen(kw_only=True)
class ControlRecord:
    """The trading state an operator (or the bot itself) last set for one bot."""

    bot_id: str
    state: TradingState
    reason: str
    updated_ms: int
    source: str = "cli"


class ControlStore(Protocol):
    def read(self, bot_id: str) -> ControlRecord | None:
        """Return the bot's last recorded trading state, or None if none was ever set."""
        ...

    def write(self, record: ControlRecord) -> None:
        """Persist a trading state durably, replacing the bot's previous one."""
        ...
