"""The run journal on SQLite: buffered, batched writes so a backtest is not slowed by I/O.

Rows are buffered in memory and written with `executemany` inside one transaction when
`batch_size` rows are pending, on `flush()`, and on `finish_run()`. A reader on another
connection sees a run's rows once they are flushed.

With a background writer (`writer`, a backtest's: its records are not a write-ahead log)
a full batch is handed to a second thread and the caller goes on at once; `flush()`,
`start_run()`, `forget_run()`, `finish_run()` and the end of the `with` block wait until
every handed batch is written, and raise a failure of the writer as a `StorageError`.
"""

import json
import sqlite3
from collections.abc import Callable, Sequence
from types import TracebackType

from tradekernel.adapters.sqlite.background_writer import BackgroundWriter
from tradekernel.adapters.sqlite.database import database_file
from tradekernel.adapters.sqlite.journal_rows import PendingRows, write_pending
from tradekernel.adapters.sqlite.rows import (
    MANIFEST_COLUMNS,
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
# With a background writer up to three batches are alive at once (one being written, one
# queued, one being recorded): smaller ones keep the peak memory near a synchronous
# journal's. Not much smaller: each commit writes the pages it touched again (the
# plan_orders index is keyed by hashes): on the 1M-bar run 1,000-row batches took 0.4 s
# more system CPU than 5,000-row ones, 2,500-row ones 0.2 s more and 6 MiB more memory.
BACKGROUND_BATCH_SIZE = 2_500


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
    journal as a context manager (or call `close()`) so the last partial batch is written.
    `writer` opens a second connection to the same database for a background writer (see
    the module docstring); None writes every batch on the caller's thread.
    """

    def __init__(
        self,
        connection: sqlite3.Connection,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        writer: Callable[[], sqlite3.Connection] | None = None,
    ):
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self._connection = connection
        self._batch_size = batch_size
        self._writer = (
            None
            if writer is None
            else BackgroundWriter(writer, write_pending, name="tradekernel-journal-writer")
        )
        self._pending = PendingRows()
        # Every buffered row (a plan with its index rows), counted as recorded: the batch
        # check after each record reads one integer.
        self._rows = 0

    def __enter__(self) -> "SqliteJournal":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Keep what was recorded before a crash, but never mask the error that ended it.
        try:
            self.flush()
        except StorageError:
            if exc is None:
                raise
        finally:
            if self._writer is not None:
                self._writer.stop()

    def close(self) -> None:
        """Write every buffered row and end the background writer's thread, if any.

        The journal can record again afterwards (a new writer thread starts on demand).

        Raises:
            StorageError: as `flush`.
        """
        try:
            self.flush()
        finally:
            if self._writer is not None:
                self._writer.stop()

    @property
    def pending_rows(self) -> int:
        """Return how many rows wait in the buffer."""
        return self._rows

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
        # Keyed by (run id, cycle): a cycle recorded twice in one batch keeps its last plan.
        plans = self._pending.plans
        replaced = plans.pop((entry.run_id, entry.cycle_ts_ms), None)
        if replaced is not None:
            self._rows -= 1 + len(replaced[1])
        plans[entry.run_id, entry.cycle_ts_ms] = (row, client_ids)
        self._rows += 1 + len(client_ids)
        self._maybe_flush()

    def record_order(self, run_id: str, order: Order) -> None:
        """Buffer an order's latest state (the last record of a client id wins)."""
        self._pending.orders.append(order_row(run_id, order))
        self._rows += 1
        self._maybe_flush()

    def record_fill(self, run_id: str, fill: Fill) -> None:
        """Buffer a fill; a trade id already recorded for the run is ignored."""
        self._pending.fills.append(fill_row(run_id, fill))
        self._rows += 1
        self._maybe_flush()

    def record_equity(self, run_id: str, points: Sequence[EquityPoint]) -> None:
        """Buffer equity snapshots (a repeated timestamp replaces the earlier one)."""
        self._pending.equity.extend(equity_row(run_id, point) for point in points)
        self._rows += len(points)
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

        With a background writer, hand the rows to it and wait until every batch handed
        to it is written.

        Raises:
            StorageError: if a plan names a run that was never started, or the database
                cannot be written (locked, full disk). Without a background writer nothing
                of the batch is written and the rows stay buffered; with one, the failed
                batch and those handed after it are not written, and every later write
                raises again.
        """
        if self._writer is not None:
            self._hand_off(self._writer)
            self._writer.drain()
            return
        if self._rows == 0:
            return
        write_pending(self._connection, self._pending)
        self._pending = PendingRows()
        self._rows = 0

    def _hand_off(self, writer: BackgroundWriter[PendingRows]) -> None:
        if self._rows == 0:
            return
        # The writer's thread owns the handed rows from now on: record into new buffers.
        pending, self._pending = self._pending, PendingRows()
        self._rows = 0
        writer.submit(pending)

    def _maybe_flush(self) -> None:
        if self._rows >= self._batch_size:
            if self._writer is not None:
                self._hand_off(self._writer)
            else:
                self.flush()

    def _write_failure(self, what: str, error: sqlite3.Error) -> StorageError:
        return StorageError(f"{what}: {error}", path=database_file(self._connection))
