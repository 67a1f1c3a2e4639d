"""Protective exits in a live run through ccxt's real Binance class against the loopback
venue: the OCO is booked after the entry fills, one leg filling ends the other and the
position, and an entry filled before a restart is protected by the next session; the
startup guard knows the OCO's legs as ours."""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from tests.integration.live.live_venue import LiveFakeBinance, blueprint
from tests.integration.live.runner_wiring import ShiftedClock, event_kinds, posted_ids, wire_live

from tradekernel.bootstrap.live_job import LiveWiring
from tradekernel.domain.enums import OrderStatus
from tradekernel.orchestration.cycle.protective_exits import ProtectiveExits
from tradekernel.shared.ids import oco_leg_ids, protective_order_id

S = OrderStatus
POST_OCO = ("POST", "/api/v3/orderList/oco")
NO_EXIT = '[[planners.exit]]\ntype = "none"'
# A 1 % stop and a 2 % target from the decision bar's close (51000): 50490 and 52020.
FIXED_RR = '[[planners.exit]]\ntype = "fixed_rr"\nstop_pct = "0.01"\nrisk_reward = "2"'
HELD = Decimal("0.00999")  # the 0.01 BTC bought, less the venue's fee in BTC


def _strategy() -> str:
    text = blueprint()
    assert NO_EXIT in text
    return text.replace(NO_EXIT, FIXED_RR)


@pytest.fixture
def venue(live_venue: LiveFakeBinance) -> LiveFakeBinance:
    live_venue.prices["BTCUSDT"] = Decimal(51000)  # the entry fills at the decision close
    return live_venue


def _session(tmp_path: Path, venue: LiveFakeBinance, clock: ShiftedClock) -> LiveWiring:
    return wire_live(tmp_path, venue, clock, strategy=_strategy())


@pytest.fixture
def run(tmp_path: Path, venue: LiveFakeBinance) -> Iterator[LiveWiring]:
    wiring = _session(tmp_path, venue, ShiftedClock())
    try:
        wiring.runner.start()
        yield wiring
    finally:
        wiring.close()


def test_the_oco_is_booked_once_the_entry_has_filled(
    run: LiveWiring, venue: LiveFakeBinance, tmp_path: Path
) -> None:
    report = run.runner.cycle()
    (entry,) = posted_ids(venue)
    assert venue.orders[entry].status == "FILLED"
    protect = protective_order_id(entry, 0)
    assert report.submitted == (entry, protect)
    (posted,) = venue.calls(*POST_OCO)
    assert posted.params["listClientOrderId"] == protect
    assert Decimal(posted.params["quantity"]) == HELD
    assert Decimal(posted.params["belowStopPrice"]) == Decimal("50490")
    assert Decimal(posted.params["abovePrice"]) == Decimal("52020")
    assert event_kinds(tmp_path / "bot.db", protect)[-1] is S.ACCEPTED
    run.runner.cycle()
    assert len(venue.calls(*POST_OCO)) == 1  # not stacked


def test_a_filled_target_ends_the_stop_and_the_position(
    run: LiveWiring, venue: LiveFakeBinance, tmp_path: Path
) -> None:
    run.runner.cycle()
    (entry,) = posted_ids(venue)
    protect = protective_order_id(entry, 0)
    stop_leg, target_leg = oco_leg_ids(protect)
    venue.fill(target_leg, HELD)
    assert venue.orders[stop_leg].status == "EXPIRED"
    run.runner.cycle()
    kinds = event_kinds(tmp_path / "bot.db", protect)
    assert kinds[0] is S.CREATED and kinds[-1] is S.FILLED
    assert run.runner.market.book().held("BTC/USDT") == 0
    assert venue.balances["BTC"] == [Decimal(0), Decimal(0)]
    run.runner.cycle()
    assert len(venue.calls(*POST_OCO)) == 1


