"""BackgroundWriter: batches written in order on one thread, failures raised on the caller's."""

import sqlite3
import threading
from pathlib import Path

import pytest

from tradekernel.adapters.sqlite.background_writer import BackgroundWriter
from tradekernel.domain.errors import StorageError


class OpenCount:
    """Open connections to one file, counting them and the threads they were opened on."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.threads: list[str] = []
        setup = sqlite3.connect(path, isolation_level=None)
        setup.execute("CREATE TABLE IF NOT EXISTS seen (batch INTEGER)")
        setup.close()

    def __call__(self) -> sqlite3.Connection:
        self.threads.append(threading.current_thread().name)
        return sqlite3.connect(self.path, isolation_level=None)

    def written(self) -> list[int]:
        reader = sqlite3.connect(self.path)
        try:
            return [row[0] for row in reader.execute("SELECT batch FROM seen ORDER BY rowid")]
        finally:
            reader.close()


def _write(connection: sqlite3.Connection, batch: int) -> None:
    if batch < 0:
        raise StorageError(f"batch {batch} refused", path="test.db")
    if batch == 999:
        raise RuntimeError("a bug in the writer")
    connection.execute("INSERT INTO seen VALUES (?)", (batch,))


def _writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "test-writer"]


def test_batches_are_written_in_submission_order_on_one_other_thread(tmp_path: Path) -> None:
    opener = OpenCount(tmp_path / "w.db")
    writer = BackgroundWriter(opener, _write, name="test-writer")
    for batch in range(50):
        writer.submit(batch)
    writer.drain()
    assert opener.written() == list(range(50))
    assert opener.threads == ["test-writer"]  # one connection, opened on the writer's thread
    writer.close()
    assert not writer.running and not _writer_threads()


def test_no_thread_starts_until_a_batch_is_submitted(tmp_path: Path) -> None:
    writer = BackgroundWriter(OpenCount(tmp_path / "w.db"), _write, name="test-writer")
    writer.drain()
    writer.close()
    assert not _writer_threads()


def test_close_writes_every_submitted_batch_then_ends_the_thread(tmp_path: Path) -> None:
    opener = OpenCount(tmp_path / "w.db")
    writer = BackgroundWriter(opener, _write, depth=1, name="test-writer")
    for batch in range(20):
        writer.submit(batch)
    writer.close()
    assert opener.written() == list(range(20))
    assert not _writer_threads()
    writer.close()  # idempotent
    writer.submit(20)  # and usable again: a new thread
    writer.close()
    assert opener.written() == list(range(21))
    assert not _writer_threads()


def test_a_failure_stops_later_batches_and_is_raised_at_the_next_call(tmp_path: Path) -> None:
    opener = OpenCount(tmp_path / "w.db")
    writer = BackgroundWriter(opener, _write, name="test-writer")
    for batch in (1, 2, -3, 4, 5):
        try:
            writer.submit(batch)
        except StorageError:
            break
    with pytest.raises(StorageError, match="batch -3 refused"):
        writer.drain()
    assert opener.written() == [1, 2]  # what was written before the failure stays
    with pytest.raises(StorageError, match="batch -3 refused"):
        writer.submit(6)  # every later write raises again
    with pytest.raises(StorageError, match="batch -3 refused"):
        writer.close()
    assert not _writer_threads()
    assert opener.written() == [1, 2]


def test_an_unexpected_error_in_the_writer_surfaces_as_a_storage_error(tmp_path: Path) -> None:
    writer = BackgroundWriter(OpenCount(tmp_path / "w.db"), _write, name="test-writer")
    writer.submit(999)
    with pytest.raises(StorageError, match="RuntimeError: a bug in the writer") as raised:
        writer.drain()
    assert isinstance(raised.value.__cause__, RuntimeError)
    writer.stop()  # the way out of an error being raised: no second raise
    assert not _writer_threads()


def test_a_connection_that_cannot_be_opened_is_a_failure_of_the_writer(tmp_path: Path) -> None:
    def refuse() -> sqlite3.Connection:
        raise StorageError("cannot open database: disk I/O error", path="gone.db")

    writer = BackgroundWriter(refuse, _write, name="test-writer")
    writer.submit(1)
    with pytest.raises(StorageError, match="disk I/O error"):
        writer.close()
    assert not _writer_threads()


def test_depth_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="depth"):
        BackgroundWriter(OpenCount(tmp_path / "w.db"), _write, depth=0)
