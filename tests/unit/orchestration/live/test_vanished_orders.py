"""An accepted order the venue forgets: counted as working while unseen, settled LOST
after `vanish_passes` consecutive passes spanning `vanish_grace_ms`, fills kept."""

from decimal import Decimal

import attrs
import pytest
from tests.unit.orchestration.live.live_fixtures import SYMBOL, Live, intent

from tradekernel.domain.account import Balance
from tradekernel.domain.enums import OrderStatus
from tradekernel.orchestration.live.reconciliation import Reconciler, ReconcileSettings
from tradekernel.orchestration.live.startup_guard import check_startup, notices
from tradekernel.orchestration.oms.order_manager import OrderManager

GRACE = 300_000


def _restart(live: Live) -> None:
    """A new process on the same store: only the events survive."""
    live.oms = OrderManager(store=live.store, venue=live.venue, clock=live.clock)
    live.oms.rebuild()
    live.reconciler = Reconciler(
        manager=live.oms,
        venue=live.venue,
        store=live.store,
        settings=ReconcileSettings(symbols=(SYMBOL,), bases={SYMBOL: "BTC"}),
    )


def _partly_filled_then_forgotten() -> Live:
    live = Live()
    live.oms.submit(intent("tkV", quantity="2"))
    live.venue.fill("tkV", Decimal(1), Decimal(100), trade_id="T1")
    live.venue.set_account([Balance(asset="BTC", free=Decimal(1))], [])
    first = live.reconciler.reconcile(live.clock.now_ms())
    assert first.is_clean and live.oms.order("tkV").filled_quantity == 1  # type: ignore[union-attr]
    live.venue.forget("tkV")
    return live


def test_forgotten_order_stays_working_until_passes_and_grace_then_is_lost_with_its_fill() -> None:
    live = _partly_filled_then_forgotten()
    since = live.clock.now_ms()
    reports = []
    for _ in range(3):  # three passes, but within the grace: not yet settled
        reports.append(live.reconciler.reconcile(live.clock.now_ms()))
        live.clock.advance(60_000)
    assert [r.unseen[0].passes for r in reports] == [1, 2, 3]
    assert all(r.lost == () and r.is_clean for r in reports)
    assert [v.client_order_id for v in live.oms.open_order_views()] == ["tkV"]
    live.clock.set(since + GRACE)
    report = live.reconciler.reconcile(live.clock.now_ms())
    assert report.lost == ("tkV",) and report.unresolved == ()
    (vanished,) = report.vanished
    assert (vanished.passes, vanished.since_ms) == (4, since)
    state = live.oms.order("tkV")
    assert state is not None and state.status is OrderStatus.LOST
    assert state.filled_quantity == Decimal(1) and state.trade_ids == {"T1"}
    assert "4 consecutive pass(es) since" in state.detail and str(since) in state.detail
    assert live.oms.open_order_views() == ()  # no longer counted against caps or exposure
    check_startup(report)  # settled: the guard lets the bot trade
    assert any("settled as lost" in line and "tkV" in line for line in notices(report))


def test_a_fill_the_bot_had_not_seen_is_recorded_before_the_order_is_settled() -> None:
    live = _partly_filled_then_forgotten()
    # The venue traded the rest before it forgot the order.
    (first,) = live.venue.own_trades()
    live.venue.report_trade(attrs.evolve(first, trade_id="T2", ts_ms=live.clock.now_ms()))
    live.venue.set_account([Balance(asset="BTC", free=Decimal(2))], [])
    events_before = len(live.store.events)
    live.oms.check_absent("tkV")
    live.oms.check_absent("tkV")
    live.clock.advance(GRACE)
    state = live.oms.settle_vanished("tkV", "test evidence")
    # The fills complete the order: it ends FILLED, never LOST, and nothing was lost.
    assert state.status is OrderStatus.FILLED and state.trade_ids == {"T1", "T2"}
    kinds = [e.kind for e in live.store.events[events_before:]]
    assert OrderStatus.LOST not in kinds


def test_unseen_streak_survives_a_restart_and_settlement_is_idempotent() -> None:
    live = _partly_filled_then_forgotten()
    since = live.clock.now_ms()
    live.reconciler.reconcile(since)
    _restart(live)
    live.clock.advance(GRACE)
    assert live.reconciler.reconcile(live.clock.now_ms()).unseen[0].passes == 2
    _restart(live)  # the startup pass of a bot that was down past the grace
    report = live.reconciler.reconcile(live.clock.now_ms())
    assert report.lost == ("tkV",) and report.vanished[0].since_ms == since
    count = len(live.store.events)
    _restart(live)
    again = live.reconciler.reconcile(live.clock.now_ms())
    assert again.lost == () and again.unseen == () and len(live.store.events) == count
    assert live.oms.order("tkV").status is OrderStatus.LOST  # type: ignore[union-attr]


def test_an_order_seen_again_restarts_its_streak() -> None:
    live = Live()
    live.oms.submit(intent("tkV"))
    order = live.venue.forget("tkV")
    live.reconciler.reconcile(live.clock.now_ms())
    live.reconciler.reconcile(live.clock.now_ms())
    live.venue.reinstate(order)  # only a lagging lookup: the venue shows it again
    live.clock.advance(GRACE)
    assert live.reconciler.reconcile(live.clock.now_ms()).unseen == ()
    assert live.oms.order("tkV").unseen_passes == 0  # type: ignore[union-attr]
    live.venue.forget("tkV")
    live.clock.advance(GRACE)
    report = live.reconciler.reconcile(live.clock.now_ms())
    assert report.lost == () and report.unseen[0].passes == 1


def test_a_fill_reported_after_lost_is_applied_and_flagged() -> None:
    live = _partly_filled_then_forgotten()
    for _ in range(3):
        live.reconciler.reconcile(live.clock.now_ms())
        live.clock.advance(GRACE // 2)
    assert live.oms.order("tkV").status is OrderStatus.LOST  # type: ignore[union-attr]
    (first,) = live.venue.own_trades()
    live.venue.report_trade(attrs.evolve(first, trade_id="T9", ts_ms=live.clock.now_ms()))
    report = live.reconciler.reconcile(live.clock.now_ms())
    state = live.oms.order("tkV")
    assert state is not None and state.status is OrderStatus.LOST
    assert state.filled_quantity == Decimal(2) and "T9" in state.trade_ids
    assert [a.code for a in live.oms.anomalies] == ["fill_after_lost"]
    assert len(report.late_fills) == 1 and "T9" in report.late_fills[0]
    assert any("fill after lost" in line for line in notices(report))


def test_report_only_pass_writes_no_check() -> None:
    live = _partly_filled_then_forgotten()
    count = len(live.store.events)
    report = live.reconciler.reconcile(live.clock.now_ms(), act=False)
    assert report.unresolved == ("tkV",) and len(live.store.events) == count


@pytest.mark.parametrize(("passes", "grace"), [(1, 0), (2, -1)])
def test_settings_refuse_a_single_pass_or_negative_grace(passes: int, grace: int) -> None:
    with pytest.raises(ValueError, match="vanish_passes"):
        ReconcileSettings(
            symbols=(SYMBOL,), bases={SYMBOL: "BTC"}, vanish_passes=passes, vanish_grace_ms=grace
        )
