"""Where the journal writes: on a second thread for a backtest only, and what its failure does."""

import sqlite3
import threading
from pathlib import Path

import pytest
from tests.integration.sqlite.journal_fixtures import manifest, plan_entry

from tradekernel.adapters.sqlite.database import connect
from tradekernel.bootstrap import factories
from tradekernel.bootstrap.cli import EXIT_STORAGE, main
from tradekernel.bootstrap.container import configured

_WRITER = "tradekernel-journal-writer"


def _writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == _WRITER]


def test_a_backtest_journal_writer_opens_the_same_database_without_fsyncs(tmp_path: Path) -> None:
    opener = factories.journal_writer(connect, "backtest", tmp_path / "runs.db")
    assert opener is not None
    connection = opener()
    try:
        assert connection.execute("PRAGMA synchronous").fetchone() == (0,)  # OFF
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("mode", "path"),
    [("paper", "runs.db"), ("live", "runs.db"), (None, "runs.db"), ("backtest", ":memory:")],
)
def test_no_other_journal_writes_in_the_background(mode: str | None, path: str) -> None:
    assert factories.journal_writer(connect, mode, Path(path)) is None


@pytest.mark.parametrize("mode", ["paper", "live"])
def test_a_session_journal_writes_on_the_job_thread(mode: str, tmp_path: Path) -> None:
    db = tmp_path / "session.db"
    container = configured(mode=mode, db_path=db)
    try:
        journal = container.journal()
        journal.start_run(manifest("run-1"))
        for ts in range(1, 6):
            journal.record_plan(plan_entry("run-1", ts, [f"tk{ts}"]))
        assert not _writer_threads()
        reader = sqlite3.connect(db)
        written = reader.execute("SELECT COUNT(*) FROM plans").fetchone()[0]
        reader.close()
        # Live writes every plan before its orders go out; paper buffers on its own thread.
        assert written == (5 if mode == "live" else 0)
        journal.flush()
    finally:
        container.shutdown_resources()


def test_a_failing_journal_writer_exits_3_with_one_error_line_and_keeps_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    # The plans table refuses rows on the writer's connection only when it writes them (as
    # a full disk would): the run itself is recorded by the job's connection first.
    prepared = connect(tmp_path / "runs.db")
    prepared.execute(
        "CREATE TRIGGER refuse_plans BEFORE INSERT ON plans "
        "BEGIN INSERT INTO no_such_table VALUES (1); END"
    )
    prepared.close()
    assert main(["backtest", "--quiet", "--db", "runs.db"]) == EXIT_STORAGE == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert errors[0].startswith("error: cannot write journal rows: no such table: main.no_such")
    assert errors[0].endswith(" @ " + str(tmp_path / "runs.db"))
    assert not _writer_threads()
    reader = sqlite3.connect(tmp_path / "runs.db")
    assert reader.execute("SELECT finished FROM runs").fetchall() == [(0,)]
    reader.close()
