"""SIGTERM/SIGINT stop a running bot gracefully: the cycle in flight finishes, state persists."""

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tradekernel.bootstrap.signals import install_stop_handlers

# A slow paper-like loop: each cycle writes "start N", works 0.4 s, writes "end N"; the
# persister records the cycles done and the stop reason in a real SQLite file.
SCRIPT = textwrap.dedent(
    """
    import sqlite3, sys, time
    from tradekernel.bootstrap.signals import install_stop_handlers
    from tradekernel.orchestration.runtime.bot import BotRuntime
    from tradekernel.orchestration.runtime.lifecycle import Lifecycle

    db, log = sys.argv[1], open(sys.argv[2], "a", buffering=1)
    runtime = BotRuntime(config=object())
    done = []

    def step():
        n = len(done) + 1
        log.write(f"start {n}\\n")
        time.sleep(0.4)
        done.append(n)
        log.write(f"end {n}\\n")
        return n < 200

    def persist(reason):
        with sqlite3.connect(db) as connection:
            connection.execute("CREATE TABLE state (cycles INTEGER, reason TEXT)")
            connection.execute("INSERT INTO state VALUES (?, ?)", (len(done), reason))

    lifecycle = Lifecycle(runtime=runtime, step=step, persist=persist)
    install_stop_handlers(lifecycle)
    report = lifecycle.run()
    log.write(f"stopped {report.cycles} {report.stop_reason}\\n")
    """
)


def _wait_for(path: Path, text: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text():
            return
        time.sleep(0.02)
    raise AssertionError(f"{text!r} not in {path} after {timeout_s} s")


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_mid_cycle_finishes_that_cycle_persists_and_exits_0(
    tmp_path: Path, number: signal.Signals
) -> None:
    db, log = tmp_path / "bot.db", tmp_path / "log.txt"
    process = subprocess.Popen([sys.executable, "-c", SCRIPT, str(db), str(log)])
    try:
        _wait_for(log, "start 2\n", timeout_s=30)  # cycle 2 is in flight
        process.send_signal(number)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    lines = log.read_text().splitlines()
    assert lines[:4] == ["start 1", "end 1", "start 2", "end 2"]
    assert lines[4:] == [f"stopped 2 signal {number.name}"]
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT cycles, reason FROM state").fetchall()
    assert rows == [(2, f"signal {number.name}")]


class _Recorder:
    def __init__(self) -> None:
        self.reasons: list[str] = []

    def request_stop(self, reason: str) -> None:
        self.reasons.append(reason)


def test_the_restorer_puts_back_the_previous_handlers() -> None:
    before = signal.getsignal(signal.SIGTERM)
    recorder = _Recorder()
    restore = install_stop_handlers(recorder, (signal.SIGTERM,))
    try:
        assert signal.getsignal(signal.SIGTERM) is not before
        signal.raise_signal(signal.SIGTERM)
        assert recorder.reasons == ["signal SIGTERM"]
    finally:
        restore()
    assert signal.getsignal(signal.SIGTERM) == before


def test_a_second_signal_stops_at_once_with_keyboard_interrupt() -> None:
    before = signal.getsignal(signal.SIGTERM)
    recorder = _Recorder()
    restore = install_stop_handlers(recorder, (signal.SIGTERM,))
    try:
        signal.raise_signal(signal.SIGTERM)
        with pytest.raises(KeyboardInterrupt, match="second stop signal"):
            signal.raise_signal(signal.SIGTERM)
        assert recorder.reasons == ["signal SIGTERM"]  # the graceful stop was asked once
    finally:
        restore()
    assert signal.getsignal(signal.SIGTERM) == before
