"""PaperExecution: the backtest's matching, stamped by a clock, fed bars idempotently."""

from decimal import Decimal

import pytest
from tests.fakes.clock import FakeClock

from tradekernel.adapters.backtest.settings import VenueSettings
from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.adapters.paper.execution import PaperExecution
from tradekernel.adapters.paper.journal import VenueEventKind
from tradekernel.domain.enums import OrderStatus, OrderType, Side
from tradekernel.domain.errors import InsufficientFunds
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar


def _bar(ts: int, price: str = "100") -> Bar:
    p = Decimal(price)
    return Bar(symbol="BTC/USD", ts_ms=ts, open=p, high=p, low=p, close=p, volume=Decimal(10))


def _intent(cid: str, side: Side = Side.BUY) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=cid,
        directive_id="d",
        symbol="BTC/USD",
        side=side,
        order_type=OrderType.MARKET,
        quantity=Decimal(1),
    )


def _venue(clock: FakeClock) -> PaperExecution:
    return PaperExecution(BacktestVenue(VenueSettings(taker_fee=Decimal("0.001"))), clock)


def test_submitted_order_carries_the_clock_time_and_fills_like_the_backtest() -> None:
    clock = FakeClock(start_ms=5_000)
    venue = _venue(clock)
    reference = BacktestVenue(VenueSettings(taker_fee=Decimal("0.001")))
    venue.on_bar(_bar(1_000))
    reference.on_bar(_bar(1_000))
    order = venue.submit(_intent("a"))
    reference.submit(_intent("a"))
    assert order.created_ms == 5_000
    assert venue.fetch_order("BTC/USD", "a").created_ms == 5_000
    clock.advance(10)
    fills = venue.on_bar(_bar(2_000, "101"))
    assert list(fills) == list(reference.on_bar(_bar(2_000, "101")))
    assert fills[0].price == Decimal(101)
    assert venue.cash() == reference.cash() == Decimal(10_000) - Decimal(101) - Decimal("0.101")
    assert venue.fetch_order("BTC/USD", "a").status is OrderStatus.FILLED


def test_a_bar_fed_again_is_ignored_so_a_restart_never_matches_it_twice() -> None:
    clock = FakeClock()
    venue = _venue(clock)
    venue.on_bar(_bar(1_000))
    venue.submit(_intent("a"))
    assert len(venue.on_bar(_bar(2_000))) == 1
    venue.submit(_intent("b"))
    assert venue.on_bar(_bar(2_000)) == ()
    assert venue.on_bar(_bar(1_500)) == ()
    assert venue.has_open_orders("BTC/USD")
    assert venue.last_bar_ms("BTC/USD") == 2_000


def test_the_journal_lists_submits_rejections_fills_and_cancels_in_order() -> None:
    clock = FakeClock(start_ms=0)
    venue = _venue(clock)
    venue.on_bar(_bar(1_000))
    with pytest.raises(InsufficientFunds):
        venue.submit(_intent("no-holding", Side.SELL))
    venue.submit(_intent("a"))
    clock.set(7)
    venue.on_bar(_bar(2_000))
    venue.submit(_intent("b"))
    venue.cancel("BTC/USD", "b")
    kinds = [(e.kind, e.client_order_id) for e in venue.events]
    assert kinds == [
        (VenueEventKind.REJECTED, "no-holding"),
        (VenueEventKind.SUBMITTED, "a"),
        (VenueEventKind.FILLED, "a"),
        (VenueEventKind.SUBMITTED, "b"),
        (VenueEventKind.CANCELLED, "b"),
    ]
    fill_event = venue.events[2]
    assert (fill_event.ts_ms, fill_event.market_ts_ms) == (7, 2_000)
    assert "exceeds the free holding" in venue.events[0].detail
