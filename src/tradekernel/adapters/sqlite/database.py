"""Opening the embedded SQLite store and keeping its schema current."""

import sqlite3
from pathlib import Path

from tradekernel.domain.errors import ConfigError

SCHEMA_VERSION = 1

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


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) a tradekernel database. Raises ConfigError on a bad path."""
    target = Path(path)
    if str(path) != ":memory:" and not target.parent.exists():
        raise ConfigError(f"directory {target.parent} does not exist", path="--db")
    try:
        connection = sqlite3.connect(str(path), isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")
        connection.executescript(_SCHEMA)
        row = connection.execute("SELECT version FROM schema_info").fetchone()
        if row is None:
            connection.execute("INSERT INTO schema_info (version) VALUES (?)", (SCHEMA_VERSION,))
        elif int(row[0]) != SCHEMA_VERSION:
            raise ConfigError(
                f"database schema version {row[0]} is not {SCHEMA_VERSION}", path=str(path)
            )
    except sqlite3.DatabaseError as error:
        raise ConfigError(f"cannot open database: {error}", path=str(path)) from error
    return connection
