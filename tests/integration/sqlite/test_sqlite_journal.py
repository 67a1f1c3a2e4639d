"""SqliteJournal and SqliteRunReader against real database files."""

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from journal_fixtures import fill, manifest, order, plan_entry

from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.journal import SqliteJournal
from tradekernel.adapters.sqlite.run_reader import SqliteRunReader
from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.errors import ConfigError, OrderNotFound, StorageError
from tradekernel.domain.ports.journal import EquityPoint, Journal, JournalEntry


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "runs.sqlite"


def _as_journal(journal: SqliteJournal) -> Journal:
    # Structural conformance: mypy would reject this if a method signature drifted.
    return journal


def test_manifest_round_trips_and_latest_run_is_the_last_started(db_path: Path) -> None:
    connection = connect(db_path)
    journal = _as_journal(SqliteJournal(connection))
    journal.start_run(manifest("run-b", started_ms=5))
    journal.start_run(manifest("run-a", started_ms=1))  # started later, older timestamp
    reader = SqliteRunReader(connection)
    assert reader.latest_run_id() == "run-a"
    assert reader.run_ids() == ("run-b", "run-a")
    assert reader.run_manifest("run-b") == manifest("run-b", started_ms=5)


def test_starting_the_same_run_twice_is_a_clear_error(db_path: Path) -> None:
    journal = SqliteJournal(connect(db_path))
    journal.start_run(manifest("run-1"))
    with pytest.raises(StorageError, match=r"run-1.*already recorded"):
        journal.start_run(manifest("run-1"))


def test_plans_read_back_in_cycle_order_with_hash_and_context(db_path: Path) -> None:
    connection = connect(db_path)
    journal = SqliteJournal(connection)
    journal.start_run(manifest("run-1"))
    entries = [plan_entry("run-1", ts, [f"tk{ts}"]) for ts in (3_000, 1_000, 2_000)]
    for entry in entries:
        journal.record_plan(entry)
    journal.flush()
    plans = SqliteRunReader(connection).plans("run-1")
    assert [p.cycle_ts_ms for p in plans] == [1_000, 2_000, 3_000]
    assert plans == sorted(entries, key=lambda e: e.cycle_ts_ms)


def test_rows_stay_buffered_until_flush(db_path: Path) -> None:
    connection = connect(db_path)
    journal = SqliteJournal(connection, batch_size=1_000)
    journal.start_run(manifest("run-1"))
    journal.record_equity("run-1", [EquityPoint(ts_ms=1, equity=Decimal(1), cash=Decimal(1))])
    other = sqlite3.connect(db_path)
    assert other.execute("SELECT COUNT(*) FROM equity").fetchone() == (0,)
    assert journal.pending_rows == 1
    journal.flush()
    assert other.execute("SELECT COUNT(*) FROM equity").fetchone() == (1,)
    assert journal.pending_rows == 0


def test_record_order_keeps_the_latest_state_with_exact_decimals(db_path: Path) -> None:
    connection = connect(db_path)
    with SqliteJournal(connection) as journal:
        journal.start_run(manifest("run-1"))
        journal.record_order("run-1", order("tkA"))
        latest = order(
            "tkA",
            OrderStatus.FILLED,
            filled_quantity=Decimal("0.00100000"),
            average_fill_price=Decimal("41999.95"),
            venue_order_id="v-17",
            updated_ms=2_000,
            reduce_only=True,
        )
        journal.record_order("run-1", latest)
    run_id, stored = SqliteRunReader(connection).find_order("tkA")
    assert run_id == "run-1"
    assert stored == latest
    # TEXT keeps the trailing zeros a float (or REAL column) would lose.
    assert str(stored.quantity) == "0.00100000"
    rows = connection.execute("SELECT COUNT(*) FROM orders").fetchone()
    assert rows == (1,)


def test_find_order_without_run_picks_the_latest_run_holding_it(db_path: Path) -> None:
    connection = connect(db_path)
    with SqliteJournal(connection) as journal:
        for run in ("run-1", "run-2", "run-3"):
            journal.start_run(manifest(run))
        journal.record_order("run-1", order("tkA", price=Decimal(1)))
        journal.record_order("run-2", order("tkA", price=Decimal(2)))
        journal.record_order("run-3", order("tkB"))
    reader = SqliteRunReader(connection)
    run_id, found = reader.find_order("tkA")
    assert (run_id, found.price) == ("run-2", Decimal(2))
    assert reader.find_order("tkA", run_id="run-1")[1].price == Decimal(1)


