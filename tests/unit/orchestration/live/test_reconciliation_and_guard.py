from decimal import Decimal

import pytest
from tests.unit.orchestration.live.live_fixtures import SYMBOL, Live, intent

from tradekernel.domain.account import Balance
from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.live_policy import OrphanPolicy
from tradekernel.domain.ports.order_store import OrderEvent
from tradekernel.orchestration.live.startup_guard import StartupRefused, check_startup, notices
from tradekernel.orchestration.oms.order_payload import OrderSpec

ORPHAN = "tk" + "0" * 30


def test_a_clean_venue_passes_the_guard() -> None:
    live = Live()
    live.oms.submit(intent("tkA"))
    report = live.reconciler.reconcile(live.clock.now_ms())
    assert report.is_clean
    check_startup(report)


def test_orphan_with_our_prefix_is_refused_with_its_id_and_the_choices() -> None:
    live = Live()
    live.venue.submit(intent(ORPHAN))  # placed by a process whose store was lost
    report = live.reconciler.reconcile(live.clock.now_ms())
    assert [o.client_order_id for o in report.orphans] == [ORPHAN]
    with pytest.raises(StartupRefused) as refused:
        check_startup(report)
    message = str(refused.value)
    assert ORPHAN in message and "BTC/USDT buy 1 @ 100" in message
    assert "--orphans adopt" in message and "--orphans cancel" in message
    assert live.store.events_for(ORPHAN) == []  # refusing writes nothing


def test_adopted_orphan_is_managed_and_the_guard_passes() -> None:
    live = Live(orphans=OrphanPolicy.ADOPT)
    live.venue.submit(intent(ORPHAN))
    report = live.reconciler.reconcile(live.clock.now_ms())
    assert report.adopted == (ORPHAN,)
    check_startup(report)
    assert live.oms.order(ORPHAN).status is OrderStatus.ACCEPTED  # type: ignore[union-attr]
    assert live.reconciler.reconcile(live.clock.now_ms()).orphans == ()


def test_cancelled_orphan_is_recorded_then_cancelled_on_the_venue() -> None:
    live = Live(orphans=OrphanPolicy.CANCEL)
    live.venue.submit(intent(ORPHAN))
    report = live.reconciler.reconcile(live.clock.now_ms())
    assert report.cancelled == (ORPHAN,)
    assert live.venue.open_orders() == []
    kinds = [e.kind for e in live.store.events_for(ORPHAN)]
    assert kinds[0] is OrderStatus.CREATED and kinds[-1] is OrderStatus.CANCELLED
    check_startup(report)


def test_foreign_order_without_our_prefix_is_reported_never_touched() -> None:
    live = Live(orphans=OrphanPolicy.CANCEL)
    live.venue.submit(intent("manual-order-1"))
    report = live.reconciler.reconcile(live.clock.now_ms())
    assert [o.client_order_id for o in report.foreign] == ["manual-order-1"]
    assert report.cancelled == ()
    assert len(live.venue.open_orders()) == 1
    with pytest.raises(StartupRefused, match="manual-order-1"):
        check_startup(report)


def test_store_order_missing_from_the_venue_is_fetched_to_its_final_state() -> None:
    live = Live()
    live.oms.submit(intent("tkA"))
    live.venue.fill("tkA", Decimal(1), Decimal(100))  # filled: no longer open on the venue
    live.venue.set_account(
        [Balance(asset="USDT", free=Decimal(9_900)), Balance(asset="BTC", free=Decimal(1))], []
    )
    report = live.reconciler.reconcile(live.clock.now_ms())
    assert report.resolved == (("tkA", OrderStatus.FILLED),)
    assert report.is_clean  # the fill explains the 1 BTC


def test_unsent_order_unseen_past_the_grace_is_marked_lost_and_reported() -> None:
    live = Live()
    spec = OrderSpec.from_intent(intent("tkLost"))
    live.store.append(
        OrderEvent(
            client_order_id="tkLost",
            kind=OrderStatus.CREATED,
            ts_ms=live.clock.now_ms(),
            payload=spec.to_json(),
        )
    )
    live.oms.rebuild()  # a crash between storing CREATED and sending
    first = live.reconciler.reconcile(live.clock.now_ms())
    # Within its grace it is pending: working for the planner, not blocking the start.
    assert (first.pending, first.unresolved) == (("tkLost",), ())
    check_startup(first)
    assert [line.split()[:4] for line in notices(first)] == [
        ["info", "pending:", "order", "tkLost"]
    ]
    live.clock.advance(60_000)
    report = live.reconciler.reconcile(live.clock.now_ms())
    assert report.lost == ("tkLost",)
    assert live.venue.submit_ids == []


def test_balance_the_fills_do_not_explain_is_a_holding_gap() -> None:
    live = Live()
    live.venue.set_account([Balance(asset="BTC", free=Decimal("0.5"))], [])
    report = live.reconciler.reconcile(live.clock.now_ms())
    assert [(g.symbol, g.difference) for g in report.holding_gaps] == [(SYMBOL, Decimal("0.5"))]
    with pytest.raises(StartupRefused, match=r"venue holds 0\.5 BTC"):
        check_startup(report)


def test_own_trades_are_recorded_once_per_trade_id_over_repeated_passes() -> None:
    live = Live()
    live.oms.submit(intent("tkA", quantity="2"))
    live.venue.fill("tkA", Decimal(1), Decimal(100), trade_id="T1")
    live.venue.set_account([Balance(asset="BTC", free=Decimal(1))], [])
    first = live.reconciler.reconcile(live.clock.now_ms())
    second = live.reconciler.reconcile(live.clock.now_ms())
    assert (first.new_fills, second.new_fills) == (1, 0)
    assert live.oms.order("tkA").filled_quantity == Decimal(1)  # type: ignore[union-attr]
    assert first.is_clean  # the recorded fill explains the 1 BTC
