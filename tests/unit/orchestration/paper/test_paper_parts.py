"""The paper runner's parts: pacing, the market clock, the replay source."""

from decimal import Decimal

import pytest
from tests.fakes.clock import FakeClock

from tradekernel.domain.market import Bar
from tradekernel.orchestration.cycle.market_clock import MarketClock
from tradekernel.orchestration.paper.bar_source import ReplaySource
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


def test_market_clock_never_goes_back() -> None:
    clock = MarketClock()
    clock.set(5)
    assert clock.now_ms() == 5
    with pytest.raises(ValueError, match="goes back"):
        clock.set(4)


def test_replay_counts_the_union_timeline_and_resume_splits_off_warmup() -> None:
    a = BarSeries.from_bars("A", [_bar("A", t) for t in (0, 10, 20)])
    b = BarSeries.from_bars("B", [_bar("B", t) for t in (10, 30)])
    source = ReplaySource({"B": b, "A": a}, resume_from_ms=20)
    assert list(source.series) == ["A", "B"]
    assert len(source) == 2  # 20 and 30 are planned; 0 and 10 are warm-up
    assert len(ReplaySource({"A": a, "B": b})) == 4
