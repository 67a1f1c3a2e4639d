"""The live peak (`RunningPeak`, one cycle at a time) against the backtest's equity curve."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tradekernel.orchestration.cycle.equity import EquityTracker, RunningPeak
from tradekernel.orchestration.cycle.timeline import build_timeline
from tradekernel.shared.bars import BarSeries

SYMBOLS = ("A/USD", "B/USD", "C/USD")
prices = st.floats(min_value=0.01, max_value=1e6, allow_nan=False)
quantities = st.floats(min_value=0.0, max_value=50.0, allow_nan=False)


def _series(symbol: str, closes: list[float]) -> BarSeries:
    close = np.array(closes, dtype=np.float64)
    return BarSeries(
        symbol=symbol,
        ts_ms=np.arange(len(closes), dtype=np.int64) * 60_000,
        open=close,
        high=close,
        low=close,
        close=close,
        volume=np.ones(len(closes)),
    )


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=2, max_value=30).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(prices, min_size=n, max_size=n), min_size=3, max_size=3),
            st.lists(
                st.tuples(
                    st.integers(0, n - 1),
                    st.floats(min_value=0.0, max_value=1e7, allow_nan=False),
                    st.lists(quantities, min_size=3, max_size=3),
                ),
                max_size=6,
            ),
        )
    )
)
def test_the_running_peak_is_the_equity_curves_peak_bit_for_bit(
    drawn: tuple[list[list[float]], list[tuple[int, float, list[float]]]],
) -> None:
    closes, changes = drawn
    series = {s: _series(s, c) for s, c in zip(SYMBOLS, closes, strict=True)}
    timeline = build_timeline(series)
    tracker = EquityTracker(timeline, series, 1_000.0)
    running = RunningPeak()
    cash, held = 1_000.0, {symbol: 0.0 for symbol in SYMBOLS}
    by_bar = dict(sorted((bar, (c, q)) for bar, c, q in changes))
    for bar in range(len(timeline)):
        if bar in by_bar:
            cash, qs = by_bar[bar]
            held = dict(zip(SYMBOLS, qs, strict=True))
            tracker.set_state(cash, held)
        tracker.advance(bar)
        peak = running.mark(
            cash=cash,
            quantities=held,
            closes={s: float(series[s].close[bar]) for s in SYMBOLS},
        )
        # The backtest's peak starts at its starting cash; live has nothing before its first
        # cycle: from then on both value every bar with the same float expression.
        assert max(peak, 1_000.0) == tracker.peak
    assert running.peak is not None
