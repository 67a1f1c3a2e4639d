"""The market data port."""

from collections.abc import Sequence
from typing import Protocol

from tradekernel.domain.market import Bar, MarkPrice, SymbolRules


class MarketDataPort(Protocol):
    def fetch_bars(self, symbol: str, timeframe: str, since_ms: int, limit: int) -> Sequence[Bar]:
        """Return closed bars from `since_ms`, oldest first, at most `limit`."""
        ...

    def fetch_mark(self, symbol: str) -> MarkPrice:
        """Return the latest mark price."""
        ...

    def symbol_rules(self, symbol: str) -> SymbolRules:
        """Return the venue's trading rules for a symbol. Raises DataError if unknown."""
        ...
