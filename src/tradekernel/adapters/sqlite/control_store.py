"""The trading-state control record in SQLite, shared by the bot and `tradekernel control`."""

import sqlite3

from tradekernel.domain.enums import TradingState
from tradekernel.domain.errors import DataError
from tradekernel.domain.ports.control_store import ControlRecord

# Not part of database.py's schema: created here, idempotently, on first use.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS trading_control (
    bot_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    reason TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    source TEXT NOT NULL
);
"""


class SqliteControlStore:
    """One row per bot; a write from another process is seen by the bot's next read."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        if connection.isolation_level is not None:
            raise ValueError("SqliteControlStore needs an autocommit connection")
        self._connection = connection
        self._connection.executescript(_SCHEMA)

    def read(self, bot_id: str) -> ControlRecord | None:
        """Return the bot's last recorded trading state, or None if none was ever set.

        Raises:
            DataError: the stored state is not a known trading state.
        """
        row = self._connection.execute(
            "SELECT state, reason, updated_ms, source FROM trading_control WHERE bot_id = ?",
            (bot_id,),
        ).fetchone()
        if row is None:
            return None
        state, reason, updated_ms, source = row
        try:
            trading_state = TradingState(state)
        except ValueError as error:
            raise DataError(
                f"trading_control row of bot {bot_id!r}: unknown state {state!r}",
                file="trading_control",
            ) from error
        return ControlRecord(
            bot_id=bot_id,
            state=trading_state,
            reason=str(reason),
            updated_ms=int(updated_ms),
            source=str(source),
        )

    def bot_ids(self) -> tuple[str, ...]:
        """Return the id of every bot whose state was ever set, sorted."""
        rows = self._connection.execute("SELECT bot_id FROM trading_control ORDER BY bot_id")
        return tuple(str(row[0]) for row in rows)

    def write(self, record: ControlRecord) -> None:
        """Persist a trading state durably, replacing the bot's previous one."""
        self._connection.execute(
            "INSERT INTO trading_control (bot_id, state, reason, updated_ms, source) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(bot_id) DO UPDATE SET "
            "state = excluded.state, reason = excluded.reason, "
            "updated_ms = excluded.updated_ms, source = excluded.source",
            (record.bot_id, record.state.value, record.reason, record.updated_ms, record.source),
        )
