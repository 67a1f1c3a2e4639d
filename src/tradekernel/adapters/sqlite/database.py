"""Opening the embedded SQLite store and keeping its schema current."""

import sqlite3
from pathlib import Path

from tradekernel.domain.errors import StorageError

SCHEMA_VERSION = 4

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_info (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    mode TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    code_version TEXT NOT NULL,
    data_fingerprint TEXT NOT NULL,
    started_ms INTEGER NOT NULL,
    config_text TEXT NOT NULL DEFAULT '',
    exchange TEXT NOT NULL DEFAULT '',
    market_type TEXT NOT NULL DEFAULT '',
    finished INTEGER NOT NULL DEFAULT 0,
    summary_json TEXT NOT NULL DEFAULT '{}',
    seq INTEGER
);
CREATE TABLE IF NOT EXISTS plans (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    cycle_ts_ms INTEGER NOT NULL,
    plan_hash TEXT NOT NULL,
    plan_json TEXT NOT NULL,
    context_json TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, cycle_ts_ms)
);
CREATE TABLE IF NOT EXISTS orders (
    run_id TEXT NOT NULL,
    client_order_id TEXT NOT NULL,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL,
    order_type TEXT NOT NULL,
    quantity TEXT NOT NULL,
    price TEXT,
    stop_price TEXT,
    status TEXT NOT NULL,
    filled_quantity TEXT NOT NULL,
    average_fill_price TEXT,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (run_id, client_order_id)
);
CREATE TABLE IF NOT EXISTS fills (
    run_id TEXT NOT NULL,
    trade_id TEXT NOT NULL,
    client_order_id TEXT NOT NULL,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL,
    quantity TEXT NOT NULL,
    price TEXT NOT NULL,
    fee TEXT NOT NULL,
    fee_asset TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    liquidity TEXT NOT NULL,
    PRIMARY KEY (run_id, trade_id)
);
CREATE INDEX IF NOT EXISTS fills_by_order ON fills (client_order_id);
CREATE TABLE IF NOT EXISTS equity (
    run_id TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    equity TEXT NOT NULL,
    cash TEXT NOT NULL,
    PRIMARY KEY (run_id, ts_ms)
);
CREATE TABLE IF NOT EXISTS order_events (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    client_order_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    payload TEXT NOT NULL,
    trade_id TEXT,
    quantity TEXT,
    price TEXT
);
CREATE INDEX IF NOT EXISTS order_events_by_order ON order_events (client_order_id, sequence);
CREATE UNIQUE INDEX IF NOT EXISTS order_events_fill_once
    ON order_events (client_order_id, trade_id) WHERE trade_id IS NOT NULL;
