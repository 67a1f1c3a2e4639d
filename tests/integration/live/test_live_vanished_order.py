"""An accepted, partly filled order that the venue forgets, through ccxt's real Binance
class and the loopback venue on a real SQLite store: it stays working while unseen (also
across a restart), is settled LOST after the grace period, and its partial fill is kept."""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from tests.fakes.clock import FakeClock
from tests.integration.ccxt.fake_binance import FakeBinance

from tradekernel.adapters.ccxt.execution import CcxtExecution
from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.order_event_store import SqliteOrderEventStore
from tradekernel.domain.enums import OrderStatus, OrderType, Side
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.orchestration.live.reconciliation import Reconciler, ReconcileSettings
from tradekernel.orchestration.live.startup_guard import check_startup
from tradekernel.orchestration.oms.order_manager import OrderManager

SYMBOL = "BTC/USDT"
COID = "tk" + "d4" * 15
GRACE_MS = 120_000


def _wire(db: Path, execution: CcxtExecution, clock: FakeClock) -> tuple[OrderManager, Reconciler]:
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
            vanish_passes=3,
            vanish_grace_ms=GRACE_MS,
        ),
    )
    return manager, reconciler


def test_forgotten_partly_filled_order_is_settled_lost_after_the_grace_keeping_its_fill(
    tmp_path: Path,
    venue: FakeBinance,
    clock: FakeClock,
    make_execution: Callable[..., CcxtExecution],
) -> None:
    db = tmp_path / "bot.db"
    manager, reconciler = _wire(db, make_execution(), clock)
    manager.submit(
        ExecutionIntent(
            client_order_id=COID,
            directive_id="dir",
            symbol=SYMBOL,
            side=Side.BUY,
            order_type=OrderType.LIMIT,
            quantity=Decimal("0.02"),
            price=Decimal("40000"),
        )
    )
    venue.fill(COID, Decimal("0.01"))
    check_startup(reconciler.reconcile(clock.now_ms()))  # records the partial fill
    assert manager.order(COID).status is OrderStatus.PARTIALLY_FILLED  # type: ignore[union-attr]

    venue.forget(COID)
    since = clock.now_ms()
    first = reconciler.reconcile(clock.now_ms())
    assert first.lost == () and first.unseen[0].passes == 1 and first.is_clean
    assert [v.client_order_id for v in manager.open_order_views()] == [COID]
    lookups = [c for c in venue.calls("GET", "/api/v3/order") if c.params.get("origClientOrderId")]
    assert lookups and lookups[-1].params["origClientOrderId"] == COID

    # A restart in the middle: the streak comes back from the store.
    clock.advance(GRACE_MS // 2)
    manager, reconciler = _wire(db, make_execution(), clock)
    second = reconciler.reconcile(clock.now_ms())
    assert second.unseen[0].passes == 2 and second.unseen[0].since_ms == since
    check_startup(second)  # unseen, not yet settled: counted as working, trading allowed

    clock.advance(GRACE_MS // 2)
    settled = reconciler.reconcile(clock.now_ms())
    assert settled.lost == (COID,)
    assert [(v.client_order_id, v.passes, v.since_ms) for v in settled.vanished] == [
        (COID, 3, since)
    ]
    check_startup(settled)
    state = manager.order(COID)
    assert state is not None and state.status is OrderStatus.LOST
    assert state.filled_quantity == Decimal("0.01") and len(state.trade_ids) == 1
    assert manager.open_order_views() == ()

    events = SqliteOrderEventStore(connect(db)).events_for(COID)
    kinds = [e.kind for e in events]
    assert kinds.count(OrderStatus.VENUE_CHECK) == 3 and kinds[-1] is OrderStatus.LOST
    assert "3 consecutive pass(es)" in events[-1].payload
    # Nothing was sent or cancelled to settle it.
    assert len(venue.calls("POST", "/api/v3/order")) == 1
    assert venue.calls("DELETE", "/api/v3/order") == []
