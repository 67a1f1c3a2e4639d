"""The engine's cached account view against what the venue reports when asked directly."""

from decimal import Decimal

from tradekernel.adapters.backtest.settings import VenueSettings
from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.domain.enums import OrderType, Side
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar
from tradekernel.orchestration.cycle.desk import DirectDesk
from tradekernel.orchestration.cycle.venue_account import VenueAccount

SYMBOLS = ("A/USD", "B/USD")


def _bar(symbol: str, ts: int, price: str) -> Bar:
    p = Decimal(price)
    return Bar(symbol=symbol, ts_ms=ts, open=p, high=p, low=p, close=p, volume=Decimal(1000))


def _intent(
    cid: str, symbol: str, side: Side, order_type: OrderType = OrderType.MARKET
) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=cid,
        directive_id="d",
        symbol=symbol,
        side=side,
        order_type=order_type,
        quantity=Decimal(1),
        price=Decimal(1) if order_type is OrderType.LIMIT else None,
    )


def _direct(venue: BacktestVenue) -> tuple[object, ...]:
    held = {p.symbol for p in venue.positions() if p.quantity != 0}
    working = {o.symbol for o in venue.open_orders()}
    return (
        list(venue.balances()),
        list(venue.positions()),
        tuple(
            sorted(
                (o.as_open_order_view() for o in venue.open_orders()),
                key=lambda v: v.client_order_id,
            )
        ),
        tuple(sorted((held | working) & set(SYMBOLS))),
    )


def _cached(view: VenueAccount) -> tuple[object, ...]:
    state = view.state()
    return (list(state.balances), list(state.positions), state.open_orders, view.exposed())


def test_the_view_reports_what_the_venue_reports_after_each_change() -> None:
    venue = BacktestVenue(VenueSettings(starting_cash=Decimal(10_000)))
    view = VenueAccount(venue, SYMBOLS, DirectDesk(venue).open_order_views)
    assert _cached(view) == _direct(venue)
    assert view.exposed() == ()
    venue.submit(_intent("b1", "B/USD", Side.BUY))
    view.changed()
    assert _cached(view) == _direct(venue)
    assert view.exposed() == ("B/USD",)  # a working order exposes its symbol
    venue.on_bar(_bar("B/USD", 1, "100"))
    venue.submit(_intent("a1", "A/USD", Side.BUY, OrderType.LIMIT))  # rests: limit 1 < 50
    view.changed()
    venue.on_bar(_bar("A/USD", 1, "50"))
    view.changed()
    assert _cached(view) == _direct(venue)
    assert view.exposed() == ("A/USD", "B/USD")
    assert view.quantities() == {"B/USD": 1.0}


def test_the_view_does_not_ask_the_venue_again_until_told_of_a_change() -> None:
    venue = BacktestVenue(VenueSettings(starting_cash=Decimal(10_000)))
    view = VenueAccount(venue, SYMBOLS, DirectDesk(venue).open_order_views)
    first = view.state()
    venue.submit(_intent("b1", "B/USD", Side.BUY))
    # Unchanged on purpose: only the loop knows when the venue moved, and it says so.
    assert view.state() is first
    view.changed()
    assert view.state() is not first
    assert len(view.state().open_orders) == 1