def test_an_entry_filled_before_a_restart_is_protected_by_the_next_session(
    tmp_path: Path, venue: LiveFakeBinance, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ShiftedClock()
    with monkeypatch.context() as patch:
        # The first process stops after its entry filled, before the protection ran.
        patch.setattr(ProtectiveExits, "follow", lambda self, now_ms: None)
        first = _session(tmp_path, venue, clock)
        try:
            first.runner.start()
            first.runner.cycle()
        finally:
            first.close()
    (entry,) = posted_ids(venue)
    assert venue.orders[entry].status == "FILLED"
    assert venue.calls(*POST_OCO) == []
    second = _session(tmp_path, venue, clock)
    try:
        second.runner.start()
        report = second.runner.cycle()
    finally:
        second.close()
    protect = protective_order_id(entry, 0)
    assert report.submitted == (protect,)
    assert [r.params["listClientOrderId"] for r in venue.calls(*POST_OCO)] == [protect]
    # A third session finds the OCO's two legs on the venue and knows them as its own.
    third = _session(tmp_path, venue, clock)
    try:
        reconciled = third.runner.start()
        assert reconciled.orphans == ()
        third.runner.cycle()
    finally:
        third.close()
    assert len(venue.calls(*POST_OCO)) == 1


def _limit_strategy(**execution: str) -> str:
    text = blueprint(limit=True, timeout_ms=60_000, rollback=execution.pop("rollback", "keep"))
    extra = "".join(f"\n{key} = {value}" for key, value in execution.items())
    return text.replace(NO_EXIT, FIXED_RR) + extra + "\n"


def test_a_rollback_withdraws_the_oco_that_locks_what_it_sells(
    tmp_path: Path, venue: LiveFakeBinance
) -> None:
    clock = ShiftedClock()
    wiring = wire_live(tmp_path, venue, clock, strategy=_limit_strategy(rollback="close"))
    try:
        wiring.runner.start()
        (coid,) = wiring.runner.cycle().submitted
        venue.fill(coid, Decimal("0.004"))
        wiring.runner.cycle()  # the partial fill is protected
        protect = protective_order_id(coid, 0)
        (posted,) = venue.calls(*POST_OCO)
        assert (posted.params["listClientOrderId"], posted.params["quantity"]) == (
            protect,
            "0.00399",
        )
        clock.shift_ms += 61_000  # the entry times out: cancelled, the filled part closed
        wiring.runner.cycle()
        (follow_up,) = wiring.runner.supervisor.follow_ups
        assert (follow_up.kind, follow_up.status) == ("rollback", S.FILLED)
    finally:
        wiring.close()
    assert [c.params["listClientOrderId"] for c in venue.calls("DELETE", "/api/v3/orderList")] == [
        protect
    ]
    assert {venue.orders[leg].status for leg in oco_leg_ids(protect)} == {"CANCELED"}
    assert event_kinds(tmp_path / "bot.db", protect)[-1] is S.CANCELLED


def test_a_market_fallback_is_protected_with_its_entrys_levels(
    tmp_path: Path, venue: LiveFakeBinance
) -> None:
    clock = ShiftedClock()
    strategy = _limit_strategy(allow_market_fallback="true", fallback_on='["timeout"]')
    wiring = wire_live(tmp_path, venue, clock, strategy=strategy)
    try:
        wiring.runner.start()
        (coid,) = wiring.runner.cycle().submitted
        clock.shift_ms += 61_000  # unfilled: cancelled, the market fallback buys instead
        wiring.runner.cycle()
        (follow_up,) = wiring.runner.supervisor.follow_ups
        assert (follow_up.follows, follow_up.kind, follow_up.status) == (
            coid,
            "fallback",
            S.FILLED,
        )
    finally:
        wiring.close()
    (posted,) = venue.calls(*POST_OCO)
    assert posted.params["listClientOrderId"] == protective_order_id(follow_up.client_order_id, 0)
    assert Decimal(posted.params["quantity"]) == HELD
    assert Decimal(posted.params["belowStopPrice"]) == Decimal("50490")