"""

# Each step takes a database at version N to N + 1 (the index is N - 1). The base schema
# above is the version-1 shape; a fresh database runs every step too, so there is one path.
_MIGRATIONS: tuple[str, ...] = (
    # 1 -> 2: the explain index (which plan named a client order id) and the order fields
    # the version-1 table dropped, so a recorded Order reads back equal to what was written.
    """
    CREATE TABLE IF NOT EXISTS plan_orders (
        client_order_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        cycle_ts_ms INTEGER NOT NULL,
        PRIMARY KEY (client_order_id, run_id)
    );
    ALTER TABLE orders ADD COLUMN venue_order_id TEXT;
    ALTER TABLE orders ADD COLUMN reduce_only INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX IF NOT EXISTS orders_by_client_id ON orders (client_order_id);
    CREATE INDEX IF NOT EXISTS runs_by_seq ON runs (seq);
    """,
    # 2 -> 3: where a run's bars came from (symbol -> path and sha256), so `replay` can
    # reload exactly the data a run decided on; and an index for replacing a cycle's
    # plan-order rows, which otherwise scans the whole table once per recorded plan.
    """
    ALTER TABLE runs ADD COLUMN data_sources TEXT NOT NULL DEFAULT '{}';
    CREATE INDEX IF NOT EXISTS plan_orders_by_cycle ON plan_orders (run_id, cycle_ts_ms);
    """,
    # 3 -> 4: the canonical-JSON format a run's plan hashes were written in. Every run
    # recorded before this column existed was hashed under format 1 (cattrs then json).
    """
    ALTER TABLE runs ADD COLUMN hash_format_version TEXT NOT NULL DEFAULT '1';
    """,
)


def _stored_version(connection: sqlite3.Connection) -> int | None:
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_info'"
    ).fetchone()
    if exists is None:
        return None
    row = connection.execute("SELECT MAX(version) FROM schema_info").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _refuse_foreign(connection: sqlite3.Connection, path: str | Path) -> None:
    # A database without schema_info is new (empty) or another program's: tradekernel's
    # tables must not be added to someone else's file.
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name LIMIT 3"
        )
    ]
    if tables:
        raise StorageError(
            f"not a tradekernel database: it holds other tables ({', '.join(tables)}) and no "
            "schema_info; use another --db",
            path=str(path),
        )


def _migrate(connection: sqlite3.Connection, version: int | None) -> None:
    current = 1 if version is None else version
    # One transaction: a crash mid-migration leaves the previous version intact.
    connection.execute("BEGIN IMMEDIATE")
    try:
        # Idempotent (IF NOT EXISTS): completes a version-1 database missing a table too.
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                connection.execute(statement)
        for step in _MIGRATIONS[current - 1 :]:
            for statement in step.split(";"):
                if statement.strip():
                    connection.execute(statement)
        connection.execute("DELETE FROM schema_info")
        connection.execute("INSERT INTO schema_info (version) VALUES (?)", (SCHEMA_VERSION,))
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def connect(path: str | Path, *, durable: bool = True) -> sqlite3.Connection:
    """Open (creating if needed) a tradekernel database and bring its schema up to date.

    The connection is in autocommit mode (`isolation_level=None`): writers group their
    statements in explicit `BEGIN ... COMMIT` transactions. The database runs in WAL mode;
    a `durable` connection (`synchronous=NORMAL`) keeps every commit through a power loss
    but the last; one that is not (`synchronous=OFF`, a backtest's: its rows can be
    recorded again from the same data) never waits for the disk, and keeps every commit
    through a crash of the process, not of the machine.

    Raises:
        StorageError: naming the file, if its directory does not exist, it is not a SQLite
            database or another program's SQLite database, it is locked or unreadable, or it
            was written by a newer tradekernel (a newer schema version).
    """
    target = Path(path)
    if str(path) != ":memory:" and not target.parent.exists():
        raise StorageError(
            f"cannot create the database: directory {target.parent} does not exist",
            path=str(path),
        )
    connection: sqlite3.Connection | None = None
    try:
        connection = sqlite3.connect(str(path), isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        # Not durable: a backtest's commits need not wait for the disk (docs/architecture.md).
        connection.execute("PRAGMA synchronous=" + ("NORMAL" if durable else "OFF"))
        connection.execute("PRAGMA foreign_keys=ON")
        version = _stored_version(connection)
        if version is None:
            _refuse_foreign(connection, path)
        if version is not None and version > SCHEMA_VERSION:
            raise StorageError(
                f"database schema version {version} is newer than this tradekernel supports "
                f"({SCHEMA_VERSION}); upgrade tradekernel or use another --db",
                path=str(path),
            )
        if version is not None and version < 1:
            raise StorageError(f"database schema version {version} is not valid", path=str(path))
        if version != SCHEMA_VERSION:
            _migrate(connection, version)
    except sqlite3.Error as error:
        if connection is not None:
            connection.close()
        raise StorageError(f"cannot open database: {error}", path=str(path)) from error
    except StorageError:
        if connection is not None:
            connection.close()
        raise
    return connection


def database_file(connection: sqlite3.Connection) -> str:
    """Return the file behind `connection` (`:memory:` for an in-memory database).

    Used to name the place in a `StorageError` raised far from `connect`.
    """
    try:
        rows = connection.execute("PRAGMA database_list").fetchall()
    except sqlite3.Error:
        return "(database)"
    files = [str(row[2]) for row in rows if row[1] == "main"]
    return files[0] if files and files[0] else ":memory:"
