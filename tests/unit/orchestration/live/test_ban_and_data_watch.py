"""The live loop's operations helpers: how long a ban is waited out, when stale bars stop
new positions, and that a stopping bot starts no new submit."""

import numpy as np
from tests.fakes.clock import FakeClock
from tests.fakes.control_store import FakeControlStore
from tests.unit.orchestration.live.live_fixtures import intent

from tradekernel.domain.enums import SkipReason
from tradekernel.domain.errors import Banned
from tradekernel.orchestration.live.ban_wait import UNKNOWN_END_MS, BanWatch
from tradekernel.orchestration.live.data_watch import MarketDataWatch
from tradekernel.orchestration.live.stop_gate import StopGate
from tradekernel.orchestration.runtime.bot import BotRuntime
from tradekernel.orchestration.runtime.system_monitor import SystemMonitor
from tradekernel.orchestration.runtime.trading_control import TradingStateControl
from tradekernel.shared.bars import BarSeries

HOUR = 3_600_000


def test_a_ban_is_waited_out_to_its_end_and_counted() -> None:
    watch = BanWatch(max_wait_ms=10_000)
    wait = watch.on_ban(Banned("418", until_ms=5_000), now_ms=1_000)
    assert wait is not None and wait.wait_ms == 4_000 and watch.resume_due
    watch.resumed()
    assert not watch.resume_due
    assert watch.summary() == {"bans": 1, "ban_wait_s": "4.0"}


def test_a_ban_streak_past_the_maximum_is_not_waited_out() -> None:
    watch = BanWatch(max_wait_ms=10_000)
    assert watch.on_ban(Banned("418", until_ms=8_000), now_ms=1_000) is not None
    # Banned again at its end: the streak started at 1 000, this end is 12 s after it.
    assert watch.on_ban(Banned("418", until_ms=13_000), now_ms=8_000) is None
    assert watch.bans == 1


def test_a_ban_naming_no_end_is_probed_after_a_minute() -> None:
    wait = BanWatch(max_wait_ms=HOUR).on_ban(Banned("418"), now_ms=0)
    assert wait is not None and wait.until_ms == UNKNOWN_END_MS
    assert BanWatch(max_wait_ms=0).on_ban(Banned("418", until_ms=1), now_ms=0) is None


def _series(last_open_ms: int) -> BarSeries:
    ts = np.array([last_open_ms - HOUR, last_open_ms], dtype=np.int64)
    prices = np.array([100.0, 101.0])
    return BarSeries(
        symbol="BTC/USDT",
        ts_ms=ts,
        open=prices,
        high=prices,
        low=prices,
        close=prices,
        volume=np.array([1.0, 1.0]),
    )


def test_bars_older_than_the_limit_are_stale_until_new_ones_arrive() -> None:
    clock = FakeClock(10 * HOUR)
    watch = MarketDataWatch(
        monitor=SystemMonitor(
            runtime=BotRuntime(config=None),
            clock=clock,
            heartbeat_timeout_ms=HOUR,
            stale_after_ms=2 * HOUR,
            watch=("BTC/USDT",),
        ),
        timeframe_ms=HOUR,
    )
    assert not watch.observe({"BTC/USDT": _series(9 * HOUR)})  # closed at 10h: fresh
    clock.set(12 * HOUR + 1)
    assert watch.observe({"BTC/USDT": _series(9 * HOUR)})  # closed 2 h + 1 ms ago
    assert watch.observe({})  # nothing read: still stale, noted once
    assert watch.take_notices() == [
        "market data stale (newest closed bar age: BTC/USDT 7200 s): no new positions opened"
    ]
    assert not watch.observe({"BTC/USDT": _series(11 * HOUR)})
    assert watch.take_notices() == ["market data flowing again: opening positions resumed"]
    watch.beat(12 * HOUR + 1)
    assert watch.summary() == {
        "heartbeat_ms": 12 * HOUR + 1,
        "stale_data_periods": 1,
        "data_stale": 0,
    }


def test_a_stopping_bot_sends_nothing_new() -> None:
    stopping = [False]
    control = TradingStateControl(
        runtime=BotRuntime(config=None), store=FakeControlStore(), clock=FakeClock(0)
    )
    gate = StopGate(control, lambda: stopping[0])
    entry = intent("tk1")
    assert gate.permits(entry) is None
    stopping[0] = True
    assert gate.permits(entry) is SkipReason.TRADING_HALTED
    assert gate.permits_cancel()
