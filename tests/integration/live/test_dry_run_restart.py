"""A dry run restarted on its store: the new process's paper venue is rebuilt from the
stored fills and working orders, so the startup guard passes and trading continues."""

from decimal import Decimal
from pathlib import Path

from tests.integration.live.live_venue import HOUR_MS, LiveFakeBinance, kline, write_config
from tests.integration.live.runner_wiring import ShiftedClock

from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.order_event_store import SqliteOrderEventStore
from tradekernel.bootstrap.backtest_job import venue_settings
from tradekernel.bootstrap.blueprints import load
from tradekernel.bootstrap.live_job import LiveWiring, load_live
from tradekernel.bootstrap.live_session import open_session
from tradekernel.domain.enums import OrderStatus
from tradekernel.orchestration.live.reconciliation import Reconciler, ReconcileSettings
from tradekernel.orchestration.oms.order_manager import OrderManager

POST_ORDER = ("POST", "/api/v3/order")


def _dry(config: Path, clock: ShiftedClock) -> LiveWiring:
    return open_session(load_live(config), live=False, clock=clock)


def _status(db: Path, coid: str) -> OrderStatus:
    return SqliteOrderEventStore(connect(db)).events_for(coid)[-1].kind


def test_dry_run_restarts_with_its_working_order_then_its_fill_restored(
    tmp_path: Path, live_venue: LiveFakeBinance
) -> None:
    clock = ShiftedClock()
    config = write_config(tmp_path, live_venue.base_url)
    db = tmp_path / "bot-dry.db"
    first = _dry(config, clock)
    first.runner.start()
    (coid,) = first.runner.cycle().submitted  # a paper market buy, waiting for a bar
    first.close()

    # Restart 1: the order was working. Placed again locally, it fills on the next bar.
    second = _dry(config, clock)
    assert second.restored is not None and second.restored.replaced == (coid,)
    second.runner.start()  # the guard passes: the paper venue shows the order again
    current = live_venue.klines["BTCUSDT"][-1][0] + HOUR_MS
    live_venue.klines["BTCUSDT"].append(kline(current, "51200"))
    clock.shift_ms += HOUR_MS  # that bar has closed
    assert second.runner.cycle().submitted == ()  # no new cross: nothing more sent
    second.runner.cycle()
    assert _status(db, coid) is OrderStatus.FILLED
    fills = SqliteOrderEventStore(connect(db)).events_for(coid)
    (fill,) = [e for e in fills if e.trade_id is not None]
    assert fill.price == Decimal("51200")  # the next bar's open, not an old bar's
    second.close()

    # Restart 2: the fill is replayed, so the paper holdings match the store's ledger.
    third = _dry(config, clock)
    assert third.restored is not None and third.restored.replayed_fills == 1
    third.runner.start()
    held = {b.asset: b.total for b in third.runner.market.valuation()[0].balances}
    assert held["BTC"] == Decimal("0.01")
    assert held["USDT"] == Decimal("100000") - Decimal("512") - Decimal("0.512")
    third.close()
    assert live_venue.calls(*POST_ORDER) == []  # a dry run never sends a real order


def test_without_the_restore_a_fresh_paper_venue_is_refused_on_the_same_store(
    tmp_path: Path, live_venue: LiveFakeBinance
) -> None:
    # The cross-check: the store above really holds what a fresh paper venue lacks.
    clock = ShiftedClock()
    config = write_config(tmp_path, live_venue.base_url)
    first = _dry(config, clock)
    first.runner.start()
    (coid,) = first.runner.cycle().submitted
    first.close()
    blueprint, _ = load(tmp_path / "blueprint.toml")
    fresh = BacktestVenue(venue_settings(blueprint.settings))
    store = SqliteOrderEventStore(connect(tmp_path / "bot-dry.db"))
    manager = OrderManager(store=store, venue=fresh, clock=clock)
    manager.rebuild()
    report = Reconciler(
        manager=manager,
        venue=fresh,
        store=store,
        settings=ReconcileSettings(symbols=("BTC/USDT",), bases={"BTC/USDT": "BTC"}),
    ).reconcile(clock.now_ms(), act=False)
    assert report.unresolved == (coid,) and not report.is_clean
