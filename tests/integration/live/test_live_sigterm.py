"""SIGTERM mid-cycle stops a real `tradekernel live --live` process gracefully: the cycle in
flight ends, the run is finished with its summary, exit 0; a restart reconciles clean."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.integration.ccxt.conftest import API_KEY, API_SECRET
from tests.integration.ccxt.fake_binance import Fault
from tests.integration.live.live_venue import LiveFakeBinance, blueprint, write_config

from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.run_reader import SqliteRunReader
from tradekernel.bootstrap.cli import main

LIMIT_S = 60.0


def _wait_until(condition: object, what: str) -> None:
    deadline = time.monotonic() + LIMIT_S
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def _live(config: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "TRADEKERNEL_API_KEY": API_KEY, "TRADEKERNEL_API_SECRET": API_SECRET}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tradekernel.bootstrap.cli",
            "live",
            "--config",
            str(config),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.parametrize("on_stop", ["keep", "cancel"])
def test_sigterm_mid_cycle_finishes_the_run_prints_the_summary_and_exits_0(
    tmp_path: Path,
    live_venue: LiveFakeBinance,
    capsys: pytest.CaptureFixture[str],
    on_stop: str,
) -> None:
    # A patient limit entry (under the price, never filled here) rests at the venue.
    strategy = blueprint(limit=True, timeout_ms=3_600_000)
    config = write_config(
        tmp_path, live_venue.base_url, extra=f'on_stop = "{on_stop}"', strategy=strategy
    )
    process = _live(config, "--live")
    try:
        _wait_until(lambda: len(live_venue.orders) == 1, "the entry")
        # Hold the next klines read for a second: the signal lands mid-cycle.
        live_venue.script(
            Fault(kind="delay_after_accept", method="GET", path="/api/v3/klines", delay_s=1.0)
        )
        before = len(live_venue.calls("GET", "/api/v3/klines"))
        _wait_until(
            lambda: len(live_venue.calls("GET", "/api/v3/klines")) > before, "the held read"
        )
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=LIMIT_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "Unclosed" not in err and "Traceback" not in err
    summary_line = next(line for line in out.splitlines() if line.startswith("summary"))
    summary = json.loads(summary_line.removeprefix("summary").strip())
    assert summary["stop_reason"] == "signal SIGTERM"
    reader = SqliteRunReader(connect(tmp_path / "bot.db"))
    (run_id,) = reader.run_ids()
    stored = reader.run_summary(run_id)
    assert stored is not None and json.loads(stored)["stop_reason"] == "signal SIGTERM"
    # A restart of the same bot reconciles clean and trades on.
    assert main(["live", "--config", str(config), "--live", "--max-cycles", "1"]) == 0
    assert "startup reconciliation clean" in capsys.readouterr().err
    assert len(SqliteRunReader(connect(tmp_path / "bot.db")).run_ids()) == 2
    (order,) = live_venue.orders.values()
    assert order.status == ("CANCELED" if on_stop == "cancel" else "NEW")
    assert len(live_venue.calls("POST", "/api/v3/order")) == 1  # the restart sent nothing new