def test_unknown_order_and_run_ids_raise_domain_errors(db_path: Path) -> None:
    connection = connect(db_path)
    with SqliteJournal(connection) as journal:
        journal.start_run(manifest("run-1"))
    reader = SqliteRunReader(connection)
    with pytest.raises(OrderNotFound, match="tkNOPE") as caught:
        reader.find_order("tkNOPE")
    assert caught.value.client_order_id == "tkNOPE"
    with pytest.raises(ConfigError, match="unknown run id 'run-9'"):
        reader.find_order("tkA", run_id="run-9")
    for query in (reader.plans, reader.equity, reader.run_manifest):
        with pytest.raises(ConfigError, match="run-9"):
            query("run-9")


def test_empty_database_has_no_latest_run(db_path: Path) -> None:
    with pytest.raises(ConfigError, match="no run"):
        SqliteRunReader(connect(db_path)).latest_run_id()


def test_record_fill_is_idempotent_by_trade_id(db_path: Path) -> None:
    connection = connect(db_path)
    with SqliteJournal(connection, batch_size=2) as journal:
        journal.start_run(manifest("run-1"))
        first = fill("t1", "tkA", ts_ms=20)
        journal.record_fill("run-1", first)
        journal.record_fill("run-1", first)  # same batch
        journal.record_fill("run-1", fill("t0", "tkA", ts_ms=10, quantity="0.0001"))
        journal.flush()
        journal.record_fill("run-1", fill("t1", "tkA", ts_ms=99, quantity="9"))  # later batch
    fills = SqliteRunReader(connection).fills_for_order("tkA")
    assert [f.trade_id for f in fills] == ["t0", "t1"]
    assert fills[1] == first  # the first record of a trade id wins
    assert connection.execute("SELECT COUNT(*) FROM fills").fetchone() == (2,)


def test_fills_for_an_order_that_never_filled_are_empty(db_path: Path) -> None:
    connection = connect(db_path)
    with SqliteJournal(connection) as journal:
        journal.start_run(manifest("run-1"))
    reader = SqliteRunReader(connection)
    assert reader.fills_for_order("tkA") == []
    assert reader.fills_for_order("tkA", run_id="run-1") == []


def test_plan_containing_order_follows_the_index_to_its_cycle(db_path: Path) -> None:
    connection = connect(db_path)
    with SqliteJournal(connection, batch_size=3) as journal:
        journal.start_run(manifest("run-1"))
        journal.start_run(manifest("run-2"))
        for ts in range(10):
            journal.record_plan(plan_entry("run-1", ts * 60_000, [f"tk{ts}a", f"tk{ts}b"]))
        journal.record_plan(plan_entry("run-2", 0, ["tk7b"]))
    reader = SqliteRunReader(connection)
    found = reader.plan_containing_order("run-1", "tk7b")
    assert found == plan_entry("run-1", 7 * 60_000, ["tk7a", "tk7b"])
    assert reader.plan_containing_order("run-2", "tk7b").run_id == "run-2"
    with pytest.raises(OrderNotFound, match="tk3a"):
        reader.plan_containing_order("run-2", "tk3a")


def test_plan_json_without_client_ids_is_refused_with_its_location(db_path: Path) -> None:
    journal = SqliteJournal(connect(db_path))
    journal.start_run(manifest("run-1"))
    bad = JournalEntry(
        run_id="run-1", cycle_ts_ms=5, plan_hash="h", plan_json='{"intents": [{"symbol": "X"}]}'
    )
    with pytest.raises(ValueError, match=r"cycle 5.*intents\[0\]\.client_order_id"):
        journal.record_plan(bad)
    with pytest.raises(ValueError, match="not JSON"):
        journal.record_plan(
            JournalEntry(run_id="run-1", cycle_ts_ms=6, plan_hash="h", plan_json="{oops")
        )


