"""Opening, reopening, migrating and refusing tradekernel databases."""

import sqlite3
from pathlib import Path

import attrs
import pytest
from journal_fixtures import manifest, order, plan_entry

from tradekernel.adapters.sqlite.database import SCHEMA_VERSION, connect
from tradekernel.adapters.sqlite.journal import SqliteJournal
from tradekernel.adapters.sqlite.run_reader import SqliteRunReader
from tradekernel.domain.errors import StorageError

# The version-1 tables this release shipped with, before the plan index existed.
_VERSION_1_ORDERS = """
CREATE TABLE schema_info (version INTEGER NOT NULL);
INSERT INTO schema_info VALUES (1);
CREATE TABLE runs (
    run_id TEXT PRIMARY KEY, mode TEXT NOT NULL, config_hash TEXT NOT NULL,
    code_version TEXT NOT NULL, data_fingerprint TEXT NOT NULL, started_ms INTEGER NOT NULL,
    config_text TEXT NOT NULL DEFAULT '', exchange TEXT NOT NULL DEFAULT '',
    market_type TEXT NOT NULL DEFAULT '', finished INTEGER NOT NULL DEFAULT 0,
    summary_json TEXT NOT NULL DEFAULT '{}', seq INTEGER
);
INSERT INTO runs (run_id, mode, config_hash, code_version, data_fingerprint, started_ms, seq)
    VALUES ('old-run', 'backtest', 'c', 'v', 'd', 1, 1);
CREATE TABLE orders (
    run_id TEXT NOT NULL, client_order_id TEXT NOT NULL, symbol TEXT NOT NULL,
    side TEXT NOT NULL, order_type TEXT NOT NULL, quantity TEXT NOT NULL, price TEXT,
    stop_price TEXT, status TEXT NOT NULL, filled_quantity TEXT NOT NULL,
    average_fill_price TEXT, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,
    PRIMARY KEY (run_id, client_order_id)
);
INSERT INTO orders VALUES
    ('old-run', 'tkOLD', 'BTC/USDT', 'buy', 'limit', '1', '2', NULL, 'filled', '1', '2', 1, 2);
"""


def _version(path: Path) -> int:
    with sqlite3.connect(path) as raw:
        return int(raw.execute("SELECT version FROM schema_info").fetchone()[0])


def test_reopening_a_database_keeps_its_runs_and_accepts_new_ones(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite"
    first = connect(path)
    with SqliteJournal(first) as journal:
        journal.start_run(manifest("run-1"))
        journal.record_plan(plan_entry("run-1", 60_000, ["tkA"]))
        journal.record_order("run-1", order("tkA"))
    first.close()

    second = connect(path)
    with SqliteJournal(second) as journal:
        journal.start_run(manifest("run-2"))
    reader = SqliteRunReader(second)
    assert reader.run_ids() == ("run-1", "run-2")
    assert reader.plan_containing_order("run-1", "tkA").cycle_ts_ms == 60_000
    assert reader.find_order("tkA") == ("run-1", order("tkA"))
    assert second.execute("SELECT COUNT(*) FROM schema_info").fetchone() == (1,)
    assert _version(path) == SCHEMA_VERSION


def test_a_version_1_database_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as raw:
        raw.executescript(_VERSION_1_ORDERS)
    connection = connect(path)
    assert _version(path) == SCHEMA_VERSION
    run_id, old = SqliteRunReader(connection).find_order("tkOLD")
    assert run_id == "old-run"
    assert (old.venue_order_id, old.reduce_only) == (None, False)
    with SqliteJournal(connection) as journal:
        journal.record_plan(plan_entry("old-run", 5, ["tkNEW"]))
    assert SqliteRunReader(connection).plan_containing_order("old-run", "tkNEW").cycle_ts_ms == 5


def test_a_database_from_a_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE schema_info (version INTEGER NOT NULL)")
        raw.execute("INSERT INTO schema_info VALUES (?)", (SCHEMA_VERSION + 1,))
    with pytest.raises(StorageError, match=rf"version {SCHEMA_VERSION + 1} is newer") as caught:
        connect(path)
    assert str(path) in str(caught.value)
    with sqlite3.connect(path) as raw:
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master")}
    assert tables == {"schema_info"}


def test_a_file_that_is_not_a_database_is_a_storage_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("these are not the pages you are looking for\n" * 100)
    with pytest.raises(
        StorageError, match=r"^cannot open database: file is not a database"
    ) as caught:
        connect(path)
    assert caught.value.path == str(path)


def test_another_programs_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "browser-history.sqlite"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE visits (url TEXT)")
    with pytest.raises(StorageError, match=r"not a tradekernel database: .*\(visits\)") as caught:
        connect(path)
    assert caught.value.path == str(path)
    with sqlite3.connect(path) as raw:
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master")}
    assert tables == {"visits"}  # none of tradekernel's tables were added


def test_a_missing_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="does not exist"):
        connect(tmp_path / "nowhere" / "runs.sqlite")


def test_runs_recorded_before_the_hash_format_column_read_back_as_format_1(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as raw:
        raw.executescript(_VERSION_1_ORDERS)
    connection = connect(path)
    with SqliteJournal(connection) as journal:
        journal.start_run(attrs.evolve(manifest("new-run"), hash_format_version="7"))
    reader = SqliteRunReader(connection)
    # Format 1 (cattrs then json.dumps) is what every earlier release hashed plans with.
    assert reader.run_manifest("old-run").hash_format_version == "1"
    assert reader.run_manifest("new-run").hash_format_version == "7"


@pytest.mark.parametrize(("durable", "synchronous"), [(True, 1), (False, 0)])
def test_a_connection_that_is_not_durable_does_not_sync(
    tmp_path: Path, durable: bool, synchronous: int
) -> None:
    connection = connect(tmp_path / "runs.db", durable=durable)
    try:
        # 1 is NORMAL (a commit survives a power loss but the last), 0 is OFF.
        assert connection.execute("PRAGMA synchronous").fetchone() == (synchronous,)
    finally:
        connection.close()
