"""The bot process is killed with SIGKILL in the middle of a cycle (the venue holds its
submit unanswered) and a new process starts on the same SQLite file: no order is lost or
duplicated, the startup guard passes on what the store explains, the runner continues.

The venue runs in this test process on 127.0.0.1; the bot runs as `python -m
tradekernel.bootstrap.cli live`. Every wait is bounded."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from tests.integration.ccxt.conftest import API_KEY, API_SECRET
from tests.integration.ccxt.fake_binance import Fault
from tests.integration.live.live_venue import LiveFakeBinance, blueprint, write_config
from tests.integration.live.runner_wiring import POST_ORDER, event_kinds, posted_ids

from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.run_reader import SqliteRunReader
from tradekernel.domain.enums import OrderStatus

S = OrderStatus
PROCESS_LIMIT_S = 60


def _bot(config: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "tradekernel.bootstrap.cli", "live", "--config", str(config),
            "--live", *extra]  # fmt: skip


def _env() -> dict[str, str]:
    return {**os.environ, "TRADEKERNEL_API_KEY": API_KEY, "TRADEKERNEL_API_SECRET": API_SECRET}


def _run(argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, env=_env(), capture_output=True, text=True, timeout=PROCESS_LIMIT_S, check=False
    )


def _kill_when_posted(child: subprocess.Popen[str], venue: LiveFakeBinance) -> None:
    deadline = time.monotonic() + PROCESS_LIMIT_S
    while not venue.calls(*POST_ORDER):
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            _, err = child.communicate(timeout=10)
            raise AssertionError(f"the bot never submitted (exit {child.returncode}): {err}")
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL


def test_sigkill_during_a_submit_then_restart_neither_loses_nor_duplicates_the_order(
    tmp_path: Path, live_venue: LiveFakeBinance
) -> None:
    # The client waits up to 20 s for the answer; the venue accepts, then stalls 30 s.
    config = write_config(
        tmp_path, live_venue.base_url, timeout_ms=20_000, strategy=blueprint(limit=True)
    )
    live_venue.script(Fault(kind="delay_after_accept", delay_s=30.0))
    child = subprocess.Popen(
        _bot(config, "--max-cycles", "5"),
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _kill_when_posted(child, live_venue)
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate(timeout=10)
    (coid,) = posted_ids(live_venue)
    db = tmp_path / "bot.db"
    assert live_venue.orders[coid].status == "NEW"  # the venue holds it ...
    assert event_kinds(db, coid) == [S.CREATED]  # ... the store wrote it ahead, no answer

    restarted = _run(_bot(config, "--max-cycles", "2"))
    assert restarted.returncode == 0, restarted.stderr
    assert "startup reconciliation clean" in restarted.stderr  # known to the store: no orphan
    assert restarted.stderr.count("cycle ") == 2  # the runner continues
    assert posted_ids(live_venue) == [coid]  # one POST per client id: not re-sent
    assert list(live_venue.orders) == [coid]
    assert event_kinds(db, coid) == [S.CREATED, S.ACCEPTED]  # found by client id
    reader = SqliteRunReader(connect(db))
    sessions = reader.run_ids()
    assert len(sessions) == 2
    # The bar was planned (write-ahead) by the killed process: not planned again.
    assert [len(reader.plans(run)) for run in sessions] == [1, 0]

    # It fills while no bot runs; a third process records the fill exactly once.
    live_venue.fill(coid, Decimal("0.01"))
    third = _run(_bot(config, "--max-cycles", "1"))
    assert third.returncode == 0, third.stderr
    kinds = event_kinds(db, coid)
    assert kinds == [S.CREATED, S.ACCEPTED, S.FILLED]
    assert posted_ids(live_venue) == [coid]