def test_plan_of_a_run_never_started_is_a_clear_error_at_flush(db_path: Path) -> None:
    journal = SqliteJournal(connect(db_path))
    journal.record_plan(plan_entry("ghost", 1, []))
    with pytest.raises(StorageError, match=r"start_run.*ghost"):
        journal.flush()


def test_finish_run_flushes_and_stores_the_summary(db_path: Path) -> None:
    connection = connect(db_path)
    journal = SqliteJournal(connection, batch_size=10_000)
    journal.start_run(manifest("run-1"))
    journal.record_equity("run-1", [EquityPoint(ts_ms=1, equity=Decimal("1.5"), cash=Decimal(0))])
    reader = SqliteRunReader(connection)
    assert reader.run_summary("run-1") is None
    journal.finish_run("run-1", '{"trades": 3}')
    assert reader.run_summary("run-1") == '{"trades": 3}'
    assert reader.equity("run-1") == [EquityPoint(ts_ms=1, equity=Decimal("1.5"), cash=Decimal(0))]
    with pytest.raises(StorageError, match="unknown run id 'run-x'"):
        journal.finish_run("run-x", "{}")


def test_hundred_thousand_equity_points_are_written_in_batched_transactions(
    db_path: Path,
) -> None:
    connection = connect(db_path)
    statements: list[str] = []
    journal = SqliteJournal(connection, batch_size=10_000)
    journal.start_run(manifest("run-1"))
    connection.set_trace_callback(statements.append)
    start_ms = 1_600_000_000_000
    for index in range(100_000):
        value = Decimal(10_000) + Decimal(index) / 100
        point = EquityPoint(ts_ms=start_ms + index * 60_000, equity=value, cash=value)
        journal.record_equity("run-1", [point])
    journal.finish_run("run-1", "{}")
    connection.set_trace_callback(None)
    commits = sum(1 for statement in statements if statement.strip().upper() == "COMMIT")
    # 10 equity batches plus the finish_run update: never one commit per row.
    assert commits == 11
    points = SqliteRunReader(connection).equity("run-1")
    assert len(points) == 100_000
    assert points[-1].equity == Decimal("10999.99")
    assert points[12_345].ts_ms == start_ms + 12_345 * 60_000


def test_rows_recorded_before_a_crash_are_kept_and_the_crash_propagates(db_path: Path) -> None:
    connection = connect(db_path)
    point = EquityPoint(ts_ms=7, equity=Decimal("99.5"), cash=Decimal("12"))
    with pytest.raises(RuntimeError, match="boom"), SqliteJournal(connection) as journal:
        journal.start_run(manifest("run-1"))
        journal.record_equity("run-1", [point])
        raise RuntimeError("boom")
    assert SqliteRunReader(connection).equity("run-1") == [point]


def test_a_failing_flush_does_not_mask_the_error_that_ended_the_run(db_path: Path) -> None:
    with pytest.raises(RuntimeError, match="first"), SqliteJournal(connect(db_path)) as journal:
        journal.record_plan(plan_entry("ghost", 1, []))  # its flush will fail
        raise RuntimeError("first")


def test_re_recording_a_cycle_replaces_its_plan_and_its_index(db_path: Path) -> None:
    connection = connect(db_path)
    with SqliteJournal(connection) as journal:
        journal.start_run(manifest("run-1"))
        journal.record_plan(plan_entry("run-1", 60_000, ["tkOLD"]))
    with SqliteJournal(connection) as journal:
        journal.record_plan(plan_entry("run-1", 60_000, ["tkNEW"]))
    reader = SqliteRunReader(connection)
    assert reader.plans("run-1") == [plan_entry("run-1", 60_000, ["tkNEW"])]
    assert reader.plan_containing_order("run-1", "tkNEW").cycle_ts_ms == 60_000
    with pytest.raises(OrderNotFound):
        reader.plan_containing_order("run-1", "tkOLD")


