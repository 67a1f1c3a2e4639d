"""The paper runner's parts: pacing, backoff, growing history, market clock, sources."""

from collections.abc import Sequence
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.fakes.clock import FakeClock

from tradekernel.domain.market import Bar, MarkPrice, SymbolRules
from tradekernel.orchestration.paper.backoff import RejectionBackoff
from tradekernel.orchestration.paper.bar_source import PolledSource, ReplaySource
from tradekernel.orchestration.paper.history import GrowingHistory
from tradekernel.orchestration.paper.market_clock import MarketClock
from tradekernel.orchestration.paper.pacing import Pacer
from tradekernel.shared.bars import BarSeries


class _Sleeps:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.calls: list[int] = []

    def sleep_ms(self, duration_ms: int) -> None:
        self.calls.append(duration_ms)
        self.clock.advance(duration_ms)


def _bar(symbol: str, ts: int, close: float = 100.0) -> Bar:
    p = Decimal(repr(close))
    return Bar(symbol=symbol, ts_ms=ts, open=p, high=p, low=p, close=p, volume=Decimal(1))


def test_speed_zero_never_sleeps() -> None:
    clock = FakeClock()
    sleeps = _Sleeps(clock)
    pacer = Pacer(speed=0, clock=clock, sleeper=sleeps)
    assert [pacer.wait_for(t) for t in (0, 3_600_000, 7_200_000)] == [0, 0, 0]
    assert sleeps.calls == []


def test_speed_n_sleeps_bar_interval_over_n_against_the_first_bar() -> None:
    clock = FakeClock(start_ms=0)
    sleeps = _Sleeps(clock)
    pacer = Pacer(speed=60, clock=clock, sleeper=sleeps)
    pacer.wait_for(0)
    pacer.wait_for(3_600_000)
    clock.advance(50_000)  # a slow cycle eats into the next wait
    pacer.wait_for(7_200_000)
    assert sleeps.calls == [60_000, 10_000]


@pytest.mark.parametrize("speed", [-1.0, float("nan"), float("inf")])
def test_a_negative_or_non_finite_speed_is_refused(speed: float) -> None:
    with pytest.raises(ValueError, match="speed"):
        Pacer(speed=speed, clock=FakeClock(), sleeper=_Sleeps(FakeClock()))


def test_backoff_doubles_per_rejection_up_to_the_maximum_and_resets_on_acceptance() -> None:
    backoff = RejectionBackoff(base_ms=1_000, max_ms=5_000)
    assert backoff.rejected("A", 0) == 1_000
    assert backoff.rejected("A", 10) == 2_010
    assert backoff.rejected("A", 20) == 4_020
    assert backoff.rejected("A", 30) == 5_030
    assert backoff.active(5_029) == {"A": 5_030}
    assert backoff.active(5_030) == {}
    backoff.accepted("A")
    assert backoff.rejected("A", 100) == 1_100


@given(st.lists(st.floats(min_value=0.01, max_value=1e6), min_size=1, max_size=600))
def test_growing_history_equals_a_series_built_at_once(closes: Sequence[float]) -> None:
    bars = [_bar("X", 1_000 * i, c) for i, c in enumerate(closes)]
    history = GrowingHistory("X")
    for bar in bars:
        history.append(bar)
    grown, built = history.series(), BarSeries.from_bars("X", bars)
    assert len(grown) == len(built)
    for name in ("ts_ms", "open", "high", "low", "close", "volume"):
        assert getattr(grown, name).tobytes() == getattr(built, name).tobytes()


def test_growing_history_refuses_old_bars_and_other_symbols() -> None:
    history = GrowingHistory("X")
    history.append(_bar("X", 10))
    with pytest.raises(ValueError, match="not after"):
        history.append(_bar("X", 10))
    with pytest.raises(ValueError, match="of Y"):
        history.append(_bar("Y", 20))


def test_market_clock_never_goes_back() -> None:
    clock = MarketClock()
    clock.set(5)
    assert clock.now_ms() == 5
    with pytest.raises(ValueError, match="goes back"):
        clock.set(4)


def test_replay_steps_follow_the_union_timeline_and_resume_splits_off_warmup() -> None:
    a = BarSeries.from_bars("A", [_bar("A", t) for t in (0, 10, 20)])
    b = BarSeries.from_bars("B", [_bar("B", t) for t in (10, 30)])
    source = ReplaySource({"B": b, "A": a}, resume_from_ms=20)
    assert [s.ts_ms for s in source.warmup()] == [0, 10]
    assert [bar.symbol for bar in source.warmup()[1].bars] == ["A", "B"]
    steps = [source.next_step(), source.next_step(), source.next_step()]
    assert [(s.ts_ms, [x.symbol for x in s.bars]) for s in steps if s] == [
        (20, ["A"]),
        (30, ["B"]),
    ]
    assert steps[2] is None
    assert len(source) == 2


class _Feed:
    """A market data port whose bars appear poll by poll."""

    def __init__(self, batches: dict[str, list[list[Bar]]]) -> None:
        self.batches = batches

    def fetch_bars(self, symbol: str, timeframe: str, since_ms: int, limit: int) -> Sequence[Bar]:
        queue = self.batches[symbol]
        batch = queue.pop(0) if queue else []
        return [bar for bar in batch if bar.ts_ms >= since_ms][:limit]

    def fetch_mark(self, symbol: str) -> MarkPrice:
        raise AssertionError("not used")

    def symbol_rules(self, symbol: str) -> SymbolRules:
        raise AssertionError("not used")


def test_polled_source_waits_for_the_lagging_symbol_and_sleeps_between_empty_polls() -> None:
    feed = _Feed(
        {
            "A": [[_bar("A", 0)], [_bar("A", 10)], [], []],
            "B": [[_bar("B", 0)], [], [_bar("B", 10)], []],
        }
    )
    clock = FakeClock()
    sleeps = _Sleeps(clock)
    polls = iter([True, True, True, False])
    source = PolledSource(
        market_data=feed,
        symbols=["B", "A"],
        timeframe="1m",
        since_ms=0,
        warmup_bars=10,
        sleeper=sleeps,
        keep_waiting=lambda: next(polls),
        poll_ms=500,
    )
    assert [s.ts_ms for s in source.warmup()] == [0]
    step = source.next_step()
    assert step is not None and step.ts_ms == 10
    assert [bar.symbol for bar in step.bars] == ["A", "B"]
    assert sleeps.calls == [500]
    assert source.next_step() is None
    assert np.array_equal(np.array(sleeps.calls), np.array([500, 500]))
