"""SqliteJournal with a background writer: the same rows as a synchronous journal, in the
same order; a failure of the writer raised as a StorageError; nothing left behind."""

import functools
import sqlite3
import tempfile
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from journal_fixtures import fill, manifest, order, plan_entry

from tradekernel.adapters.sqlite import journal_rows
from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.journal import SqliteJournal
from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.errors import StorageError
from tradekernel.domain.ports.journal import EquityPoint

_TABLES = ("runs", "plans", "plan_orders", "orders", "fills", "equity")
_WRITER = "tradekernel-journal-writer"
_PER_STATEMENT = journal_rows.ROWS_PER_STATEMENT


def _background(path: Path, batch_size: int) -> SqliteJournal:
    return SqliteJournal(
        connect(path, durable=False),
        batch_size=batch_size,
        writer=functools.partial(connect, path, durable=False),
    )


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every journal table in storage (rowid) order: what and in which order."""
    reader = sqlite3.connect(path)
    try:
        return {
            table: reader.execute(f"SELECT rowid, * FROM {table} ORDER BY rowid").fetchall()
            for table in _TABLES
        }
    finally:
        reader.close()


def _writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == _WRITER]


# One journal call: (kind, key, variant). Few keys, so cycles, orders, fills and equity
# points are recorded again (replaced, updated, ignored) within and across batches.
_CALLS = st.lists(
    st.tuples(
        st.sampled_from(("plan", "order", "fill", "equity", "flush")),
        st.integers(0, 3),
        st.integers(0, 2),
    ),
    max_size=60,
)


def _replay(journal: SqliteJournal, calls: list[tuple[str, int, int]]) -> None:
    with journal:
        journal.start_run(manifest("run-1"))
        for kind, key, variant in calls:
            if kind == "plan":
                ids = [f"tk{key}-{n}" for n in range(variant)]
                journal.record_plan(plan_entry("run-1", 1_000 * key, ids))
            elif kind == "order":
                status = (OrderStatus.SUBMITTED, OrderStatus.PARTIALLY_FILLED)[variant % 2]
                journal.record_order("run-1", order(f"tk{key}", status, updated_ms=variant))
            elif kind == "fill":
                journal.record_fill("run-1", fill(f"t{key}", f"tk{variant}", ts_ms=key))
            elif kind == "equity":
                point = EquityPoint(ts_ms=key, equity=Decimal(variant), cash=Decimal(key))
                journal.record_equity("run-1", [point])
            else:
                journal.flush()
        journal.finish_run("run-1", '{"trades": 0}')


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calls=_CALLS, batch_size=st.integers(1, 12), per_statement=st.integers(1, 4))
# An order recorded twice in one batch and one statement: the later record wins in both.
@example(
    calls=[("order", 1, 0), ("order", 1, 1), ("plan", 1, 2), ("plan", 1, 1)],
    batch_size=5,
    per_statement=2,
)
def test_a_background_journal_writes_the_rows_of_a_synchronous_one_in_its_order(
    calls: list[tuple[str, int, int]], batch_size: int, per_statement: int
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        synchronous, background = Path(scratch) / "sync.db", Path(scratch) / "background.db"
        # The reference writes one row a statement; the background journal many.
        journal_rows.ROWS_PER_STATEMENT = 1
        try:
            _replay(SqliteJournal(connect(synchronous), batch_size=batch_size), calls)
            journal_rows.ROWS_PER_STATEMENT = per_statement
            _replay(_background(background, batch_size), calls)
        finally:
            journal_rows.ROWS_PER_STATEMENT = _PER_STATEMENT
        assert _rows(background) == _rows(synchronous)
    assert not _writer_threads()


def test_full_batches_are_written_while_the_caller_records_on(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    journal = _background(path, batch_size=2)
    journal.start_run(manifest("run-1"))
    for ts in range(1, 7):
        journal.record_plan(plan_entry("run-1", ts, [f"tk{ts}"]))
    assert journal.pending_rows == 0  # every full batch was handed to the writer
    journal.flush()  # waits for them
    assert len(_rows(path)["plans"]) == 6
    journal.close()
    assert not _writer_threads()


def test_close_writes_every_row_and_ends_the_writer_thread(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    journal = _background(path, batch_size=3)
    journal.start_run(manifest("run-1"))
    for ts in range(10):
        journal.record_equity("run-1", [EquityPoint(ts_ms=ts, equity=Decimal(1), cash=Decimal(1))])
    assert _writer_threads()
    journal.close()
    assert not _writer_threads()
    assert len(_rows(path)["equity"]) == 10


def test_a_failure_of_the_writer_is_a_storage_error_and_earlier_rows_stay(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    journal = _background(path, batch_size=1)
    journal.start_run(manifest("run-1"))
    journal.record_plan(plan_entry("run-1", 1_000, ["tkA"]))
    journal.flush()
    # A run never started: its plan breaks the foreign key, on the writer's thread.
    journal.record_plan(plan_entry("ghost", 2_000, ["tkB"]))
    with pytest.raises(StorageError, match=r"was start_run called for \['ghost'\]"):
        journal.flush()
    with pytest.raises(StorageError, match="ghost"):
        journal.record_plan(plan_entry("run-1", 3_000, ["tkC"]))  # it stays failed
    with pytest.raises(StorageError, match="ghost"):
        journal.close()
    assert not _writer_threads()
    assert [row[1:3] for row in _rows(path)["plans"]] == [("run-1", 1_000)]


def test_an_interrupt_inside_the_block_keeps_the_rows_and_ends_the_thread(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    with pytest.raises(KeyboardInterrupt), _background(path, batch_size=2) as journal:
        journal.start_run(manifest("run-1"))
        for ts in range(1, 6):
            journal.record_plan(plan_entry("run-1", ts, [f"tk{ts}"]))
        raise KeyboardInterrupt
    assert not _writer_threads()
    assert len(_rows(path)["plans"]) == 5


def test_a_writer_failure_at_the_end_of_a_crashed_block_does_not_mask_the_crash(
    tmp_path: Path,
) -> None:
    path = tmp_path / "runs.db"
    with pytest.raises(RuntimeError, match="the run crashed"), _background(path, 1) as journal:
        journal.start_run(manifest("run-1"))
        journal.record_plan(plan_entry("ghost", 1, ["tkA"]))
        raise RuntimeError("the run crashed")
    assert not _writer_threads()
