"""The run journal on SQLite: buffered, batched writes so a backtest is not slowed by I/O.

Rows are buffered in memory and written with `executemany` inside one transaction when
`batch_size` rows are pending, on `flush()`, and on `finish_run()`. A reader on another
connection sees a run's rows once they are flushed.
"""

import contextlib
import json
import operator
import sqlite3
from collections.abc import Sequence
from types import TracebackType

from tradekernel.adapters.sqlite.database import database_file
from tradekernel.adapters.sqlite.rows import (
    FILL_COLUMNS,
    MANIFEST_COLUMNS,
    ORDER_COLUMNS,
    EquityRow,
    FillRow,
    OrderRow,
    equity_row,
    fill_row,
    order_row,
)
from tradekernel.adapters.sqlite.run_removal import delete_run
from tradekernel.adapters.sqlite.transaction import transaction
from tradekernel.domain.errors import StorageError
from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.ports.journal import EquityPoint, JournalEntry, RunManifest

DEFAULT_BATCH_SIZE = 5_000

_UPSERT_ORDER = (
    f"INSERT INTO orders ({ORDER_COLUMNS}) VALUES ({', '.join('?' * 15)}) "
    "ON CONFLICT (run_id, client_order_id) DO UPDATE SET "
    "symbol = excluded.symbol, side = excluded.side, order_type = excluded.order_type, "
    "quantity = excluded.quantity, price = excluded.price, stop_price = excluded.stop_price, "
    "status = excluded.status, filled_quantity = excluded.filled_quantity, "
    "average_fill_price = excluded.average_fill_price, updated_ms = excluded.updated_ms, "
    "venue_order_id = excluded.venue_order_id, reduce_only = excluded.reduce_only"
)
# A fill is a fact: the first record of a trade id wins, repeats are no-ops.
_INSERT_FILL = f"INSERT OR IGNORE INTO fills ({FILL_COLUMNS}) VALUES ({', '.join('?' * 11)})"
_UPSERT_EQUITY = "INSERT OR REPLACE INTO equity (run_id, ts_ms, equity, cash) VALUES (?, ?, ?, ?)"
_UPSERT_PLAN = (
    "INSERT OR REPLACE INTO plans (run_id, cycle_ts_ms, plan_hash, plan_json, context_json) "
    "VALUES (?, ?, ?, ?, ?)"
)
_DELETE_PLAN_ORDERS = "DELETE FROM plan_orders WHERE run_id = ? AND cycle_ts_ms = ?"
_UPSERT_PLAN_ORDER = (
    "INSERT OR REPLACE INTO plan_orders (client_order_id, run_id, cycle_ts_ms) VALUES (?, ?, ?)"
)
# The id column of the plan_orders, orders and fills rows (a batch is nearly always of one
# run, so the id alone orders it by primary key; comparing one string is 3x faster).
_BY_ID = operator.itemgetter(1)
_BY_CLIENT_ID = operator.itemgetter(0)


def plan_client_order_ids(entry: JournalEntry) -> tuple[str, ...]:
    """Return the client order ids of a recorded plan's intents, in plan order.

    Raises:
        ValueError: if the plan JSON is not an object with an `intents` list whose items
            carry a string `client_order_id`; the message names the run, cycle and key.
    """
    where = f"plan of run {entry.run_id!r} at cycle {entry.cycle_ts_ms}"
    try:
        plan = json.loads(entry.plan_json)
    except json.JSONDecodeError as error:
        raise ValueError(f"{where}: plan_json is not JSON: {error}") from error
    if not isinstance(plan, dict):
        raise ValueError(f"{where}: plan_json is not a JSON object")
    intents = plan.get("intents", [])
    if not isinstance(intents, list):
        raise ValueError(f"{where}: plan_json.intents is not a list")
    ids: list[str] = []
    for index, intent in enumerate(intents):
        client_id = intent.get("client_order_id") if isinstance(intent, dict) else None
        if not isinstance(client_id, str):
            raise ValueError(f"{where}: plan_json.intents[{index}].client_order_id is missing")
        ids.append(client_id)
    return tuple(ids)


