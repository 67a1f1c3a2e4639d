"""Properties of the perpetual venue on random bars and orders.

- equity == starting cash + realised PnL + unrealised PnL - fees + funding, at every bar;
- no position survives a bar below maintenance margin at that bar's adverse extreme;
- a reduce-only order never flips a position (nor opens one).
"""

from decimal import Decimal, localcontext

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from tradekernel.adapters.backtest.funding import FundingSchedule
from tradekernel.adapters.backtest.perpetual_venue import PerpetualVenue
from tradekernel.adapters.backtest.settings import VenueSettings
from tradekernel.domain.enums import CloseSemantics, OrderStatus, OrderType, Side, TimeInForce
from tradekernel.domain.errors import Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar
from tradekernel.domain.perpetuals import MarginMode, PerpetualTerms

SYMBOL = "XRP/USDT"
HOUR = 3_600_000

moves = st.lists(st.integers(-60, 60), min_size=2, max_size=40)
orders = st.lists(st.tuples(st.sampled_from(Side), st.integers(1, 400), st.booleans()), max_size=40)


def _bars(steps: list[int]) -> list[Bar]:
    bars, price = [], Decimal("1.0000")
    for index, step in enumerate(steps):
        close = max(price + Decimal(step) / 1000, Decimal("0.2"))
        high = max(price, close) + Decimal(abs(step) % 7) / 1000
        low = max(min(price, close) - Decimal(abs(step) % 5) / 1000, Decimal("0.1"))
        bars.append(
            Bar(
                symbol=SYMBOL,
                ts_ms=index * HOUR,
                open=price,
                high=high,
                low=low,
                close=close,
                volume=Decimal(10**6),
            )
        )
        price = close
    return bars


def _venue(leverage: int, cross: bool) -> PerpetualVenue:
    terms = PerpetualTerms(
        leverage=Decimal(leverage),
        margin_mode=MarginMode.CROSS if cross else MarginMode.ISOLATED,
        maintenance_margin_rate=Decimal("0.01"),
        liquidation_fee_rate=Decimal("0.01"),
    )
    return PerpetualVenue(
        VenueSettings(starting_cash=Decimal(100), quote_asset="USDT", taker_fee=Decimal("0.0005")),
        terms,
        funding=FundingSchedule(constant=Decimal("0.0003")),
    )


def _order(index: int, side: Side, qty: int, reduce: bool) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=f"o{index}",
        directive_id=f"d{index}",
        symbol=SYMBOL,
        side=side,
        order_type=OrderType.MARKET,
        quantity=Decimal(qty),
        close_semantics=CloseSemantics.REDUCE_ONLY if reduce else CloseSemantics.OPEN,
    )


@settings(max_examples=150, deadline=None)
@given(
    steps=moves,
    planned=orders,
    leverage=st.integers(1, 50),
    cross=st.booleans(),
)
def test_books_margin_and_reduce_only_hold_on_every_bar(
    steps: list[int], planned: list[tuple[Side, int, bool]], leverage: int, cross: bool
) -> None:
    venue = _venue(leverage, cross)
    ledger = venue.perp
    reduce_only = False  # the order working into this bar is reduce-only
    for index, bar in enumerate(_bars(steps)):
        before = ledger.quantity(SYMBOL)
        fills = venue.on_bar(bar)
        after = ledger.quantity(SYMBOL)
        if reduce_only:
            # A reduce-only order never flips nor grows the position.
            assert before * after >= 0 and abs(after) <= abs(before)
        reduce_only = False
        marks = {SYMBOL: bar.close}
        unrealised = ledger.unrealized_pnl(marks)
        with localcontext(prec=120):  # exact, as the ledger computes
            expected = (
                ledger.starting_cash
                + ledger.realized_pnl
                + unrealised
                - ledger.fees_paid
                + ledger.funding_received
                - ledger.funding_paid
            )
        assert venue.equity(marks) == expected
        held = ledger.position(SYMBOL)
        if held is not None:
            worst = bar.low if held.quantity > 0 else bar.high
            assert not ledger.is_liquidatable(SYMBOL, worst)
        assert all(fill.quantity > 0 for fill in fills)
        if index < len(planned):
            side, qty, reduce = planned[index]
            try:
                venue.submit(_order(index, side, qty, reduce))
            except Rejected:
                assert reduce  # only a reduce-only order with nothing to reduce
            else:
                reduce_only = reduce


def test_reduce_only_larger_than_the_position_closes_it_exactly() -> None:
    venue = _venue(10, cross=False)
    bars = _bars([1, 2, 3])
    venue.on_bar(bars[0])
    venue.submit(_order(0, Side.SELL, 50, reduce=False))
    venue.on_bar(bars[1])
    assert venue.perp.quantity(SYMBOL) == -50
    venue.submit(_order(1, Side.BUY, 80, reduce=True))
    venue.on_bar(bars[2])
    assert venue.perp.quantity(SYMBOL) == 0
    assert [trade.side for trade in venue.closed_trades()] == [Side.SELL]


def test_reduce_only_without_a_position_is_refused() -> None:
    venue = _venue(10, cross=False)
    venue.on_bar(_bars([1])[0])
    try:
        venue.submit(_order(0, Side.BUY, 5, reduce=True))
    except Rejected as error:
        assert "reduce-only" in str(error)
    else:
        raise AssertionError("a reduce-only order with nothing to reduce was accepted")


def test_a_reduce_only_ioc_whose_position_went_away_ends_rejected() -> None:
    venue = _venue(10, cross=False)
    bars = _bars([1, 2, 3])
    venue.on_bar(bars[0])
    venue.submit(_order(0, Side.BUY, 10, reduce=False))
    venue.on_bar(bars[1])
    venue.submit(_order(1, Side.SELL, 10, reduce=False))
    ioc = msgspec.structs.replace(
        _order(2, Side.SELL, 5, reduce=True), time_in_force=TimeInForce.IOC
    )
    venue.submit(ioc)
    venue.on_bar(bars[2])
    assert venue.perp.quantity(SYMBOL) == 0
    order = venue.fetch_order(SYMBOL, "o2")
    assert order.status is OrderStatus.REJECTED
    assert venue.rejection_reason("o2") == "reduce-only with no position to reduce"
