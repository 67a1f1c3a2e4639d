"""The read side of the run journal, for the `explain` and `replay` commands."""

import sqlite3

from tradekernel.adapters.sqlite.rows import (
    FILL_COLUMNS,
    MANIFEST_COLUMNS,
    ORDER_COLUMNS,
    equity_from_row,
    fill_from_row,
    manifest_from_row,
    order_from_row,
)
from tradekernel.domain.errors import ConfigError, OrderNotFound
from tradekernel.domain.orders import Fill, Order
from tradekernel.domain.ports.journal import EquityPoint, JournalEntry, RunManifest

_PLAN_COLUMNS = "run_id, cycle_ts_ms, plan_hash, plan_json, context_json"


def _entry(row: sqlite3.Row) -> JournalEntry:
    return JournalEntry(
        run_id=row["run_id"],
        cycle_ts_ms=int(row["cycle_ts_ms"]),
        plan_hash=row["plan_hash"],
        plan_json=row["plan_json"],
        context_json=row["context_json"],
    )


def _unknown_run(run_id: str) -> ConfigError:
    return ConfigError(f"unknown run id {run_id!r} in this database", path="--run")


class SqliteRunReader:
    """Query recorded runs. Sees what a `SqliteJournal` has flushed, not its buffer."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def _query(self, sql: str, parameters: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        # The row factory is set on the cursor, not the connection, which others share.
        cursor = self._connection.cursor()
        cursor.row_factory = sqlite3.Row
        return list(cursor.execute(sql, parameters))

    def _require_run(self, run_id: str) -> None:
        if not self._query("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)):
            raise _unknown_run(run_id)

    def run_ids(self) -> tuple[str, ...]:
        """Return every recorded run id, oldest first."""
        return tuple(row["run_id"] for row in self._query("SELECT run_id FROM runs ORDER BY seq"))

    def latest_run_id(self) -> str:
        """Return the id of the most recently started run.

        Raises:
            ConfigError: if the database holds no run.
        """
        rows = self._query("SELECT run_id FROM runs ORDER BY seq DESC LIMIT 1")
        if not rows:
            raise ConfigError("the database holds no run yet; run a backtest first", path="--db")
        return str(rows[0]["run_id"])

    def run_manifest(self, run_id: str) -> RunManifest:
        """Return the manifest a run was started with.

        Raises:
            ConfigError: if the run id is unknown.
        """
        rows = self._query(f"SELECT {MANIFEST_COLUMNS} FROM runs WHERE run_id = ?", (run_id,))
        if not rows:
            raise _unknown_run(run_id)
        return manifest_from_row(rows[0])

    def run_summary(self, run_id: str) -> str | None:
        """Return the summary JSON of a finished run, or None while it is unfinished.

        Raises:
            ConfigError: if the run id is unknown.
        """
        self._require_run(run_id)
        row = self._query("SELECT finished, summary_json FROM runs WHERE run_id = ?", (run_id,))[0]
        return str(row["summary_json"]) if row["finished"] else None

    def run_rows(self) -> list[tuple[RunManifest, bool, str]]:
        """Return (manifest, finished, summary JSON) of every run, newest first."""
        rows = self._query(
            f"SELECT {MANIFEST_COLUMNS}, finished, summary_json FROM runs ORDER BY seq DESC"
        )
        return [
            (manifest_from_row(row), bool(row["finished"]), str(row["summary_json"]))
            for row in rows
        ]

    def fills(self, run_id: str) -> list[Fill]:
        """Return a run's fills in time order.

        Raises:
            ConfigError: if the run id is unknown.
        """
        self._require_run(run_id)
        rows = self._query(
            f"SELECT {FILL_COLUMNS} FROM fills WHERE run_id = ? ORDER BY ts_ms, trade_id",
            (run_id,),
        )
        return [fill_from_row(row) for row in rows]

    def plan_order_ids(self, run_id: str) -> dict[int, tuple[str, ...]]:
        """Return the client order ids each cycle's plan named, by cycle time."""
        rows = self._query(
            "SELECT cycle_ts_ms, client_order_id FROM plan_orders WHERE run_id = ? "
            "ORDER BY cycle_ts_ms, client_order_id",
            (run_id,),
        )
        named: dict[int, list[str]] = {}
        for row in rows:
            named.setdefault(int(row["cycle_ts_ms"]), []).append(str(row["client_order_id"]))
        return {cycle: tuple(ids) for cycle, ids in named.items()}

    def cycle_span(self, run_id: str) -> tuple[int, int | None]:
        """Return (recorded plans, the latest cycle time of a plan or equity snapshot, or None)."""
        row = self._query(
            "SELECT COUNT(*) AS n, MAX(cycle_ts_ms) AS last FROM plans WHERE run_id = ?",
            (run_id,),
        )[0]
        valued = self._query("SELECT MAX(ts_ms) AS last FROM equity WHERE run_id = ?", (run_id,))
        times = [int(value) for value in (row["last"], valued[0]["last"]) if value is not None]
        return int(row["n"]), max(times) if times else None

    def plans(self, run_id: str) -> list[JournalEntry]:
        """Return a run's recorded plans in cycle order.

        Raises:
            ConfigError: if the run id is unknown.
        """
        self._require_run(run_id)
        rows = self._query(
            f"SELECT {_PLAN_COLUMNS} FROM plans WHERE run_id = ? ORDER BY cycle_ts_ms", (run_id,)
        )
        return [_entry(row) for row in rows]

    def find_order(self, client_order_id: str, run_id: str | None = None) -> tuple[str, Order]:
        """Return (run id, latest recorded state) of an order.

        With `run_id` None, the latest run that recorded this client order id is used.

        Raises:
            OrderNotFound: if no (such) run recorded the order.
            ConfigError: if `run_id` is given and unknown.
        """
        if run_id is not None:
            self._require_run(run_id)
            sql = f"SELECT {ORDER_COLUMNS} FROM orders WHERE client_order_id = ? AND run_id = ?"
            rows = self._query(sql, (client_order_id, run_id))
        else:
            sql = (
                f"SELECT {', '.join('o.' + c.strip() for c in ORDER_COLUMNS.split(','))} "
                "FROM orders AS o JOIN runs AS r ON r.run_id = o.run_id "
                "WHERE o.client_order_id = ? ORDER BY r.seq DESC LIMIT 1"
            )
            rows = self._query(sql, (client_order_id,))
        if not rows:
            scope = f"run {run_id!r}" if run_id is not None else "any recorded run"
            raise OrderNotFound(
                f"order {client_order_id!r} is not recorded in {scope}",
                client_order_id=client_order_id,
            )
        return str(rows[0]["run_id"]), order_from_row(rows[0])

    def fills_for_order(self, client_order_id: str, run_id: str | None = None) -> list[Fill]:
        """Return an order's fills in time order (empty if it never filled).

        With `run_id` None, the fills of the latest run that recorded fills for it.

        Raises:
            ConfigError: if `run_id` is given and unknown.
        """
        if run_id is None:
            latest = self._query(
                "SELECT f.run_id FROM fills AS f JOIN runs AS r ON r.run_id = f.run_id "
                "WHERE f.client_order_id = ? ORDER BY r.seq DESC LIMIT 1",
                (client_order_id,),
            )
            if not latest:
                return []
            run_id = str(latest[0]["run_id"])
        else:
            self._require_run(run_id)
        rows = self._query(
            f"SELECT {FILL_COLUMNS} FROM fills WHERE client_order_id = ? AND run_id = ? "
            "ORDER BY ts_ms, trade_id",
            (client_order_id, run_id),
        )
        return [fill_from_row(row) for row in rows]

    def orders(self, run_id: str) -> list[Order]:
        """Return the latest recorded state of each order of a run, by client order id.

        Raises:
            ConfigError: if the run id is unknown.
        """
        self._require_run(run_id)
        rows = self._query(
            f"SELECT {ORDER_COLUMNS} FROM orders WHERE run_id = ? ORDER BY client_order_id",
            (run_id,),
        )
        return [order_from_row(row) for row in rows]

    def equity(self, run_id: str) -> list[EquityPoint]:
        """Return a run's equity snapshots in time order.

        Raises:
            ConfigError: if the run id is unknown.
        """
        self._require_run(run_id)
        rows = self._query(
            "SELECT ts_ms, equity, cash FROM equity WHERE run_id = ? ORDER BY ts_ms", (run_id,)
        )
        return [equity_from_row(row) for row in rows]

    def plan_containing_order(self, run_id: str, client_order_id: str) -> JournalEntry:
        """Return the recorded plan whose intents name `client_order_id`.

        Raises:
            ConfigError: if the run id is unknown.
            OrderNotFound: if no plan of the run names that client order id.
        """
        self._require_run(run_id)
        rows = self._query(
            f"SELECT {', '.join('p.' + c.strip() for c in _PLAN_COLUMNS.split(','))} "
            "FROM plan_orders AS i JOIN plans AS p "
            "ON p.run_id = i.run_id AND p.cycle_ts_ms = i.cycle_ts_ms "
            "WHERE i.run_id = ? AND i.client_order_id = ?",
            (run_id, client_order_id),
        )
        if not rows:
            raise OrderNotFound(
                f"no plan of run {run_id!r} names order {client_order_id!r}",
                client_order_id=client_order_id,
            )
        return _entry(rows[0])
