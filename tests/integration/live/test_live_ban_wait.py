"""A short ban (HTTP 418) through ccxt's real Binance class: `run_live` sends nothing until
the ban's end, then reconciles, places its order and goes on; a long one ends the run."""

import json
import time
from pathlib import Path

import pytest
from tests.integration.ccxt.fake_binance import Fault
from tests.integration.live.live_venue import LiveFakeBinance
from tests.integration.live.runner_wiring import ShiftedClock, posted_ids, wire_live

from tradekernel.bootstrap.live_job import LiveWiring, run_live
from tradekernel.domain.errors import Fatal


@pytest.fixture
def timed(live_venue: LiveFakeBinance) -> list[tuple[float, str]]:
    """Record the wall time of every request the venue receives."""
    seen: list[tuple[float, str]] = []
    take = live_venue.take_fault

    def recording(method: str, path: str) -> Fault | None:
        seen.append((time.time(), f"{method} {path}"))
        return take(method, path)

    live_venue.take_fault = recording  # type: ignore[method-assign]
    return seen


def _ban(until_ms: int) -> Fault:
    # On the first klines read: before the plan, so no order is left ambiguous.
    return Fault(
        kind="status",
        method="GET",
        path="/api/v3/klines",
        status=418,
        body={"code": -1003, "msg": f"Way too many requests; IP banned until {until_ms}."},
    )


def test_a_short_ban_is_waited_out_without_requests_then_the_order_goes_out(
    tmp_path: Path,
    live_venue: LiveFakeBinance,
    timed: list[tuple[float, str]],
    built: list[LiveWiring],
) -> None:
    run = wire_live(tmp_path, live_venue, ShiftedClock())
    built.append(run)
    until_ms = time.time_ns() // 1_000_000 + 2_000
    live_venue.script(_ban(until_ms))
    lines: list[str] = []
    summary = run_live(run, cycle_seconds=0.05, max_cycles=4, on_cycle=lines.append)
    banned_at = next(t for t, what in timed if what == "GET /api/v3/klines")
    # Nothing reached the venue between the 418 and the ban's end.
    assert [what for t, what in timed if banned_at < t < until_ms / 1000] == []
    after = [what for t, what in timed if t >= until_ms / 1000]
    assert after[:1] != [] and "POST /api/v3/order" in after
    (coid,) = posted_ids(live_venue)
    assert live_venue.orders[coid].status == "FILLED"
    assert any(line.startswith("banned by the venue until") for line in lines)
    assert any(line.startswith("ban over: venue reconciled") for line in lines)
    data = json.loads(summary)
    assert data["bans"] == 1 and float(data["ban_wait_s"]) > 1.0
    assert data["stop_reason"] == "max cycles reached (4)"


def test_a_ban_ending_past_max_ban_wait_ends_the_run(
    tmp_path: Path, live_venue: LiveFakeBinance, built: list[LiveWiring]
) -> None:
    run = wire_live(tmp_path, live_venue, ShiftedClock(), extra="max_ban_wait = 1.0")
    built.append(run)
    live_venue.script(_ban(time.time_ns() // 1_000_000 + 60_000))
    seen = len(live_venue.requests)
    started = time.monotonic()
    with pytest.raises(Fatal, match="banned"):
        run_live(run, cycle_seconds=0.05, max_cycles=4, on_cycle=lambda line: None)
    assert time.monotonic() - started < 10  # no wait for a ban it will not ride out
    assert len(live_venue.requests) > seen