def test_a_cycle_recorded_twice_in_one_batch_keeps_only_its_last_plan(db_path: Path) -> None:
    connection = connect(db_path)
    with SqliteJournal(connection) as journal:
        journal.start_run(manifest("run-1"))
        journal.record_plan(plan_entry("run-1", 5, ["tkOLD"]))
        journal.record_plan(plan_entry("run-1", 5, ["tkNEW"]))
        assert journal.pending_rows == 2  # one plan and its one index row
    reader = SqliteRunReader(connection)
    assert reader.plans("run-1") == [plan_entry("run-1", 5, ["tkNEW"])]
    with pytest.raises(OrderNotFound):
        reader.plan_containing_order("run-1", "tkOLD")


def test_plans_flush_when_the_batch_fills(db_path: Path) -> None:
    connection = connect(db_path)
    journal = SqliteJournal(connection, batch_size=4)
    journal.start_run(manifest("run-1"))
    journal.record_plan(plan_entry("run-1", 1, ["tk1"]))  # 2 rows pending
    assert journal.pending_rows == 2
    journal.record_plan(plan_entry("run-1", 2, ["tk2"]))  # 4 rows: flushed
    assert journal.pending_rows == 0
    assert len(SqliteRunReader(connection).plans("run-1")) == 2


def test_given_client_ids_are_indexed_without_parsing_the_plan_json(db_path: Path) -> None:
    connection = connect(db_path)
    given = JournalEntry(
        run_id="run-1",
        cycle_ts_ms=60_000,
        plan_hash="h",
        plan_json="not JSON: the ids come with the entry",
        client_order_ids=("tkB", "tkA"),
    )
    with SqliteJournal(connection) as journal:
        journal.start_run(manifest("run-1"))
        journal.record_plan(given)
        journal.record_plan(plan_entry("run-1", 0, ["tkC"]))  # no ids given: read from JSON
    reader = SqliteRunReader(connection)
    assert reader.plan_containing_order("run-1", "tkA") == given
    assert reader.plan_containing_order("run-1", "tkB").plan_json == given.plan_json
    assert reader.plan_containing_order("run-1", "tkC").cycle_ts_ms == 0
    # The ids restate the plan: an entry read back (without them) equals the one recorded.
    assert reader.plans("run-1")[1] == given
    assert reader.plans("run-1")[1].client_order_ids is None


def test_rows_of_one_batch_in_random_key_order_keep_which_record_wins(db_path: Path) -> None:
    connection = connect(db_path)
    latest = order("tkA", OrderStatus.FILLED, updated_ms=3_000)
    first_fill = fill("tkB-1", "tkB", ts_ms=20)
    with SqliteJournal(connection, batch_size=100) as journal:
        journal.start_run(manifest("run-1"))
        for record in (order("tkC"), order("tkA"), order("tkB"), latest):
            journal.record_order("run-1", record)
        journal.record_fill("run-1", fill("tkC-1", "tkC", ts_ms=10))
        journal.record_fill("run-1", first_fill)
        journal.record_fill("run-1", fill("tkA-1", "tkA", ts_ms=30))
        journal.record_fill("run-1", fill("tkB-1", "tkB", ts_ms=99, quantity="9"))
    reader = SqliteRunReader(connection)
    assert reader.find_order("tkA") == ("run-1", latest)
    assert reader.find_order("tkC")[1] == order("tkC")
    assert reader.fills_for_order("tkB") == [first_fill]
    assert connection.execute("SELECT COUNT(*) FROM orders").fetchone() == (3,)
    assert connection.execute("SELECT COUNT(*) FROM fills").fetchone() == (3,)


def test_a_locked_database_is_a_storage_error_and_the_rows_stay_buffered(
    db_path: Path,
) -> None:
    connection = connect(db_path)
    connection.execute("PRAGMA busy_timeout = 0")  # fail at once instead of waiting 5 s
    journal = SqliteJournal(connection)
    journal.start_run(manifest("run-1"))
    journal.record_equity("run-1", [EquityPoint(ts_ms=1, equity=Decimal(1), cash=Decimal(1))])
    other = connect(db_path)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    try:
        with pytest.raises(StorageError, match=r"^cannot write journal rows: database is locked"):
            journal.flush()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert journal.pending_rows == 1
    assert not connection.in_transaction
    journal.flush()
    assert SqliteRunReader(connection).equity("run-1") == [
        EquityPoint(ts_ms=1, equity=Decimal(1), cash=Decimal(1))
    ]
