"""Order events in SQLite: an append-only log, each append committed before it returns."""

import sqlite3
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

import attrs

from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.errors import DataError
from tradekernel.domain.ports.order_store import OrderEvent

_COLUMNS = "sequence, client_order_id, kind, ts_ms, payload, trade_id, quantity, price"
_Row = tuple[int, str, str, int, str, str | None, str | None, str | None]


class SqliteOrderEventStore:
    """The `order_events` table of a tradekernel database (see `database.connect`).

    The connection must be in autocommit mode (`isolation_level=None`, as `connect`
    opens it), so every INSERT is its own committed transaction. A fill whose
    (client_order_id, trade_id) is already stored is not stored again: `append` returns
    the stored event, which makes a repeated venue report harmless.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        if connection.isolation_level is not None:
            raise ValueError("SqliteOrderEventStore needs an autocommit connection")
        self._connection = connection

    def append(self, event: OrderEvent) -> OrderEvent:
        """Persist an event durably and return it with its sequence number."""
        try:
            cursor = self._connection.execute(
                "INSERT INTO order_events "
                "(client_order_id, kind, ts_ms, payload, trade_id, quantity, price) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    event.client_order_id,
                    event.kind.value,
                    event.ts_ms,
                    event.payload,
                    event.trade_id,
                    None if event.quantity is None else str(event.quantity),
                    None if event.price is None else str(event.price),
                ),
            )
        except sqlite3.IntegrityError:
            existing = self._fill(event.client_order_id, event.trade_id)
            if existing is None:
                raise
            return existing
        sequence = cursor.lastrowid
        if sequence is None:
            raise RuntimeError("SQLite returned no row id for an order event")
        return attrs.evolve(event, sequence=sequence)

    def events_for(self, client_order_id: str) -> Sequence[OrderEvent]:
        """Return an order's events in sequence order."""
        rows = self._connection.execute(
            f"SELECT {_COLUMNS} FROM order_events WHERE client_order_id = ? ORDER BY sequence",
            (client_order_id,),
        ).fetchall()
        return tuple(_event(row) for row in rows)

    def all_events(self, since_sequence: int = 0) -> Sequence[OrderEvent]:
        """Return every event after `since_sequence`, in sequence order."""
        rows = self._connection.execute(
            f"SELECT {_COLUMNS} FROM order_events WHERE sequence > ? ORDER BY sequence",
            (since_sequence,),
        ).fetchall()
        return tuple(_event(row) for row in rows)

    def _fill(self, client_order_id: str, trade_id: str | None) -> OrderEvent | None:
        if trade_id is None:
            return None
        row = self._connection.execute(
            f"SELECT {_COLUMNS} FROM order_events WHERE client_order_id = ? AND trade_id = ?",
            (client_order_id, trade_id),
        ).fetchone()
        return None if row is None else _event(row)


def _event(row: _Row) -> OrderEvent:
    sequence, client_order_id, kind, ts_ms, payload, trade_id, quantity, price = row
    try:
        return OrderEvent(
            client_order_id=client_order_id,
            kind=OrderStatus(kind),
            ts_ms=int(ts_ms),
            payload=payload,
            trade_id=trade_id,
            quantity=None if quantity is None else Decimal(quantity),
            price=None if price is None else Decimal(price),
            sequence=int(sequence),
        )
    except (ValueError, InvalidOperation) as error:
        raise DataError(
            f"order_events row {sequence} ({client_order_id}) is unreadable: {error}",
            file="order_events",
        ) from error
