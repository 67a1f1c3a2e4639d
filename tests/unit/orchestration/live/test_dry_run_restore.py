"""`restore_paper`: a fresh paper venue rebuilt from an OMS store equals the venue the
store was written against (balances, working orders), checked against that original."""

from decimal import Decimal

from tests.fakes.clock import FakeClock
from tests.fakes.order_store import FakeOrderStore

from tradekernel.adapters.backtest.settings import VenueSettings
from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.domain.enums import OrderStatus, OrderType, Side
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar
from tradekernel.orchestration.live.dry_run import REPLAY_PREFIX, restore_paper
from tradekernel.orchestration.oms.order_manager import OrderManager

SYMBOL = "BTC/USDT"


def _venue(participation: Decimal | None = None) -> BacktestVenue:
    return BacktestVenue(
        VenueSettings(
            maker_fee=Decimal("0.001"),
            taker_fee=Decimal("0.001"),
            slippage_bps=Decimal(0),
            participation=participation,
            starting_cash=Decimal(10_000),
            quote_asset="USDT",
        )
    )


def _intent(coid: str, side: Side, qty: str, price: str | None = None) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=coid,
        directive_id="d",
        symbol=SYMBOL,
        side=side,
        order_type=OrderType.MARKET if price is None else OrderType.LIMIT,
        quantity=Decimal(qty),
        price=None if price is None else Decimal(price),
    )


def _bar(ts_ms: int, price: str, volume: str = "1000") -> Bar:
    p = Decimal(price)
    return Bar(symbol=SYMBOL, ts_ms=ts_ms, open=p, high=p, low=p, close=p, volume=Decimal(volume))


def _session(venue: BacktestVenue) -> tuple[OrderManager, FakeOrderStore]:
    store = FakeOrderStore()
    return OrderManager(store=store, venue=venue, clock=FakeClock()), store


def test_restored_venue_matches_the_original_balances_and_working_orders() -> None:
    original = _venue()
    oms, store = _session(original)
    oms.submit(_intent("tkbuy", Side.BUY, "2"))
    original.on_bar(_bar(1_000, "100"))
    oms.submit(_intent("tksell", Side.SELL, "0.5"))
    oms.submit(_intent("tkrest", Side.SELL, "1", price="150"))  # stays working
    original.on_bar(_bar(2_000, "110"))
    oms.refresh_open()
    assert oms.order("tksell").status is OrderStatus.FILLED  # type: ignore[union-attr]

    fresh = _venue()
    restored = restore_paper(fresh, store.all_events())
    assert restored.replayed_fills == 2
    assert restored.replaced == ("tkrest",) and restored.not_restored == ()
    assert sorted(fresh.balances(), key=str) == sorted(original.balances(), key=str)
    assert [o.client_order_id for o in fresh.open_orders()] == ["tkrest"]
    assert all(o.client_order_id.startswith(REPLAY_PREFIX) for o in fresh.own_trades())
    # The working order goes on matching from the next live bar, as it would have.
    fills = fresh.on_bar(_bar(3_000, "151"))
    assert [(f.client_order_id, f.quantity) for f in fills] == [("tkrest", Decimal(1))]


def test_an_order_created_but_never_sent_is_placed_on_the_new_paper_venue() -> None:
    store = FakeOrderStore()
    crashing = _venue()
    oms = OrderManager(store=store, venue=crashing, clock=FakeClock())
    oms.submit(_intent("tkfirst", Side.BUY, "1", price="90"))
    fresh = _venue()
    restored = restore_paper(fresh, store.all_events())
    assert restored.replaced == ("tkfirst",) and restored.replayed_fills == 0
    assert fresh.fetch_order(SYMBOL, "tkfirst").quantity == Decimal(1)


def test_a_partly_filled_working_order_is_reported_not_placed_again() -> None:
    original = _venue(participation=Decimal("0.5"))
    oms, store = _session(original)
    oms.submit(_intent("tkpart", Side.BUY, "1", price="100"))
    original.on_bar(_bar(1_000, "100", volume="1"))  # half the order may fill
    oms.refresh_open()
    assert oms.order("tkpart").status is OrderStatus.PARTIALLY_FILLED  # type: ignore[union-attr]
    fresh = _venue()
    restored = restore_paper(fresh, store.all_events())
    assert restored.replayed_fills == 1 and restored.replaced == ()
    assert restored.not_restored == (("tkpart", "partly filled before the restart"),)
    held = {b.asset: b.total for b in fresh.balances()}
    assert held["BTC"] == Decimal("0.5")
