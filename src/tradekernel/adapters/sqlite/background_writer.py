"""Writing batches of rows on a second thread, so the loop plans while SQLite writes.

CPython's sqlite3 releases the GIL while SQLite steps a statement and commits, so the
B-tree work and the kernel's writes of the pages run on the second core while the main
thread goes on planning. Only where records are not a write-ahead log: the composition
root gives a backtest's journal a writer (`bootstrap/factories.py::journal_writer`), never
a paper or live session's, whose plans must be written before their orders are sent.

The writer owns its connection: it opens it on its thread and closes it there (a SQLite
connection belongs to one thread). Batches are written one at a time in submission order;
the queue is bounded, so a producer faster than the disk waits instead of holding every
batch in memory. The first failure stops the writing (a later batch written after a lost
one would break the record order); it is raised on the producer's thread at its next
`submit`, `drain` or `close`, and whatever was written before it stays written.
"""

import queue
import sqlite3
import threading
from collections.abc import Callable
from typing import Final, Generic, TypeVar

from tradekernel.domain.errors import StorageError

T = TypeVar("T")

# Batches queued behind the one being written. One is enough to keep the writer busy while
# the producer fills the next; more would only hold more rows in memory.
DEFAULT_DEPTH: Final = 1


class _Stop:
    """The end of the batches: the writer closes its connection and its thread ends."""


_STOP: Final = _Stop()


class BackgroundWriter(Generic[T]):
    """Write batches in order on one thread with its own connection.

    `open_connection` is called on the writer's thread when the first batch arrives;
    `write` writes one batch on that connection (raising `StorageError` when it cannot).
    Call `close` when done (the journal does, when its `with` block ends): it waits for
    every submitted batch and ends the thread.
    """

    def __init__(
        self,
        open_connection: Callable[[], sqlite3.Connection],
        write: Callable[[sqlite3.Connection, T], None],
        *,
        depth: int = DEFAULT_DEPTH,
        name: str = "tradekernel-writer",
    ) -> None:
        if depth < 1:
            raise ValueError(f"depth must be at least 1, got {depth}")
        self._open_connection = open_connection
        self._write = write
        self._depth = depth
        self._name = name
        self._queue: queue.Queue[T | _Stop] = queue.Queue(maxsize=depth)
        self._thread: threading.Thread | None = None
        # Set by the writer's thread only, read by the producer's after a queue hand-off
        # (`Queue.join`, `Thread.join`) or as a hint before one: never torn, never stale
        # where it matters.
        self._failure: BaseException | None = None

    @property
    def running(self) -> bool:
        """Return whether the writer's thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def submit(self, batch: T) -> None:
        """Queue a batch to be written after those submitted before it.

        Waits while the queue is full (the writer is behind).

        Raises:
            StorageError: if an earlier batch could not be written (nothing submitted
                after it is written).
        """
        self._raise_failure()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()
        self._queue.put(batch)

    def drain(self) -> None:
        """Wait until every submitted batch is written.

        Raises:
            StorageError: if a batch could not be written.
        """
        if self._thread is not None:
            self._queue.join()
        self._raise_failure()

    def close(self) -> None:
        """Write every submitted batch, then end the thread and wait for it (idempotent).

        Raises:
            StorageError: if a batch could not be written.
        """
        self.stop()
        self._raise_failure()

    def stop(self) -> None:
        """End the thread once every submitted batch is written, and wait for it.

        Raises no write failure (`close` does): for the way out of an error that is
        already being raised.
        """
        thread = self._thread
        if thread is None:
            return
        self._queue.put(_STOP)
        thread.join()
        self._thread = None

    def _raise_failure(self) -> None:
        failure = self._failure
        if failure is None:
            return
        if isinstance(failure, StorageError):
            raise failure
        raise StorageError(
            f"the journal writer failed: {type(failure).__name__}: {failure}",
            path=self._name,
        ) from failure

    def _run(self) -> None:
        connection: sqlite3.Connection | None = None
        try:
            while True:
                batch = self._queue.get()
                try:
                    if isinstance(batch, _Stop):
                        return
                    if self._failure is None:
                        if connection is None:
                            connection = self._open_connection()
                        self._write(connection, batch)
                except BaseException as error:  # raised on the producer's thread
                    self._failure = error
                finally:
                    self._queue.task_done()
        finally:
            if connection is not None:
                connection.close()
