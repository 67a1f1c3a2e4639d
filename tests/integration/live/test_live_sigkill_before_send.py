"""A real `tradekernel live --live` process is SIGKILLed after it stored an order and
before the venue booked it, then a real, unpatched process restarts on the same SQLite file
(issue #14): the restart is not refused, the order ends LOST ("never placed") by a lookup
by client id with a warning line once its grace (`ambiguous_grace_ms`) ends, nothing is
duplicated at the venue, and the next entry goes out.

Two places the kill lands:
- `before_send`: the bot runs under `killed_before_send`, which SIGKILLs the process the
  moment the OMS hands the stored order to the ccxt adapter (no hook in `src/`);
- `in_flight`: the plain bot's POST reaches the venue, which holds it unanswered and never
  books it; the test kills the process while it is held (the store cannot tell the two
  apart: both leave only CREATED).

The venue runs in this test process on 127.0.0.1; every wait is bounded."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.integration.ccxt.conftest import API_KEY, API_SECRET
from tests.integration.ccxt.fake_binance import Fault
from tests.integration.live.live_venue import (
    HOUR_MS,
    LiveFakeBinance,
    blueprint,
    crossing_klines,
    write_config,
)
from tests.integration.live.runner_wiring import POST_ORDER, event_kinds, posted_ids

from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.order_event_store import SqliteOrderEventStore
from tradekernel.domain.enums import OrderStatus

S = OrderStatus
LIMIT_S = 60.0
GRACE_MS = 300
ROOT = Path(__file__).resolve().parents[3]


def _bot(config: Path, *, killed_before_send: bool) -> subprocess.Popen[str]:
    module = "tests.integration.live.killed_before_send" if killed_before_send else None
    argv = [sys.executable, "-m", module or "tradekernel.bootstrap.cli"]
    env = {**os.environ, "TRADEKERNEL_API_KEY": API_KEY, "TRADEKERNEL_API_SECRET": API_SECRET}
    return subprocess.Popen(
        [*argv, "live", "--config", str(config), "--live"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_until(child: subprocess.Popen[str], condition: object, what: str) -> None:
    deadline = time.monotonic() + LIMIT_S
    while not (callable(condition) and condition()):
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            _, err = child.communicate(timeout=10)
            raise AssertionError(f"no {what} (exit {child.returncode}): {err}")
        time.sleep(0.02)


def _stored_ids(db: Path) -> list[str]:
    return [event.client_order_id for event in SqliteOrderEventStore(connect(db)).all_events()]


@pytest.mark.parametrize("kill_at", ["before_send", "in_flight"])
def test_sigkill_before_the_venue_books_a_stored_order_then_restart_ends_never_placed(
    tmp_path: Path, live_venue: LiveFakeBinance, kill_at: str
) -> None:
    db = tmp_path / "bot.db"
    config = write_config(
        tmp_path,
        live_venue.base_url,
        timeout_ms=20_000,
        strategy=blueprint(limit=True),
        extra=f"ambiguous_grace_ms = {GRACE_MS}",
    )
    # The killed process plans on a cross one hour back; the restart sees a newer one.
    live_venue.klines["BTCUSDT"] = crossing_klines(live_venue.now_ms() - HOUR_MS)
    before_send = kill_at == "before_send"
    if not before_send:
        live_venue.script(Fault(kind="hold_unbooked", delay_s=20.0))
    child = _bot(config, killed_before_send=before_send)
    try:
        if before_send:
            child.wait(timeout=LIMIT_S)  # it kills itself at the adapter's door
        else:
            _wait_until(child, lambda: live_venue.calls(*POST_ORDER), "submit")
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
        _, err = child.communicate(timeout=10)
    assert child.returncode == -signal.SIGKILL, err
    (coid,) = set(_stored_ids(db))
    assert event_kinds(db, coid) == [S.CREATED]  # stored ahead, no answer recorded
    assert posted_ids(live_venue) == ([] if before_send else [coid])
    assert live_venue.orders == {}  # the venue never booked it

    live_venue.klines["BTCUSDT"] = crossing_klines(live_venue.now_ms())
    restarted = _bot(config, killed_before_send=False)
    try:
        _wait_until(restarted, lambda: len(live_venue.orders) == 1, "next entry")
        restarted.send_signal(signal.SIGTERM)
        out, err = restarted.communicate(timeout=LIMIT_S)
    finally:
        if restarted.poll() is None:
            restarted.kill()
            restarted.communicate(timeout=10)
    assert restarted.returncode == 0, err
    assert "startup reconciliation clean" in err  # the stored order does not refuse it
    (warning,) = [line for line in err.splitlines() if line.startswith("warning  never_placed")]
    assert coid in warning and "stored but never sent" in warning
    assert event_kinds(db, coid) == [S.CREATED, S.LOST]
    assert "never placed" in SqliteOrderEventStore(connect(db)).events_for(coid)[-1].payload
    (again,) = live_venue.orders
    assert again != coid and live_venue.orders[again].status == "NEW"
    # One POST per client id: the lost order was never re-sent, the next entry went once.
    assert posted_ids(live_venue) == ([again] if before_send else [coid, again])
    assert "Traceback" not in err and out.count("summary") == 1
