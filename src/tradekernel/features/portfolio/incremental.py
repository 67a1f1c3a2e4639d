"""Incremental planning: save every sequence once, then evaluate them in batches.

Each batch is recorded atomically, so an interrupted run resumes where it stopped; the
final ranking is the planner's own, so the result equals the one-shot `plan`.
"""

from collections.abc import Callable

from tradekernel.domain.portfolio import PortfolioPlan, PortfolioState
from tradekernel.domain.ports.sequence_store import SequenceStore
from tradekernel.features.portfolio.planner import HolisticPlanner

Progress = Callable[[int, int], None]


def plan_incremental(
    planner: HolisticPlanner,
    state: PortfolioState,
    store: SequenceStore,
    run_key: str,
    *,
    batch_size: int = 100,
    on_progress: Progress | None = None,
    max_batches: int | None = None,
) -> PortfolioPlan | None:
    """Evaluate pending sequences batch by batch; return the plan once all are scored.

    Returns None when `max_batches` stopped the run before the end (call again to resume).

    Raises:
        ValueError: if `batch_size` is not positive.
    """
    if batch_size <= 0:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    if not store.has_run(run_key):
        generation = planner.generate(state)
        store.save_sequences(run_key, generation.sequences, generation.filtered)
    view = planner.view(state)
    batches = 0
    while True:
        pending = store.pending(run_key, batch_size)
        if not pending:
            break
        if max_batches is not None and batches >= max_batches:
            return None
        store.record(run_key, [(index, planner.score(seq, view)) for index, seq in pending])
        batches += 1
        if on_progress is not None:
            done, total = store.progress(run_key)
            on_progress(done, total)
    return planner.rank(store.scored(run_key), store.filtered(run_key))
