"""A trade of an order the venue forgot, first reported after a restart, through the whole
live wiring (`live_session.open_session`), ccxt's real Binance class and the loopback
venue: the store's venue-id pairs, preloaded into the adapter, name it by our client id,
so the fill is recorded and the holdings check finds no gap; the configured vanish
settings then settle the order LOST with both fills kept."""

from decimal import Decimal
from pathlib import Path

import pytest
from tests.integration.live.live_venue import LiveFakeBinance, blueprint
from tests.integration.live.runner_wiring import ShiftedClock, wire_live

from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.order_event_store import SqliteOrderEventStore
from tradekernel.bootstrap.live_job import LiveWiring
from tradekernel.domain.enums import OrderStatus

FIRST_FILL = Decimal("0.004")
DOWN_FILL = Decimal("0.003")
FEE_RATE = Decimal("0.001")  # the loopback venue's; a buy pays it in the base asset


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


def _wire(
    built: list[LiveWiring], tmp_path: Path, venue: LiveFakeBinance, clock: ShiftedClock
) -> LiveWiring:
    # Two passes and no grace: the default (3 passes over 300 s) would not settle here.
    wiring = wire_live(
        tmp_path,
        venue,
        clock,
        strategy=blueprint(limit=True),
        extra="vanish_passes = 2\nvanish_grace_ms = 0\n",
    )
    built.append(wiring)
    return wiring


def _fetches_by_venue_id(venue: LiveFakeBinance, venue_id: int) -> int:
    lookups = venue.calls("GET", "/api/v3/order")
    return sum(1 for call in lookups if call.params.get("orderId") == str(venue_id))


def test_trade_of_a_forgotten_order_first_reported_after_a_restart_is_recorded_under_our_id(
    tmp_path: Path, live_venue: LiveFakeBinance, clock: ShiftedClock, built: list[LiveWiring]
) -> None:
    first = _wire(built, tmp_path, live_venue, clock)
    first.runner.start()
    (coid,) = first.runner.cycle().submitted  # a resting limit buy of 0.01, no timeout
    live_venue.fill(coid, FIRST_FILL)
    first.runner.cycle()  # reconciles every cycle: the first trade is recorded
    venue_id = live_venue.orders[coid].order_id
    # While the bot is down the order trades again, then the venue forgets it.
    first.close()
    built.remove(first)
    live_venue.fill(coid, DOWN_FILL)
    live_venue.forget(coid)
    before = _fetches_by_venue_id(live_venue, venue_id)

    second = _wire(built, tmp_path, live_venue, clock)
    report = second.runner.start()  # refused (StartupRefused) on a holdings gap

    assert report.holding_gaps == () and report.is_clean
    assert report.orphan_fills == () and report.new_fills >= 1
    assert [(u.client_order_id, u.passes) for u in report.unseen] == [(coid, 1)]
    # Named from the store's pairs: the adapter never asked the venue by venue id.
    assert _fetches_by_venue_id(live_venue, venue_id) == before
    db = tmp_path / "bot.db"
    store = SqliteOrderEventStore(connect(db))
    venue_trades = {str(t["id"]): Decimal(t["qty"]) for t in live_venue.trades}
    recorded = {e.trade_id: e.quantity for e in store.events_for(coid) if e.trade_id is not None}
    assert recorded == venue_trades and len(recorded) == 2
    # The venue's balance, from its own trades alone, equals what the ledger explains.
    bought = FIRST_FILL + DOWN_FILL
    assert live_venue.balances["BTC"][0] == bought - bought * FEE_RATE

    settled = second.reconciler.reconcile(clock.now_ms())  # the second unseen pass
    assert settled.lost == (coid,) and settled.is_clean
    events = store.events_for(coid)
    assert events[-1].kind is OrderStatus.LOST and "2 consecutive pass(es)" in events[-1].payload
    assert sum(e.quantity for e in events if e.trade_id is not None) == bought
    assert len(live_venue.calls("POST", "/api/v3/order")) == 1
