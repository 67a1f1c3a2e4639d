"""The live runner through ccxt's real Binance class, the loopback venue's faults and a
real SQLite store: each scenario asserts the venue's request log and the stored events."""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from tests.integration.ccxt.fake_binance import Fault
from tests.integration.live.live_venue import LiveFakeBinance, blueprint
from tests.integration.live.runner_wiring import (
    ShiftedClock,
    event_kinds,
    posted_ids,
    wire_live,
)

from tradekernel.bootstrap.live_job import LiveWiring
from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.errors import Fatal

S = OrderStatus


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
def wiring(
    tmp_path: Path, live_venue: LiveFakeBinance, clock: ShiftedClock
) -> Iterator[list[LiveWiring]]:
    built: list[LiveWiring] = []
    yield built
    for item in built:
        item.close()


def _start(
    built: list[LiveWiring],
    tmp_path: Path,
    venue: LiveFakeBinance,
    clock: ShiftedClock,
    **config: object,
) -> LiveWiring:
    item = wire_live(tmp_path, venue, clock, **config)
    built.append(item)
    item.runner.start()
    return item


def test_lost_acknowledgement_gives_exactly_one_order_across_cycles(
    tmp_path: Path, live_venue: LiveFakeBinance, clock: ShiftedClock, wiring: list[LiveWiring]
) -> None:
    run = _start(wiring, tmp_path, live_venue, clock)
    live_venue.script(Fault(kind="drop_after_accept"))
    (coid,) = run.runner.cycle().submitted
    run.runner.cycle()
    assert posted_ids(live_venue) == [coid]
    assert list(live_venue.orders) == [coid]
    # Found by client id after the dropped answer: never marked ambiguous.
    assert live_venue.calls("GET", "/api/v3/order")[0].params["origClientOrderId"] == coid
    assert event_kinds(tmp_path / "bot.db", coid) == [S.CREATED, S.SUBMITTED, S.ACCEPTED, S.FILLED]


def test_rate_limited_submit_waits_and_succeeds_with_the_same_client_id(
    tmp_path: Path, live_venue: LiveFakeBinance, clock: ShiftedClock, wiring: list[LiveWiring]
) -> None:
    run = _start(wiring, tmp_path, live_venue, clock)
    live_venue.script(
        Fault(
            kind="status",
            status=429,
            body={"code": -1003, "msg": "Too many requests."},
            headers={"Retry-After": "0.2"},
        )
    )
    (coid,) = run.runner.cycle().submitted
    assert posted_ids(live_venue) == [coid, coid]  # the 429 placed nothing; one retry
    assert list(live_venue.orders) == [coid]
    assert live_venue.orders[coid].status == "FILLED"
    assert S.REJECTED not in event_kinds(tmp_path / "bot.db", coid)


def test_ban_on_submit_halts_all_traffic_and_the_runner_stops(
    tmp_path: Path, live_venue: LiveFakeBinance, clock: ShiftedClock, wiring: list[LiveWiring]
) -> None:
    run = _start(wiring, tmp_path, live_venue, clock)
    live_venue.script(
        Fault(
            kind="status",
            status=418,
            body={"code": -1003, "msg": "Way too many requests; IP banned until 1900000000000."},
        )
    )
    with pytest.raises(Fatal, match="banned"):
        run.runner.cycle()
    seen = len(live_venue.requests)
    with pytest.raises(Fatal, match="halted"):
        run.runner.cycle()  # refused before any request: reconciliation's first read
    assert len(live_venue.requests) == seen
    assert run.execution.halted_reason is not None
    (coid,) = posted_ids(live_venue)
    assert live_venue.orders == {}
    # Not REJECTED: after a Fatal the venue's view is unknown; reconciliation decides.
    assert event_kinds(tmp_path / "bot.db", coid) == [S.CREATED, S.SUBMIT_AMBIGUOUS]


def test_5xx_after_accept_is_looked_up_by_client_id_and_continued(
    tmp_path: Path, live_venue: LiveFakeBinance, clock: ShiftedClock, wiring: list[LiveWiring]
) -> None:
    run = _start(wiring, tmp_path, live_venue, clock)
    live_venue.script(Fault(kind="status_after_accept", status=503, body={"msg": "busy"}))
    (coid,) = run.runner.cycle().submitted
    assert posted_ids(live_venue) == [coid]
    assert event_kinds(tmp_path / "bot.db", coid)[-1] is S.FILLED


def test_5xx_with_failing_lookups_is_ambiguous_then_reconciliation_settles_it(
    tmp_path: Path, live_venue: LiveFakeBinance, clock: ShiftedClock, wiring: list[LiveWiring]
) -> None:
    run = _start(wiring, tmp_path, live_venue, clock)
    lookup_down = Fault(kind="status", method="GET", status=503, body={"msg": "busy"})
    live_venue.script(Fault(kind="status_after_accept", status=503), *[lookup_down] * 200)
    (coid,) = run.runner.cycle().submitted
    assert event_kinds(tmp_path / "bot.db", coid)[-1] is S.SUBMIT_AMBIGUOUS
    live_venue.faults.clear()  # the venue answers again
    report = run.runner.cycle().reconciliation
    assert report is not None and report.resolved == ((coid, S.FILLED),)
    assert posted_ids(live_venue) == [coid]  # settled by lookup, never re-sent
    kinds = event_kinds(tmp_path / "bot.db", coid)
    assert kinds[:2] == [S.CREATED, S.SUBMIT_AMBIGUOUS] and kinds[-1] is S.FILLED


