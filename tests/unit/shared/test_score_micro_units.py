"""Scores quantised per bar when a history is prepared equal `to_score` on every float."""

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from tradekernel.shared.quantize import (
    NAN_MICRO_UNITS,
    micro_units,
    micro_units_of,
    score_of,
    scores_of,
    to_score,
)

# Every float, and the edges written out: NaN, signed zeros, infinities, the largest and
# the tiniest magnitudes, halves at the sixth place (half to even) and just below 1.
EDGES = [
    float("nan"),
    0.0,
    -0.0,
    float("inf"),
    float("-inf"),
    1.7976931348623157e308,
    -1.7976931348623157e308,
    5e-324,
    -5e-324,
    2.2250738585072014e-308,
    5e-7,
    4.999999999999999e-7,
    1.5e-6,
    2.5e-6,
    0.9999995,
    0.9999994999999999,
    0.9999999999999999,
    1.0,
    0.5,
]
floats = st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True)


@given(st.lists(floats | st.sampled_from(EDGES), min_size=1, max_size=40))
@example(EDGES)
def test_vectorised_micro_units_equal_the_scalar_rule_on_every_float(values: list[float]) -> None:
    vectorised = micro_units_of(np.array(values, dtype=np.float64))
    assert vectorised.dtype == np.int64
    assert vectorised.tolist() == [micro_units(value) for value in values]


@given(floats | st.sampled_from(EDGES))
def test_a_prepared_score_reads_back_as_to_score_in_value_and_text(value: float) -> None:
    (micro,) = micro_units_of(np.array([value])).tolist()
    assert str(score_of(micro)) == str(to_score(value))


def test_nan_is_its_own_code_and_reads_back_as_the_plain_zero() -> None:
    assert micro_units(float("nan")) == NAN_MICRO_UNITS
    assert micro_units_of(np.array([np.nan])).tolist() == [NAN_MICRO_UNITS]
    assert str(score_of(NAN_MICRO_UNITS)) == "0"
    assert micro_units(-0.0) == 0 and micro_units(float("inf")) == 1_000_000


@given(st.lists(st.integers(min_value=0, max_value=10**6)))
@example([0, 1, 500_000, 999_999, 10**6])
def test_a_row_of_scores_reads_back_as_score_of_each_in_value_and_exponent(
    micros: list[int],
) -> None:
    got = scores_of(micros)
    assert [score.as_tuple() for score in got] == [score_of(m).as_tuple() for m in micros]
