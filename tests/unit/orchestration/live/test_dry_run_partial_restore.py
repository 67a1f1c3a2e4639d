"""A dry-run order partly filled before a restart is continued on the new paper venue:
its stored filled quantity and its remainder come back, and its next fills are the ones
the original venue would have made (same trade ids, quantities and prices)."""

from decimal import Decimal

from tests.fakes.clock import FakeClock
from tests.fakes.order_store import FakeOrderStore
from tests.unit.orchestration.live.test_dry_run_restore import SYMBOL, _bar, _intent, _venue

from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.domain.enums import OrderStatus, Side
from tradekernel.orchestration.live.dry_run import restore_paper
from tradekernel.orchestration.oms.order_manager import OrderManager


def _partly_filled() -> tuple[OrderManager, FakeOrderStore, BacktestVenue]:
    original = _venue(participation=Decimal("0.5"))
    store = FakeOrderStore()
    oms = OrderManager(store=store, venue=original, clock=FakeClock())
    oms.submit(_intent("tkpart", Side.BUY, "1", price="100"))
    original.on_bar(_bar(1_000, "100", volume="1"))  # half the order fills
    oms.refresh_open()
    assert oms.order("tkpart").filled_quantity == Decimal("0.5")  # type: ignore[union-attr]
    return oms, store, original


def test_restart_restores_the_filled_and_the_working_quantity() -> None:
    _, store, _ = _partly_filled()
    fresh = _venue(participation=Decimal("0.5"))
    restored = restore_paper(fresh, store.all_events(), continue_partial=True)
    assert restored.continued == ("tkpart",) and restored.replaced == ("tkpart",)
    assert restored.not_restored == () and restored.venue is not None
    order = restored.venue.fetch_order(SYMBOL, "tkpart")
    assert (order.quantity, order.filled_quantity) == (Decimal(1), Decimal("0.5"))
    assert order.remaining_quantity == Decimal("0.5")
    assert order.average_fill_price == Decimal(100)
    assert order.status is not OrderStatus.FILLED
    # The raw paper venue holds only the remainder as a working order.
    assert fresh.fetch_order(SYMBOL, "tkpart").quantity == Decimal("0.5")


def test_continued_order_fills_as_the_original_venue_would_have() -> None:
    _, store, original = _partly_filled()
    fresh = _venue(participation=Decimal("0.5"))
    restored = restore_paper(fresh, store.all_events(), continue_partial=True)
    assert restored.venue is not None
    restarted = OrderManager(store=store, venue=restored.venue, clock=FakeClock())
    restarted.rebuild()
    bar = _bar(2_000, "99", volume="10")
    restored.venue.on_bar(bar)
    restarted.refresh_open()
    expected = original.on_bar(bar)
    state = restarted.order("tkpart")
    assert state is not None and state.status is OrderStatus.FILLED
    assert state.filled_quantity == Decimal(1) and restarted.anomalies == ()
    new = [f for f in state.fills if f.trade_id not in {"tkpart-1"}]
    assert [(f.trade_id, f.quantity, f.price) for f in new] == [
        (f.trade_id, f.quantity, f.price) for f in expected
    ]
    # Cash and holdings end where the original venue's do.
    assert sorted(fresh.balances(), key=str) == sorted(original.balances(), key=str)


def test_without_the_flag_a_partly_filled_order_is_still_only_reported() -> None:
    _, store, _ = _partly_filled()
    restored = restore_paper(_venue(), store.all_events())
    assert restored.venue is None and restored.continued == ()
    assert restored.not_restored == (("tkpart", "partly filled before the restart"),)
