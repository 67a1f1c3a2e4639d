"""The incremental planner's store: generated sequences and their scores, by run key."""

from collections.abc import Sequence
from typing import Protocol

from tradekernel.domain.portfolio import ActionSequence, ScoredSequence


class SequenceStore(Protocol):
    """Keeps a large search resumable: sequences are saved once, then scored in batches."""

    def has_run(self, run_key: str) -> bool:
        """Return True if sequences were already saved under `run_key`."""
        ...

    def save_sequences(
        self, run_key: str, sequences: Sequence[ActionSequence], filtered: int
    ) -> None:
        """Save `sequences` in their order (position is the batch order) in one transaction.

        `filtered` is how many generated sequences the filters dropped (kept for the plan).
        """
        ...

    def filtered(self, run_key: str) -> int:
        """Return the `filtered` count saved with the run's sequences."""
        ...

    def pending(self, run_key: str, limit: int) -> Sequence[tuple[int, ActionSequence]]:
        """Return up to `limit` unscored sequences with their positions, lowest first."""
        ...

    def record(self, run_key: str, scored: Sequence[tuple[int, ScoredSequence]]) -> None:
        """Store scores for the given positions atomically (one batch, one transaction)."""
        ...

    def scored(self, run_key: str) -> Sequence[ScoredSequence]:
        """Return every scored sequence of the run, in position order."""
        ...

    def progress(self, run_key: str) -> tuple[int, int]:
        """Return (scored, total) for the run."""
        ...
