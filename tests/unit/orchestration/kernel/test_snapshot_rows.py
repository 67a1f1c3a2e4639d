"""Snapshot rows: the lazily read previous bar equals the eagerly copied one."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tradekernel.orchestration.kernel.snapshots import LazyRow, _row

values = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64), st.just(float("nan"))
)


@given(
    columns=st.dictionaries(
        st.text(min_size=1, max_size=6), st.lists(values, min_size=3, max_size=3), max_size=6
    ),
    index=st.integers(min_value=0, max_value=2),
)
def test_lazy_row_reads_what_the_eager_row_copies(
    columns: dict[str, list[float]], index: int
) -> None:
    arrays = {name: np.array(column, dtype=np.float64) for name, column in columns.items()}
    lazy, eager = LazyRow(arrays, index), _row(arrays, index)
    assert dict(lazy) == eager
    assert lazy == eager and len(lazy) == len(eager)
    for name, column in columns.items():
        expected = None if column[index] != column[index] else column[index]
        assert lazy.get(name) == expected
        assert (name in lazy) is (expected is not None)
    assert lazy.get("absent-column") is None
    assert lazy.get("absent-column", 1.5) == 1.5
