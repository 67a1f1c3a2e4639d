"""The lazy equity tracker against the per-segment tracker it replaced, bit for bit."""

from collections.abc import Mapping
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tradekernel.orchestration.cycle import equity
from tradekernel.orchestration.cycle.equity import EquityTracker
from tradekernel.orchestration.cycle.timeline import Timeline, build_timeline
from tradekernel.shared.bars import BarSeries, FloatArray

MINUTE = 60_000


class SegmentTracker:
    """The former tracker: one numpy segment per advance, the peak updated eagerly."""

    def __init__(self, timeline: Timeline, series: Mapping[str, BarSeries], cash: float) -> None:
        self._timeline = timeline
        self._series = series
        self._cash = cash
        self._quantity: dict[str, float] = {}
        self._done = -1
        self._segments: list[FloatArray] = []
        self._cash_segments: list[FloatArray] = []
        self.exposed_bars = 0
        self.peak = cash

    def set_state(self, cash: float, quantities: Mapping[str, float]) -> None:
        self._cash = cash
        self._quantity = {s: q for s, q in quantities.items() if q != 0.0}

    def advance(self, to_index: int) -> None:
        start = self._done + 1
        if to_index < start:
            return
        segment = np.full(to_index - start + 1, self._cash, dtype=np.float64)
        for symbol in sorted(self._quantity):
            position = self._timeline.index[symbol][start : to_index + 1]
            closes = self._series[symbol].close[np.clip(position, 0, None)]
            segment += self._quantity[symbol] * np.where(position >= 0, closes, 0.0)
        if self._quantity:
            self.exposed_bars += segment.shape[0]
        self._segments.append(segment)
        self._cash_segments.append(np.full(segment.shape[0], self._cash, dtype=np.float64))
        self.peak = max(self.peak, float(segment.max()))
        self._done = to_index

    def curve(self) -> FloatArray:
        if not self._segments:
            return np.zeros(0, dtype=np.float64)
        return np.concatenate(self._segments)

    def cash_curve(self) -> FloatArray:
        if not self._cash_segments:
            return np.zeros(0, dtype=np.float64)
        return np.concatenate(self._cash_segments)


def _series(symbol: str, times: list[int], seed: int) -> BarSeries:
    rng = np.random.default_rng(seed)
    close = np.round(1000.0 * np.exp(np.cumsum(rng.normal(0.0, 0.05, len(times)))), 2)
    return BarSeries(
        symbol=symbol,
        ts_ms=np.array(times, dtype=np.int64) * MINUTE,
        open=close,
        high=close,
        low=close,
        close=close,
        volume=np.ones(len(times)),
    )


@st.composite
def markets(draw: st.DrawFn) -> dict[str, BarSeries]:
    symbols = draw(st.sampled_from([("A/USD",), ("A/USD", "B/USD"), ("A/USD", "B/USD", "C/USD")]))
    series = {}
    for number, symbol in enumerate(symbols):
        # Symbols start late and have gaps, so timeline positions repeat and start at -1.
        times = draw(st.lists(st.integers(0, 120), min_size=1, max_size=80, unique=True))
        series[symbol] = _series(symbol, sorted(times), seed=draw(st.integers(0, 99)) + number)
    return series


# An operation: advance by a step (0 = stay), then maybe set a state, then maybe read the peak.
OPERATION = st.tuples(
    st.integers(0, 8),
    st.none()
    | st.tuples(
        # Cash below the holdings' value, so the closes decide the peak.
        st.floats(-100.0, 300.0, allow_nan=False),
        st.lists(st.sampled_from([0.0, 0.5, 1.0, 3.0, 1e-3, -2.0]), min_size=3, max_size=3),
    ),
    st.booleans(),
)


def _compare(
    series: dict[str, BarSeries],
    cash: float,
    operations: list[tuple[int, tuple[float, list[float]] | None, bool]],
) -> None:
    timeline = build_timeline(series)
    count = len(timeline)
    lazy = EquityTracker(timeline, series, cash)
    reference = SegmentTracker(timeline, series, cash)
    index = -1
    for step, state, read in operations:
        index = min(index + step, count - 1)
        lazy.advance(index)
        reference.advance(index)
        if state is not None:
            new_cash, quantities = state
            held = dict(zip(timeline.symbols, quantities, strict=False))
            lazy.set_state(new_cash, held)
            reference.set_state(new_cash, held)
        if read:
            assert lazy.peak == reference.peak
    lazy.advance(count - 1)
    reference.advance(count - 1)
    assert lazy.peak == reference.peak
    assert lazy.curve().tobytes() == reference.curve().tobytes()
    assert lazy.cash_curve().tobytes() == reference.cash_curve().tobytes()
    assert lazy.exposed_bars == reference.exposed_bars


@settings(max_examples=300, deadline=None)
@given(
    series=markets(),
    cash=st.floats(1.0, 300.0),
    operations=st.lists(OPERATION, min_size=5, max_size=40),
)
def test_lazy_tracker_equals_the_segment_tracker_bit_for_bit(
    series: dict[str, BarSeries],
    cash: float,
    operations: list[tuple[int, tuple[float, list[float]] | None, bool]],
) -> None:
    # Both ways of taking a run's highest close: as a list (short runs) and in numpy.
    for short in (0, 10**9):
        with mock.patch.object(equity, "_SHORT", short):
            _compare(series, cash, operations)


def test_peak_reads_the_highest_close_of_a_long_holding_between_two_reads() -> None:
    series = {"A/USD": _series("A/USD", list(range(10)), seed=3)}
    closes = series["A/USD"].close
    timeline = build_timeline(series)
    tracker = EquityTracker(timeline, series, 100.0)
    tracker.advance(1)
    tracker.set_state(40.0, {"A/USD": 2.0})
    tracker.advance(8)
    assert tracker.peak == max([100.0] + [40.0 + 2.0 * float(c) for c in closes[2:9]])
    before = tracker.peak
    tracker.set_state(5000.0, {})
    tracker.advance(9)
    assert before < 5000.0
    assert tracker.peak == 5000.0
    assert tracker.exposed_bars == 7
    assert list(tracker.cash_curve()) == [100.0, 100.0] + [40.0] * 7 + [5000.0]


def test_a_state_set_twice_before_advancing_keeps_the_last_one() -> None:
    series = {"A/USD": _series("A/USD", list(range(4)), seed=1)}
    timeline = build_timeline(series)
    tracker = EquityTracker(timeline, series, 10.0)
    tracker.advance(0)
    tracker.set_state(1.0, {"A/USD": 1.0})
    tracker.set_state(2.0, {})
    tracker.advance(3)
    assert list(tracker.curve()) == [10.0, 2.0, 2.0, 2.0]
    assert tracker.exposed_bars == 0
    assert tracker.peak == 10.0


def test_an_empty_timeline_has_empty_curves() -> None:
    series = {"A/USD": _series("A/USD", [], seed=1)}
    tracker = EquityTracker(build_timeline(series), series, 10.0)
    tracker.advance(-1)
    assert tracker.curve().shape == (0,)
    assert tracker.cash_curve().shape == (0,)
    assert tracker.peak == 10.0
    assert tracker.exposed_bars == 0
