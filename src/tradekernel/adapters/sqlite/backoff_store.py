"""Per-symbol rejection backoff in SQLite, so a restart keeps every cooldown."""

import sqlite3
from collections.abc import Sequence

from tradekernel.domain.errors import DataError
from tradekernel.domain.ports.backoff_store import BackoffRecord

# Not part of database.py's schema: created here, idempotently, on first use.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS rejection_backoff (
    bot_id TEXT NOT NULL,
    symbol TEXT NOT NULL,
    failures INTEGER NOT NULL,
    until_ms INTEGER NOT NULL,
    reason TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (bot_id, symbol)
);
"""


class SqliteBackoffStore:
    """One row per (bot, symbol); every write is committed before it returns."""

    def __init__(self, connection: sqlite3.Connection, *, bot_id: str = "default") -> None:
        """Create the table if needed.

        Raises:
            ValueError: the connection is not in autocommit mode.
        """
        if connection.isolation_level is not None:
            raise ValueError("SqliteBackoffStore needs an autocommit connection")
        self._connection = connection
        self._bot_id = bot_id
        self._connection.executescript(_SCHEMA)

    def load(self) -> Sequence[BackoffRecord]:
        """Return every stored cooldown of the bot, sorted by symbol.

        Raises:
            DataError: a row holds a negative failure count.
        """
        rows = self._connection.execute(
            "SELECT symbol, failures, until_ms, reason, updated_ms FROM rejection_backoff "
            "WHERE bot_id = ? ORDER BY symbol",
            (self._bot_id,),
        ).fetchall()
        records = []
        for symbol, failures, until_ms, reason, updated_ms in rows:
            if int(failures) < 0:
                raise DataError(
                    f"rejection_backoff row {self._bot_id}/{symbol}: failures {failures} < 0",
                    file="rejection_backoff",
                )
            records.append(
                BackoffRecord(
                    symbol=str(symbol),
                    failures=int(failures),
                    until_ms=int(until_ms),
                    reason=str(reason),
                    updated_ms=int(updated_ms),
                )
            )
        return records

    def save(self, record: BackoffRecord) -> None:
        """Persist a symbol's cooldown, replacing its previous one."""
        self._connection.execute(
            "INSERT INTO rejection_backoff (bot_id, symbol, failures, until_ms, reason, "
            "updated_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(bot_id, symbol) DO UPDATE SET "
            "failures = excluded.failures, until_ms = excluded.until_ms, "
            "reason = excluded.reason, updated_ms = excluded.updated_ms",
            (
                self._bot_id,
                record.symbol,
                record.failures,
                record.until_ms,
                record.reason,
                record.updated_ms,
            ),
        )

    def clear(self, symbol: str) -> None:
        """Forget a symbol's cooldown."""
        self._connection.execute(
            "DELETE FROM rejection_backoff WHERE bot_id = ? AND symbol = ?",
            (self._bot_id, symbol),
        )
