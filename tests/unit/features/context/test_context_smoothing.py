"""The block-vectorised linear recursion against the plain one-bar-at-a-time loop."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradekernel.features.context.smoothing import BLOCK, linear_filter, seeded_recursion


def plain(values: list[float], alpha: float, initial: float) -> list[float]:
    out, level = [], initial
    for value in values:
        level = (1 - alpha) * level + alpha * value
        out.append(level)
    return out


@pytest.mark.parametrize("alpha", [1.0, 2 / 3, 0.5, 2 / 15, 1 / 14, 2 / 201, 1e-4])
@pytest.mark.parametrize("length", [1, BLOCK - 1, BLOCK, BLOCK + 1, 5 * BLOCK + 17])
def test_linear_filter_matches_the_plain_recursion_across_block_boundaries(
    alpha: float, length: int
) -> None:
    rng = np.random.default_rng(length)
    values = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, length)))
    got = linear_filter(values, alpha, 100.0)
    np.testing.assert_allclose(got, plain(values.tolist(), alpha, 100.0), rtol=1e-12)


def test_linear_filter_stays_accurate_over_a_long_history() -> None:
    rng = np.random.default_rng(3)
    values = rng.uniform(0, 5, 20_000)
    got = linear_filter(values, 1 / 14, 2.0)
    np.testing.assert_allclose(got, plain(values.tolist(), 1 / 14, 2.0), rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    length=st.integers(min_value=1, max_value=4 * BLOCK),
    alpha=st.sampled_from([2 / 3, 0.1, 1 / 30]),
)
def test_linear_filter_is_bitwise_prefix_stable(
    data: st.DataObject, length: int, alpha: float
) -> None:
    values = np.array(data.draw(st.lists(st.floats(0, 1e6), min_size=length, max_size=length)))
    k = data.draw(st.integers(min_value=1, max_value=length))
    assert (
        linear_filter(values, alpha, 1.0)[:k].tobytes()
        == linear_filter(values[:k], alpha, 1.0).tobytes()
    )


def test_seeded_recursion_starts_at_first_with_the_mean_of_period_values() -> None:
    values = np.arange(10, dtype=np.float64)
    out = seeded_recursion(values, 0.5, 3, 4)
    assert np.isnan(out[:4]).all()
    assert out[4] == 3.0  # mean of 2, 3, 4
    assert out[5] == 4.0  # 0.5 * 3 + 0.5 * 5
