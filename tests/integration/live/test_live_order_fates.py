"""Every order ends working, finished, or never placed / gone, decided from the venue's
answers to lookups by client id, with a log line: through ccxt's real Binance class, the
loopback venue and a real SQLite store (issue #14, items 1, 2 and 8).

- A submit answered 503 before the venue booked it is ambiguous; the entry timeout does
  not cancel it (no DELETE, no -2011 loop); it ends LOST ("never placed") after the OMS's
  grace, and the next entry goes out.
- An accepted order the venue drops ends LOST ("gone") after the vanish bound, logged.
- A crash between storing an order and sending it, then a restart: the order is pending
  (the start is not refused), then LOST ("never placed") with a warning; nothing is sent.
"""

import json
from pathlib import Path

import pytest
from tests.integration.ccxt.fake_binance import Fault
from tests.integration.live.live_venue import HOUR_MS, LiveFakeBinance, blueprint, crossing_klines
from tests.integration.live.runner_wiring import ShiftedClock, event_kinds, posted_ids, wire_live

from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.order_event_store import SqliteOrderEventStore
from tradekernel.adapters.sqlite.run_reader import SqliteRunReader
from tradekernel.bootstrap.live_job import LiveWiring, run_live
from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.orders import Order
from tradekernel.orchestration.live.order_notices import NoticeKind

S = OrderStatus
GRACE_S = 61  # past the OMS's ambiguous grace (60 s)
# Acknowledged orders the venue forgets are settled after 2 passes spanning 1 s.
VANISH = "vanish_passes = 2\nvanish_grace_ms = 1000\n"


class SimulatedCrash(BaseException):
    """The process dies: nothing after the raise runs (a BaseException, as SystemExit)."""


def _wire(
    built: list[LiveWiring],
    tmp: Path,
    venue: LiveFakeBinance,
    clock: ShiftedClock,
    **config: object,
) -> LiveWiring:
    wiring = wire_live(tmp, venue, clock, **config)
    built.append(wiring)
    return wiring


def _last_payload(db: Path, coid: str) -> str:
    return SqliteOrderEventStore(connect(db)).events_for(coid)[-1].payload


def test_503_before_booking_then_the_entry_timeout_ends_never_placed_and_the_next_entry_goes(
    tmp_path: Path, live_venue: LiveFakeBinance, built: list[LiveWiring]
) -> None:
    clock = ShiftedClock()
    strategy = blueprint(limit=True, timeout_ms=500)
    run = _wire(built, tmp_path, live_venue, clock, strategy=strategy)
    run.runner.start()
    live_venue.script(Fault(kind="status", status=503, body={"msg": "Service Unavailable"}))
    first = run.runner.cycle()
    (coid,) = first.submitted
    assert live_venue.orders == {}  # the 503 came before the venue booked it
    assert [n.kind for n in first.notices] == [NoticeKind.AMBIGUOUS]

    clock.shift_ms += 1_000  # past the entry timeout: an ambiguous order is not cancelled
    timed_out = run.runner.cycle()
    assert live_venue.calls("DELETE", "/api/v3/order") == []
    assert event_kinds(tmp_path / "bot.db", coid) == [S.CREATED, S.SUBMIT_AMBIGUOUS]
    assert timed_out.reconciliation is not None and timed_out.reconciliation.pending == (coid,)

    clock.shift_ms += GRACE_S * 1_000
    settled = run.runner.cycle()
    assert event_kinds(tmp_path / "bot.db", coid) == [S.CREATED, S.SUBMIT_AMBIGUOUS, S.LOST]
    assert "never placed" in _last_payload(tmp_path / "bot.db", coid)
    (notice,) = [n for n in settled.notices if n.client_order_id == coid]
    assert notice.kind is NoticeKind.NEVER_PLACED and notice.level == "warning"
    assert settled.counts["never_placed"] == 1
    assert live_venue.calls("DELETE", "/api/v3/order") == []  # no cancel loop, ever

    # The next signal (a new cross on a later bar) goes out: nothing blocks the symbol.
    clock.shift_ms += HOUR_MS
    live_venue.klines["BTCUSDT"] = crossing_klines(clock.now_ms())
    (again,) = run.runner.cycle().submitted
    assert again != coid and posted_ids(live_venue) == [coid, again]
    assert live_venue.orders[again].status == "NEW"