class SqliteJournal:
    """Record runs, plans, orders, fills and equity in a tradekernel database.

    Satisfies `tradekernel.domain.ports.journal.Journal`. The connection comes from
    `tradekernel.adapters.sqlite.database.connect` and stays owned by the caller; use the
    journal as a context manager (or call `flush()`) so the last partial batch is written.
    """

    def __init__(self, connection: sqlite3.Connection, *, batch_size: int = DEFAULT_BATCH_SIZE):
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self._connection = connection
        self._batch_size = batch_size
        # Keyed by (run id, cycle): a cycle recorded twice in one batch keeps its last plan.
        self._plans: dict[tuple[str, int], tuple[tuple[str, int, str, str, str], tuple[str, ...]]]
        self._plans = {}
        self._plan_rows = 0  # plans plus their index rows, kept so counting stays O(1)
        self._orders: list[OrderRow] = []
        self._fills: list[FillRow] = []
        self._equity: list[EquityRow] = []

    def __enter__(self) -> "SqliteJournal":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Keep what was recorded before a crash, but never mask the error that ended it.
        if exc is None:
            self.flush()
            return
        with contextlib.suppress(StorageError):
            self.flush()

    @property
    def pending_rows(self) -> int:
        """Return how many rows wait in the buffer."""
        return self._plan_rows + len(self._orders) + len(self._fills) + len(self._equity)

    def start_run(self, manifest: RunManifest) -> None:
        """Record a new run; it becomes the latest run of the database.

        Raises:
            StorageError: if the database already holds a run with this id, or cannot be
                written.
        """
        self.flush()
        values = (
            manifest.run_id,
            manifest.mode,
            manifest.config_hash,
            manifest.code_version,
            manifest.data_fingerprint,
            manifest.started_ms,
            manifest.config_text,
            manifest.exchange,
            manifest.market_type,
            manifest.data_sources,
            manifest.hash_format_version,
        )
        try:
            with transaction(self._connection):
                self._connection.execute(
                    f"INSERT INTO runs ({MANIFEST_COLUMNS}, seq) VALUES "
                    f"({', '.join('?' * len(values))}, "
                    "(SELECT COALESCE(MAX(seq), 0) + 1 FROM runs))",
                    values,
                )
        except sqlite3.IntegrityError as error:
            raise StorageError(
                f"run {manifest.run_id!r} is already recorded in this database",
                path=database_file(self._connection),
            ) from error
        except sqlite3.Error as error:
            raise self._write_failure("cannot record the run", error) from error

    def forget_run(self, run_id: str) -> None:
        """Delete every record of `run_id` (for `--replace`); unknown ids are a no-op.

        Raises:
            StorageError: if the database cannot be written.
        """
        self.flush()
        try:
            delete_run(self._connection, run_id)
        except sqlite3.Error as error:
            raise self._write_failure(f"cannot remove run {run_id!r}", error) from error

    def record_plan(self, entry: JournalEntry) -> None:
        """Buffer one cycle's plan and index the client order ids of its intents.

        The ids are `entry.client_order_ids` when given (trusted to match the plan JSON,
        which is then not parsed again), else read from `entry.plan_json`. Re-recording a
        cycle of a run replaces it.

        Raises:
            ValueError: if the ids must be read and the plan JSON does not have the
                documented shape.
        """
        client_ids = entry.client_order_ids
        if client_ids is None:
            client_ids = plan_client_order_ids(entry)
        row = (
            entry.run_id,
            entry.cycle_ts_ms,
            entry.plan_hash,
            entry.plan_json,
            entry.context_json,
        )
        replaced = self._plans.pop((entry.run_id, entry.cycle_ts_ms), None)
        if replaced is not None:
            self._plan_rows -= 1 + len(replaced[1])
        self._plans[entry.run_id, entry.cycle_ts_ms] = (row, client_ids)
        self._plan_rows += 1 + len(client_ids)
        self._maybe_flush()

    def record_order(self, run_id: str, order: Order) -> None:
        """Buffer an order's latest state (the last record of a client id wins)."""
        self._orders.append(order_row(run_id, order))
        self._maybe_flush()

    def record_fill(self, run_id: str, fill: Fill) -> None:
        """Buffer a fill; a trade id already recorded for the run is ignored."""
        self._fills.append(fill_row(run_id, fill))
        self._maybe_flush()

    def record_equity(self, run_id: str, points: Sequence[EquityPoint]) -> None:
        """Buffer equity snapshots (a repeated timestamp replaces the earlier one)."""
        self._equity.extend(equity_row(run_id, point) for point in points)
        self._maybe_flush()

    def finish_run(self, run_id: str, summary_json: str) -> None:
        """Write every buffered row and mark the run finished with its summary.

        Raises:
            StorageError: if the run was never started in this database, or the database
                cannot be written.
        """
        self.flush()
        try:
            with transaction(self._connection):
                cursor = self._connection.execute(
                    "UPDATE runs SET finished = 1, summary_json = ? WHERE run_id = ?",
                    (summary_json, run_id),
                )
        except sqlite3.Error as error:
            raise self._write_failure("cannot finish the run", error) from error
        if cursor.rowcount == 0:
            raise StorageError(
                f"unknown run id {run_id!r}: start_run first",
                path=database_file(self._connection),
            )

    def flush(self) -> None:
        """Write every buffered row in one transaction.

        Raises:
            StorageError: if a plan names a run that was never started, or the database
                cannot be written (locked, full disk); nothing is written and the rows stay
                buffered.
        """
        if self.pending_rows == 0:
            return
        try:
            with transaction(self._connection):
                # Plans first: the index rows follow their plans.
                self._connection.executemany(_UPSERT_PLAN, [row for row, _ in self._plans.values()])
                # A re-recorded cycle must not keep the client ids of the plan it replaced.
                self._connection.executemany(_DELETE_PLAN_ORDERS, list(self._plans))
                # Client ids are hashes, so rows come in random key order; written in key
                # order, consecutive rows land on the same B-tree pages instead of all over
                # them. The sorts are stable: among rows of one key, the record order (and
                # so which row wins) is kept.
                index_rows = [
                    (client_id, run_id, cycle_ts_ms)
                    for (run_id, cycle_ts_ms), (_, ids) in self._plans.items()
                    for client_id in ids
                ]
                index_rows.sort(key=_BY_CLIENT_ID)
                self._connection.executemany(_UPSERT_PLAN_ORDER, index_rows)
                self._connection.executemany(_UPSERT_ORDER, sorted(self._orders, key=_BY_ID))
                self._connection.executemany(_INSERT_FILL, sorted(self._fills, key=_BY_ID))
                self._connection.executemany(_UPSERT_EQUITY, self._equity)
        except sqlite3.IntegrityError as error:
            runs = sorted({run_id for run_id, _ in self._plans})
            raise StorageError(
                f"cannot write journal rows ({error}); was start_run called for {runs}?",
                path=database_file(self._connection),
            ) from error
        except sqlite3.Error as error:
            raise self._write_failure("cannot write journal rows", error) from error
        self._plans.clear()
        self._plan_rows = 0
        self._orders.clear()
        self._fills.clear()
        self._equity.clear()

    def _maybe_flush(self) -> None:
        if self.pending_rows >= self._batch_size:
            self.flush()

    def _write_failure(self, what: str, error: sqlite3.Error) -> StorageError:
        return StorageError(f"{what}: {error}", path=database_file(self._connection))
