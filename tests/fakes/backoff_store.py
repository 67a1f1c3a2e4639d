"""An in-memory `BackoffStore` (one bot's cooldowns)."""

from tradekernel.domain.ports.backoff_store import BackoffRecord


class FakeBackoffStore:
    def __init__(self) -> None:
        self.rows: dict[str, BackoffRecord] = {}

    def load(self) -> list[BackoffRecord]:
        return [self.rows[s] for s in sorted(self.rows)]

    def save(self, record: BackoffRecord) -> None:
        self.rows[record.symbol] = record

    def clear(self, symbol: str) -> None:
        self.rows.pop(symbol, None)
