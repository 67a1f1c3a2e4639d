"""The sparse loop's step cursor against a plain scan of the steps."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tradekernel.orchestration.cycle.stepping import StepCursor


def _scan(steps: list[int], index: int) -> int | None:
    return next((step for step in steps if step > index), None)


@given(
    steps=st.lists(st.integers(0, 300), max_size=60, unique=True).map(sorted),
    jumps=st.lists(st.integers(0, 40), min_size=1, max_size=60),
)
def test_first_after_equals_a_scan_for_growing_indices(steps: list[int], jumps: list[int]) -> None:
    cursor = StepCursor(np.array(steps, dtype=np.int64))
    index = -1
    for jump in jumps:
        index += jump
        assert cursor.first_after(index) == _scan(steps, index)


def test_no_steps_means_no_next_step() -> None:
    assert StepCursor(np.array([], dtype=np.int64)).first_after(0) is None
