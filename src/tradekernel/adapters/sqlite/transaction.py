"""One explicit transaction on an autocommit SQLite connection."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """Run the block between `BEGIN` and `COMMIT`, or `ROLLBACK` if it raises.

    The connection must be in autocommit mode (`isolation_level=None`, as `connect`
    opens it), so that this `BEGIN` is the only transaction in force.
    """
    connection.execute("BEGIN")
    try:
        yield
    except BaseException:
        # A failed COMMIT or a statement error may already have ended the transaction;
        # a ROLLBACK then would raise and hide the error that matters.
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
