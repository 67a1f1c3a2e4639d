import pytest
from tests.fakes.clock import FakeClock

from tradekernel.domain.errors import Fatal
from tradekernel.orchestration.runtime.bot import BotRuntime, RunPhase
from tradekernel.orchestration.runtime.lifecycle import Lifecycle
from tradekernel.orchestration.runtime.system_monitor import SystemMonitor


class _Recorder:
    """A cycle step and a persister that log what happened, in order."""

    def __init__(self, runtime: BotRuntime, cycles_of_data: int = 100) -> None:
        self.runtime = runtime
        self.log: list[str] = []
        self.remaining = cycles_of_data
        self.on_cycle: dict[int, str] = {}
        self.count = 0

    def step(self) -> bool:
        self.count += 1
        self.log.append(f"begin {self.count}")
        action = self.on_cycle.get(self.count)
        if action == "stop":
            # A signal arriving mid-cycle: the cycle must still finish.
            self.runtime.stop("SIGTERM")
        elif action == "fatal":
            raise Fatal("banned")
        assert self.runtime.is_running
        self.log.append(f"end {self.count}")
        self.remaining -= 1
        return self.remaining > 0

    def persist(self, reason: str) -> None:
        self.log.append(f"persist {reason}")


def test_stop_mid_cycle_finishes_that_cycle_then_persists_then_stops() -> None:
    runtime = BotRuntime(config={"name": "demo"})
    recorder = _Recorder(runtime)
    recorder.on_cycle[2] = "stop"
    lifecycle = Lifecycle(runtime=runtime, step=recorder.step, persist=recorder.persist)
    report = lifecycle.run()
    assert recorder.log == ["begin 1", "end 1", "begin 2", "end 2", "persist SIGTERM"]
    assert (report.cycles, report.stop_reason) == (2, "SIGTERM")
    assert runtime.phase is RunPhase.STOPPED
    assert not runtime.is_running


def test_request_stop_before_run_runs_no_cycle_but_still_persists() -> None:
    runtime = BotRuntime(config=None)
    recorder = _Recorder(runtime)
    lifecycle = Lifecycle(runtime=runtime, step=recorder.step, persist=recorder.persist)
    lifecycle.request_stop("SIGINT")
    report = lifecycle.run()
    assert recorder.log == ["persist SIGINT"]
    assert report.cycles == 0


def test_end_of_data_stops_with_that_reason() -> None:
    runtime = BotRuntime(config=None)
    recorder = _Recorder(runtime, cycles_of_data=3)
    report = Lifecycle(runtime=runtime, step=recorder.step, persist=recorder.persist).run()
    assert (report.cycles, report.stop_reason) == (3, "end of data")


def test_max_cycles_bounds_the_run() -> None:
    runtime = BotRuntime(config=None)
    recorder = _Recorder(runtime)
    lifecycle = Lifecycle(
        runtime=runtime, step=recorder.step, persist=recorder.persist, max_cycles=4
    )
    report = lifecycle.run()
    assert report.cycles == 4
    assert report.stop_reason == "max cycles reached (4)"


def test_a_failing_cycle_persists_state_stops_and_reraises() -> None:
    runtime = BotRuntime(config=None)
    recorder = _Recorder(runtime)
    recorder.on_cycle[3] = "fatal"
    lifecycle = Lifecycle(runtime=runtime, step=recorder.step, persist=recorder.persist)
    with pytest.raises(Fatal):
        lifecycle.run()
    assert recorder.log[-1] == "persist error: Fatal: banned"
    assert runtime.phase is RunPhase.STOPPED
    assert lifecycle.cycles == 2


def test_first_stop_reason_wins() -> None:
    runtime = BotRuntime(config=None)
    runtime.start()
    runtime.stop("SIGTERM")
    runtime.stop("stale data")
    assert runtime.stop_reason == "SIGTERM"
    assert runtime.phase is RunPhase.STOPPING
    assert runtime.is_running  # until the lifecycle has persisted and finished


def test_a_runtime_starts_only_once() -> None:
    runtime = BotRuntime(config=None)
    runtime.start()
    with pytest.raises(RuntimeError, match="running"):
        runtime.start()


def test_config_is_returned_as_given() -> None:
    settings = object()
    assert BotRuntime(config=settings).config is settings


def test_monitor_finding_stale_data_stops_a_real_bot_after_the_cycle() -> None:
    clock = FakeClock(start_ms=0)
    runtime = BotRuntime(config=None)
    monitor = SystemMonitor(
        runtime=runtime,
        clock=clock,
        heartbeat_timeout_ms=60_000,
        stale_after_ms=120_000,
        watch=["BTC/USDT"],
        stop_on_stale=True,
    )
    feed_times = [0, 60_000]  # then the feed goes quiet
    cycles: list[int] = []

    def step() -> bool:
        if feed_times:
            monitor.observe("BTC/USDT", feed_times.pop(0))
        monitor.check()
        monitor.beat()
        cycles.append(clock.now_ms())
        clock.advance(60_000)
        return True

    report = Lifecycle(runtime=runtime, step=step, persist=lambda reason: None).run()
    # Data at 60 s is older than 120 s from 240 s on: that cycle finishes, then the bot stops.
    assert cycles == [0, 60_000, 120_000, 180_000, 240_000]
    assert report.stop_reason == "stale data: BTC/USDT"
