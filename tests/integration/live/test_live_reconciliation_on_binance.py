"""Reconciliation and the startup guard through ccxt's real Binance class and the loopback
venue, on a real SQLite store: orphans at startup, a lost acknowledgement, a restart."""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from tests.fakes.clock import FakeClock
from tests.integration.ccxt.fake_binance import FakeBinance, Fault

from tradekernel.adapters.ccxt.execution import CcxtExecution
from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.order_event_store import SqliteOrderEventStore
from tradekernel.domain.enums import OrderStatus, OrderType, Side
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.live_policy import OrphanPolicy
from tradekernel.orchestration.live.reconciliation import Reconciler, ReconcileSettings
from tradekernel.orchestration.live.startup_guard import StartupRefused, check_startup
from tradekernel.orchestration.oms.order_manager import OrderManager

SYMBOL = "BTC/USDT"
ORPHAN = "tk" + "a1" * 15


def _intent(coid: str) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=coid,
        directive_id="dir",
        symbol=SYMBOL,
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        quantity=Decimal("0.01"),
        price=Decimal("40000"),
    )


def _wire(
    db: Path, execution: CcxtExecution, clock: FakeClock, orphans: OrphanPolicy
) -> tuple[OrderManager, Reconciler, SqliteOrderEventStore]:
    store = SqliteOrderEventStore(connect(db))
    manager = OrderManager(store=store, venue=execution, clock=clock)
    manager.rebuild()
    reconciler = Reconciler(
        manager=manager,
        venue=execution,
        store=store,
        settings=ReconcileSettings(
            symbols=(SYMBOL,),
            bases={SYMBOL: "BTC"},
            tolerance={SYMBOL: Decimal("0.00001")},
            orphans=orphans,
        ),
    )
    return manager, reconciler, store


def test_orphan_at_startup_is_refused_then_adopted_on_request(
    tmp_path: Path,
    venue: FakeBinance,
    clock: FakeClock,
    make_execution: Callable[..., CcxtExecution],
) -> None:
    execution = make_execution()
    execution.submit(_intent(ORPHAN))  # a previous process placed it, its store is gone
    db = tmp_path / "bot.db"
    _, reconciler, store = _wire(db, execution, clock, OrphanPolicy.REFUSE)
    with pytest.raises(StartupRefused) as refused:
        check_startup(reconciler.reconcile(clock.now_ms()))
    assert ORPHAN in str(refused.value) and "--orphans adopt" in str(refused.value)
    assert list(store.events_for(ORPHAN)) == []
    posts = len(venue.calls("POST", "/api/v3/order"))
    manager, adopting, store = _wire(db, execution, clock, OrphanPolicy.ADOPT)
    check_startup(adopting.reconcile(clock.now_ms()))
    assert manager.order(ORPHAN).status is OrderStatus.ACCEPTED  # type: ignore[union-attr]
    assert len(venue.calls("POST", "/api/v3/order")) == posts  # adoption sends nothing
    assert venue.calls("DELETE", "/api/v3/order") == []


def test_orphan_cancel_policy_cancels_it_by_client_id_and_records_it(
    tmp_path: Path,
    venue: FakeBinance,
    clock: FakeClock,
    make_execution: Callable[..., CcxtExecution],
) -> None:
    execution = make_execution()
    execution.submit(_intent(ORPHAN))
    _, reconciler, store = _wire(tmp_path / "bot.db", execution, clock, OrphanPolicy.CANCEL)
    check_startup(reconciler.reconcile(clock.now_ms()))
    cancels = venue.calls("DELETE", "/api/v3/order")
    assert [c.params.get("origClientOrderId") for c in cancels] == [ORPHAN]
    assert venue.orders[ORPHAN].status == "CANCELED"
    assert store.events_for(ORPHAN)[-1].kind is OrderStatus.CANCELLED


def test_lost_ack_then_restart_finds_exactly_one_order_and_the_guard_passes(
    tmp_path: Path,
    venue: FakeBinance,
    clock: FakeClock,
    make_execution: Callable[..., CcxtExecution],
) -> None:
    db = tmp_path / "bot.db"
    execution = make_execution()
    manager, _, _ = _wire(db, execution, clock, OrphanPolicy.REFUSE)
    venue.script(Fault(kind="drop_after_accept"))
    state = manager.submit(_intent("tk" + "b2" * 15))
    assert state.status is OrderStatus.ACCEPTED  # found by client id after the drop
    # Restart on the same SQLite file with a new adapter: same order, nothing resent.
    restarted = make_execution()
    again, reconciler, _ = _wire(db, restarted, clock, OrphanPolicy.REFUSE)
    report = reconciler.reconcile(clock.now_ms())
    check_startup(report)
    assert again.submit(_intent("tk" + "b2" * 15)).status is OrderStatus.ACCEPTED
    assert len(venue.calls("POST", "/api/v3/order")) == 1
    assert len(venue.orders) == 1


def test_fill_while_the_bot_was_down_is_recorded_once_and_explains_the_balance(
    tmp_path: Path,
    venue: FakeBinance,
    clock: FakeClock,
    make_execution: Callable[..., CcxtExecution],
) -> None:
    db = tmp_path / "bot.db"
    coid = "tk" + "c3" * 15
    execution = make_execution()
    manager, _, _ = _wire(db, execution, clock, OrphanPolicy.REFUSE)
    manager.submit(_intent(coid))
    venue.fill(coid, Decimal("0.01"))  # filled while the process was down
    _, reconciler, store = _wire(db, make_execution(), clock, OrphanPolicy.REFUSE)
    first = reconciler.reconcile(clock.now_ms())
    second = reconciler.reconcile(clock.now_ms())
    check_startup(first)
    assert first.resolved == ((coid, OrderStatus.FILLED),)
    fills = [e for e in store.events_for(coid) if e.trade_id is not None]
    assert len(fills) == 1 and second.new_fills == 0
