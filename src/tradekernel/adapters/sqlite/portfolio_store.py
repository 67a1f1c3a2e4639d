"""SQLite store for the incremental portfolio planner: sequences and scores by run key.

Sequences are saved once in their generation order; each scored batch is one transaction,
so an interrupted search loses at most the batch in flight. Decimals are stored as their
exact strings (via cattrs), so a resumed result equals the one-shot result bit for bit.
"""

import contextlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import cattrs

from tradekernel.adapters.sqlite.database import connect, database_file
from tradekernel.adapters.sqlite.transaction import transaction
from tradekernel.domain.errors import StorageError
from tradekernel.domain.portfolio import ActionSequence, ScoredSequence

_SCHEMA = """
CREATE TABLE IF NOT EXISTS portfolio_runs (
    run_key TEXT PRIMARY KEY,
    total INTEGER NOT NULL,
    filtered INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS portfolio_sequences (
    run_key TEXT NOT NULL REFERENCES portfolio_runs(run_key),
    position INTEGER NOT NULL,
    sequence_json TEXT NOT NULL,
    scored_json TEXT,
    PRIMARY KEY (run_key, position)
);
"""


def _converter() -> cattrs.Converter:
    converter = cattrs.Converter()
    converter.register_unstructure_hook(Decimal, str)
    converter.register_structure_hook(Decimal, lambda value, _: Decimal(value))
    return converter


class SqliteSequenceStore:
    """A `SequenceStore` on a tradekernel database file."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._connection.executescript(_SCHEMA)
        self._converter = _converter()

    @classmethod
    def open(cls, path: str | Path) -> "SqliteSequenceStore":
        """Open (creating if needed) the database at `path`.

        Raises:
            StorageError: if the file cannot be opened as a tradekernel database.
        """
        return cls(connect(path))

    def close(self) -> None:
        self._connection.close()

    def _dump(self, value: Any) -> str:
        return json.dumps(self._converter.unstructure(value), sort_keys=True)

    def has_run(self, run_key: str) -> bool:
        row = self._connection.execute(
            "SELECT 1 FROM portfolio_runs WHERE run_key = ?", (run_key,)
        ).fetchone()
        return row is not None

    def save_sequences(
        self, run_key: str, sequences: Sequence[ActionSequence], filtered: int
    ) -> None:
        with self._writing("cannot save the sequences"), transaction(self._connection):
            self._connection.execute(
                "INSERT INTO portfolio_runs (run_key, total, filtered) VALUES (?, ?, ?)",
                (run_key, len(sequences), filtered),
            )
            self._connection.executemany(
                "INSERT INTO portfolio_sequences (run_key, position, sequence_json)"
                " VALUES (?, ?, ?)",
                [(run_key, index, self._dump(seq)) for index, seq in enumerate(sequences)],
            )

    def filtered(self, run_key: str) -> int:
        row = self._connection.execute(
            "SELECT filtered FROM portfolio_runs WHERE run_key = ?", (run_key,)
        ).fetchone()
        return int(row[0]) if row is not None else 0

    def pending(self, run_key: str, limit: int) -> Sequence[tuple[int, ActionSequence]]:
        rows = self._connection.execute(
            "SELECT position, sequence_json FROM portfolio_sequences"
            " WHERE run_key = ? AND scored_json IS NULL ORDER BY position LIMIT ?",
            (run_key, limit),
        ).fetchall()
        return [
            (int(pos), self._converter.structure(json.loads(text), ActionSequence))
            for pos, text in rows
        ]

    def record(self, run_key: str, scored: Sequence[tuple[int, ScoredSequence]]) -> None:
        with self._writing("cannot record scores"), transaction(self._connection):
            self._connection.executemany(
                "UPDATE portfolio_sequences SET scored_json = ? WHERE run_key = ? AND position = ?",
                [(self._dump(item), run_key, index) for index, item in scored],
            )

    def scored(self, run_key: str) -> Sequence[ScoredSequence]:
        rows = self._connection.execute(
            "SELECT scored_json FROM portfolio_sequences"
            " WHERE run_key = ? AND scored_json IS NOT NULL ORDER BY position",
            (run_key,),
        ).fetchall()
        return [self._converter.structure(json.loads(text), ScoredSequence) for (text,) in rows]

    def progress(self, run_key: str) -> tuple[int, int]:
        row = self._connection.execute(
            "SELECT COUNT(scored_json), COUNT(*) FROM portfolio_sequences WHERE run_key = ?",
            (run_key,),
        ).fetchone()
        return (int(row[0]), int(row[1])) if row is not None else (0, 0)

    @contextlib.contextmanager
    def _writing(self, what: str) -> Iterator[None]:
        # The planner sees one error type whatever SQLite refused (a lock, a full disk).
        try:
            yield
        except sqlite3.Error as error:
            where = database_file(self._connection)
            raise StorageError(f"{what}: {error}", path=where) from error
