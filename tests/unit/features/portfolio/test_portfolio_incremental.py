"""Incremental planning on an in-memory store: any batching or interruption equals one shot."""

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st
from portfolio_builders import D, position, state

from tradekernel.domain.portfolio import ActionSequence, ScoredSequence
from tradekernel.features.portfolio.factory import create_planner
from tradekernel.features.portfolio.incremental import plan_incremental
from tradekernel.features.portfolio.presets import PRESETS

MARKS = {"BTC/USDT": "60000", "ETH/USDT": "2500", "SOL/USDT": "150", "ADA/USDT": "0.5"}
STATE = state(
    "2000",
    (position("BTC/USDT", "0.1", "40000"), position("ETH/USDT", "2", "3000")),
    MARKS,
    scores={"SOL/USDT": D("0.9"), "ADA/USDT": D("0.75")},
    target_weights={"BTC/USDT": D("0.4"), "ETH/USDT": D("0.3"), "SOL/USDT": D("0.2")},
)
PLANNER = create_planner("core", PRESETS["aggressive"]())
ONE_SHOT = PLANNER.plan(STATE)


class MemorySequenceStore:
    """A dict-backed SequenceStore (structurally, like the SQLite one)."""

    def __init__(self) -> None:
        self.sequences: dict[str, list[ActionSequence]] = {}
        self.scores: dict[str, dict[int, ScoredSequence]] = {}
        self.dropped: dict[str, int] = {}

    def has_run(self, run_key: str) -> bool:
        return run_key in self.sequences

    def save_sequences(
        self, run_key: str, sequences: Sequence[ActionSequence], filtered: int
    ) -> None:
        self.sequences[run_key] = list(sequences)
        self.scores[run_key] = {}
        self.dropped[run_key] = filtered

    def filtered(self, run_key: str) -> int:
        return self.dropped[run_key]

    def pending(self, run_key: str, limit: int) -> Sequence[tuple[int, ActionSequence]]:
        done = self.scores[run_key]
        todo = [(i, s) for i, s in enumerate(self.sequences[run_key]) if i not in done]
        return todo[:limit]

    def record(self, run_key: str, scored: Sequence[tuple[int, ScoredSequence]]) -> None:
        self.scores[run_key].update(scored)

    def scored(self, run_key: str) -> Sequence[ScoredSequence]:
        return [item for _, item in sorted(self.scores[run_key].items())]

    def progress(self, run_key: str) -> tuple[int, int]:
        return len(self.scores[run_key]), len(self.sequences[run_key])


@settings(max_examples=30, deadline=None)
@given(batch=st.integers(min_value=1, max_value=40), stops=st.lists(st.integers(0, 5), max_size=3))
def test_any_batch_size_and_interruptions_give_the_one_shot_plan(
    batch: int, stops: list[int]
) -> None:
    store = MemorySequenceStore()
    for stop in stops:
        plan_incremental(PLANNER, STATE, store, "k", batch_size=batch, max_batches=stop)
    progress: list[int] = []
    result = plan_incremental(
        PLANNER,
        STATE,
        store,
        "k",
        batch_size=batch,
        on_progress=lambda done, _t: progress.append(done),
    )
    assert result == ONE_SHOT
    total = len(store.sequences["k"])
    assert progress == [] or progress[-1] == total
    assert progress == sorted(progress)
