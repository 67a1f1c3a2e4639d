"""The journal's buffered rows and the one transaction that writes them.

`SqliteJournal` buffers rows in a `PendingRows` and hands it to `write_pending`, on its own
connection (synchronous) or on the background writer's (a backtest; see
`adapters/sqlite/background_writer.py`): either way the same statements run in the same
order with the same rows, so where a batch is written changes no stored byte.
"""

import operator
import sqlite3
from collections.abc import Sequence
from itertools import chain

import attrs

from tradekernel.adapters.sqlite.database import database_file
from tradekernel.adapters.sqlite.rows import (
    FILL_COLUMNS,
    ORDER_COLUMNS,
    EquityRow,
    FillRow,
    OrderRow,
)
from tradekernel.adapters.sqlite.transaction import transaction
from tradekernel.domain.errors import StorageError

PlanRow = tuple[str, int, str, str, str]
# A buffered plan: its row and the client order ids of its intents, keyed by (run id, cycle).
PlanRows = dict[tuple[str, int], tuple[PlanRow, tuple[str, ...]]]

# Each statement is (head, one row's placeholders, tail): `_write_many` repeats the
# placeholders to write many rows with one statement.
_UPSERT_ORDER = (
    f"INSERT INTO orders ({ORDER_COLUMNS}) VALUES ",
    f"({', '.join('?' * 15)})",
    " ON CONFLICT (run_id, client_order_id) DO UPDATE SET "
    "symbol = excluded.symbol, side = excluded.side, order_type = excluded.order_type, "
    "quantity = excluded.quantity, price = excluded.price, stop_price = excluded.stop_price, "
    "status = excluded.status, filled_quantity = excluded.filled_quantity, "
    "average_fill_price = excluded.average_fill_price, updated_ms = excluded.updated_ms, "
    "venue_order_id = excluded.venue_order_id, reduce_only = excluded.reduce_only",
)
# A fill is a fact: the first record of a trade id wins, repeats are no-ops.
_INSERT_FILL = (
    f"INSERT OR IGNORE INTO fills ({FILL_COLUMNS}) VALUES ",
    f"({', '.join('?' * 11)})",
    "",
)
_UPSERT_EQUITY = (
    "INSERT OR REPLACE INTO equity (run_id, ts_ms, equity, cash) VALUES ",
    "(?, ?, ?, ?)",
    "",
)
_UPSERT_PLAN = (
    "INSERT OR REPLACE INTO plans (run_id, cycle_ts_ms, plan_hash, plan_json, context_json) "
    "VALUES ",
    "(?, ?, ?, ?, ?)",
    "",
)
# Through the (run_id, cycle_ts_ms) index, for many cycles at once (a plain `(run_id,
# cycle_ts_ms) IN (VALUES ...)` would scan the table).
_DELETE_PLAN_ORDERS = (
    "DELETE FROM plan_orders WHERE rowid IN (SELECT p.rowid FROM (VALUES ",
    "(?, ?)",
    ") AS v JOIN plan_orders AS p ON p.run_id = v.column1 AND p.cycle_ts_ms = v.column2)",
)
_UPSERT_PLAN_ORDER = (
    "INSERT OR REPLACE INTO plan_orders (client_order_id, run_id, cycle_ts_ms) VALUES ",
    "(?, ?, ?)",
    "",
)
# Rows per statement. A multi-row statement runs many rows in one SQLite step: fewer calls
# from Python, and a background writer releases the GIL for one long step instead of many
# short ones, so the loop's thread runs meanwhile instead of waiting to hand the GIL back.
# SQLite inserts the rows of one statement in order, as `executemany` does: which record
# of a key wins does not change (and deleting is the same in any order).
ROWS_PER_STATEMENT = 500
# The id column of the plan_orders, orders and fills rows (a batch is nearly always of one
# run, so the id alone orders it by primary key; comparing one string is 3x faster).
_BY_ID = operator.itemgetter(1)
_BY_CLIENT_ID = operator.itemgetter(0)


@attrs.define(kw_only=True)
class PendingRows:
    """Rows recorded and not yet written, in record order (a plan re-recorded replaces it)."""

    plans: PlanRows = attrs.Factory(dict)
    orders: list[OrderRow] = attrs.Factory(list)
    fills: list[FillRow] = attrs.Factory(list)
    equity: list[EquityRow] = attrs.Factory(list)


def write_pending(connection: sqlite3.Connection, pending: PendingRows) -> None:
    """Write `pending` in one transaction on `connection`.

    Raises:
        StorageError: if a plan names a run that was never started, or the database cannot
            be written (locked, full disk); the transaction is rolled back, nothing written.
    """
    try:
        with transaction(connection):
            # Plans first: the index rows follow their plans.
            _write_many(connection, _UPSERT_PLAN, [row for row, _ in pending.plans.values()])
            # A re-recorded cycle must not keep the client ids of the plan it replaced.
            _write_many(connection, _DELETE_PLAN_ORDERS, list(pending.plans))
            # Client ids are hashes, so rows come in random key order; written in key
            # order, consecutive rows land on the same B-tree pages instead of all over
            # them. The sorts are stable: among rows of one key, the record order (and
            # so which row wins) is kept.
            index_rows = [
                (client_id, run_id, cycle_ts_ms)
                for (run_id, cycle_ts_ms), (_, ids) in pending.plans.items()
                for client_id in ids
            ]
            index_rows.sort(key=_BY_CLIENT_ID)
            _write_many(connection, _UPSERT_PLAN_ORDER, index_rows)
            _write_many(connection, _UPSERT_ORDER, sorted(pending.orders, key=_BY_ID))
            _write_many(connection, _INSERT_FILL, sorted(pending.fills, key=_BY_ID))
            _write_many(connection, _UPSERT_EQUITY, pending.equity)
    except sqlite3.IntegrityError as error:
        runs = sorted({run_id for run_id, _ in pending.plans})
        raise StorageError(
            f"cannot write journal rows ({error}); was start_run called for {runs}?",
            path=database_file(connection),
        ) from error
    except sqlite3.Error as error:
        raise StorageError(
            f"cannot write journal rows: {error}", path=database_file(connection)
        ) from error


def _write_many(
    connection: sqlite3.Connection,
    statement: tuple[str, str, str],
    rows: Sequence[tuple[object, ...]],
) -> None:
    head, placeholders, tail = statement
    width = placeholders.count("?")
    limit = connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per_statement = max(1, min(ROWS_PER_STATEMENT, limit // width))
    whole = len(rows) - len(rows) % per_statement
    if whole:
        many = f"{head}{', '.join([placeholders] * per_statement)}{tail}"
        for start in range(0, whole, per_statement):
            connection.execute(
                many, tuple(chain.from_iterable(rows[start : start + per_statement]))
            )
    # The rest one row a statement: one more statement text per remainder length would
    # be compiled again and again.
    if whole < len(rows):
        connection.executemany(f"{head}{placeholders}{tail}", rows[whole:])