def test_accepted_order_the_venue_drops_ends_gone_with_a_log_line(
    tmp_path: Path, live_venue: LiveFakeBinance, built: list[LiveWiring]
) -> None:
    clock = ShiftedClock()
    run = _wire(built, tmp_path, live_venue, clock, strategy=blueprint(limit=True), extra=VANISH)
    lines: list[str] = []

    def on_cycle(line: str) -> None:
        lines.append(line)
        if line.startswith("cycle "):
            for coid in list(live_venue.orders):
                live_venue.forget(coid)  # archived by the venue right after it was accepted
            clock.shift_ms += 1_000

    summary = json.loads(run_live(run, cycle_seconds=0.0, max_cycles=4, on_cycle=on_cycle))
    (coid,) = posted_ids(live_venue)
    kinds = event_kinds(tmp_path / "bot.db", coid)
    assert kinds[:3] == [S.CREATED, S.SUBMITTED, S.ACCEPTED] and kinds[-1] is S.LOST
    assert kinds.count(S.VENUE_CHECK) == 2
    assert "vanished" in _last_payload(tmp_path / "bot.db", coid)
    gone = [line for line in lines if line.startswith("warning  gone: ")]
    assert len(gone) == 1 and coid in gone[0]
    assert sum(line.startswith("warning  unseen: ") for line in lines) == 2
    cycles = [line for line in lines if line.startswith("cycle ")]
    assert len(cycles) == 4 and any("gone=1" in line for line in cycles)
    assert summary["order_events"]["gone"] == 1 and summary["order_events"]["unseen"] == 2
    assert live_venue.calls("DELETE", "/api/v3/order") == []  # nothing cancelled to settle it


def test_crash_between_store_and_send_then_restart_ends_never_placed_with_a_warning(
    tmp_path: Path,
    live_venue: LiveFakeBinance,
    built: list[LiveWiring],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = ShiftedClock()
    db = tmp_path / "bot.db"
    first = _wire(built, tmp_path, live_venue, clock, strategy=blueprint(limit=True))
    first.runner.start()

    def crash(intent: ExecutionIntent) -> Order:
        raise SimulatedCrash(intent.client_order_id)

    monkeypatch.setattr(first.execution, "submit", crash)
    with pytest.raises(SimulatedCrash) as died:
        first.runner.cycle()
    coid = str(died.value)
    assert event_kinds(db, coid) == [S.CREATED]  # stored ahead, never sent
    assert posted_ids(live_venue) == []
    first.close()
    built.remove(first)

    restarted = _wire(built, tmp_path, live_venue, clock, strategy=blueprint(limit=True))
    lines: list[str] = []

    def on_cycle(line: str) -> None:
        lines.append(line)
        if line.startswith("cycle "):
            clock.shift_ms += GRACE_S * 1_000

    run_live(restarted, cycle_seconds=0.0, max_cycles=2, on_cycle=on_cycle)
    assert lines[0].startswith("startup reconciliation clean")  # pending does not block
    assert any(line.startswith(f"info     pending: order {coid}") for line in lines)
    (warning,) = [line for line in lines if line.startswith("warning  never_placed: ")]
    assert coid in warning and "stored but never sent" in warning
    assert event_kinds(db, coid) == [S.CREATED, S.LOST]
    assert posted_ids(live_venue) == []  # never sent, not by the restart either
    assert live_venue.orders == {}


def test_lost_acknowledgement_and_rate_limit_retry_are_each_one_notice_and_counted(
    tmp_path: Path, live_venue: LiveFakeBinance, built: list[LiveWiring]
) -> None:
    clock = ShiftedClock()
    run = _wire(built, tmp_path, live_venue, clock)
    run.runner.start()
    live_venue.script(
        Fault(kind="status", status=429, body={"code": -1003, "msg": "Too many requests."}),
        Fault(kind="drop_after_accept"),
    )
    cycle = run.runner.cycle()
    (coid,) = cycle.submitted
    assert posted_ids(live_venue) == [coid, coid]  # the 429 placed nothing; one retry
    kinds = [(n.kind, n.client_order_id) for n in cycle.notices]
    assert kinds == [(NoticeKind.RETRY, coid), (NoticeKind.LOST_ACK, coid)]
    assert (cycle.counts["retry"], cycle.counts["lost_ack"]) == (1, 1)
    assert run.runner.cycle().notices == ()  # said once
    summary = json.loads(run.runner.finish("test"))
    assert summary["order_events"]["retry"] == 1 and summary["order_events"]["lost_ack"] == 1
    # The session's stored summary (what `runs show` reads) carries the same counts.
    reader = SqliteRunReader(connect(tmp_path / "bot.db"))
    (run_id,) = reader.run_ids()
    stored = json.loads(reader.run_summary(run_id) or "{}")
    assert stored["order_events"] == summary["order_events"]


def test_an_order_a_pass_cannot_settle_is_an_unresolved_warning_each_pass(
    tmp_path: Path,
    live_venue: LiveFakeBinance,
    built: list[LiveWiring],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = ShiftedClock()
    run = _wire(built, tmp_path, live_venue, clock, strategy=blueprint(limit=True))
    run.runner.start()
    (coid,) = run.runner.cycle().submitted
    # The venue's open-orders list lags: the lookup by client id still finds it working.
    monkeypatch.setattr(run.execution, "open_orders", lambda symbol=None: ())
    for _ in range(2):
        cycle = run.runner.cycle()
        assert cycle.reconciliation is not None and cycle.reconciliation.unresolved == (coid,)
        (notice,) = cycle.notices
        assert (notice.kind, notice.client_order_id, notice.level) == (
            NoticeKind.UNRESOLVED,
            coid,
            "warning",
        )
        assert cycle.counts["unresolved"] == 1