def test_5xx_before_accept_is_marked_lost_after_the_grace_and_not_resent(
    tmp_path: Path, live_venue: LiveFakeBinance, clock: ShiftedClock, wiring: list[LiveWiring]
) -> None:
    run = _start(wiring, tmp_path, live_venue, clock)
    live_venue.script(Fault(kind="status", status=502, body={"msg": "bad gateway"}))
    (coid,) = run.runner.cycle().submitted
    first = run.runner.cycle().reconciliation
    assert first is not None and first.pending == (coid,) and first.lost == ()
    clock.shift_ms += 61_000  # past the OMS's ambiguous grace
    later = run.runner.cycle().reconciliation
    assert later is not None and later.lost == (coid,)
    assert posted_ids(live_venue) == [coid]
    assert live_venue.orders == {}
    assert event_kinds(tmp_path / "bot.db", coid)[-1] is S.LOST


def test_partial_fill_then_timeout_cancels_and_closes_the_filled_part(
    tmp_path: Path, live_venue: LiveFakeBinance, clock: ShiftedClock, wiring: list[LiveWiring]
) -> None:
    strategy = blueprint(limit=True, timeout_ms=500, rollback="close")
    run = _start(wiring, tmp_path, live_venue, clock, strategy=strategy)
    (coid,) = run.runner.cycle().submitted
    (entry,) = live_venue.calls("POST", "/api/v3/order")
    assert (entry.params["type"], entry.params["price"]) == ("LIMIT", "50949")
    live_venue.fill(coid, Decimal("0.004"))
    clock.shift_ms += 1_000
    run.runner.cycle()
    cancels = live_venue.calls("DELETE", "/api/v3/order")
    assert [c.params["origClientOrderId"] for c in cancels] == [coid]
    assert live_venue.orders[coid].status == "CANCELED"
    assert event_kinds(tmp_path / "bot.db", coid) == [
        S.CREATED, S.SUBMITTED, S.ACCEPTED, S.PARTIALLY_FILLED, S.CANCEL_REQUESTED, S.CANCELLED
    ]  # fmt: skip
    # Rollback "close": sell what the ledger holds (0.004 less the 0.1% base fee, floored).
    sells = [p for p in live_venue.calls("POST", "/api/v3/order") if p.params["side"] == "SELL"]
    assert [(s.params["type"], s.params["quantity"]) for s in sells] == [("MARKET", "0.00399")]
    (follow_up,) = run.runner.supervisor.follow_ups
    assert (follow_up.follows, follow_up.kind, follow_up.status) == (coid, "rollback", S.FILLED)


def test_fill_arriving_after_the_cancel_request_ends_filled_without_rollback(
    tmp_path: Path, live_venue: LiveFakeBinance, clock: ShiftedClock, wiring: list[LiveWiring]
) -> None:
    strategy = blueprint(limit=True, timeout_ms=500, rollback="close")
    run = _start(wiring, tmp_path, live_venue, clock, strategy=strategy)
    (coid,) = run.runner.cycle().submitted
    live_venue.script(Fault(kind="fill_on_cancel", method="DELETE"))
    clock.shift_ms += 1_000
    run.runner.cycle()
    assert [c.params["origClientOrderId"] for c in live_venue.calls("DELETE", "/api/v3/order")] == [
        coid
    ]
    assert live_venue.orders[coid].status == "FILLED"
    kinds = event_kinds(tmp_path / "bot.db", coid)
    assert kinds[-2:] == [S.CANCEL_REQUESTED, S.FILLED]
    assert posted_ids(live_venue) == [coid]  # no rollback: nothing failed
    assert run.runner.supervisor.follow_ups == []


def test_clock_skew_resyncs_the_time_offset_and_trades_once(
    tmp_path: Path, live_venue: LiveFakeBinance, clock: ShiftedClock, wiring: list[LiveWiring]
) -> None:
    live_venue.skew_ms = 10_000  # the venue's clock runs 10 s ahead: past recvWindow 5 s
    run = _start(wiring, tmp_path, live_venue, clock)
    (coid,) = run.runner.cycle().submitted
    assert len(live_venue.calls("GET", "/api/v3/time")) >= 1
    assert posted_ids(live_venue) == [coid]
    assert live_venue.orders[coid].status == "FILLED"
    assert event_kinds(tmp_path / "bot.db", coid)[-1] is S.FILLED


def test_unreadable_klines_skip_the_cycle_without_planning_and_the_next_cycle_plans(
    tmp_path: Path, live_venue: LiveFakeBinance, clock: ShiftedClock, wiring: list[LiveWiring]
) -> None:
    run = _start(wiring, tmp_path, live_venue, clock)
    down = Fault(kind="status", method="GET", path="/api/v3/klines", status=503, body={})
    live_venue.script(*[down] * 4)  # every attempt of one read
    skipped = run.runner.cycle()
    assert skipped.skipped is not None and "venue unreadable" in skipped.skipped
    assert skipped.submitted == () and posted_ids(live_venue) == []
    (coid,) = run.runner.cycle().submitted
    assert posted_ids(live_venue) == [coid]


def test_stop_new_orders_switch_takes_effect_within_one_cycle(
    tmp_path: Path, live_venue: LiveFakeBinance, clock: ShiftedClock, wiring: list[LiveWiring]
) -> None:
    run = _start(wiring, tmp_path, live_venue, clock)
    (tmp_path / "STOP_NEW_ORDERS").touch()
    report = run.runner.cycle()
    assert report.stop_new_orders and report.submitted == ()
    assert posted_ids(live_venue) == []
