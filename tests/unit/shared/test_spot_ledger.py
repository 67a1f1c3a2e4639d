"""The one spot ledger: its identity, base-asset fees, and live positions equal to a venue's."""

from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradekernel.adapters.backtest.settings import VenueSettings
from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.domain.enums import OrderType, Side
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar
from tradekernel.domain.orders import Fill
from tradekernel.orchestration.live.recorded_fills import ledger_of
from tradekernel.shared.exact import EXACT
from tradekernel.shared.ledger import SpotLedger

SYMBOL = "BTC/USDT"


def _fill(n: int, side: Side, quantity: str, price: str, fee: str, fee_asset: str = "USDT") -> Fill:
    return Fill(
        trade_id=f"t{n}",
        client_order_id=f"c{n}",
        symbol=SYMBOL,
        side=side,
        quantity=Decimal(quantity),
        price=Decimal(price),
        fee=Decimal(fee),
        fee_asset=fee_asset,
        ts_ms=n,
    )


trades = st.lists(
    st.tuples(
        st.booleans(),
        st.decimals("0.001", "5", places=3),
        st.decimals("1", "90000", places=2),
        st.decimals("0", "3", places=4),
    ),
    max_size=30,
)


@given(trades)
def test_the_books_balance_to_the_last_digit(
    steps: list[tuple[bool, Decimal, Decimal, Decimal]],
) -> None:
    ledger = SpotLedger(Decimal(1_000_000))
    for n, (buy, wanted, price, fee) in enumerate(steps):
        quantity = wanted if buy else min(wanted, ledger.held(SYMBOL))
        if quantity == 0:
            continue
        ledger.apply(_fill(n, Side.BUY if buy else Side.SELL, str(quantity), str(price), str(fee)))
        with localcontext(EXACT):  # the check must not round where the ledger does not
            basis = sum((h.cost_basis for h in ledger.holdings()), Decimal(0))
            books = ledger.cash + basis + ledger.fees_paid
            assert books == ledger.starting_cash + ledger.realized_pnl
        assert ledger.held(SYMBOL) >= 0


def test_a_strict_ledger_refuses_to_sell_what_it_does_not_hold() -> None:
    ledger = SpotLedger(Decimal(100))
    ledger.apply(_fill(1, Side.BUY, "1", "10", "0"))
    with pytest.raises(ValueError, match="exceeds the holding"):
        ledger.apply(_fill(2, Side.SELL, "2", "10", "0"))


def test_a_live_ledger_books_a_sale_beyond_its_own_fills_at_no_cost() -> None:
    ledger = SpotLedger(Decimal(0), strict=False)
    ledger.apply(_fill(1, Side.BUY, "1", "10", "0"))
    ledger.apply(_fill(2, Side.SELL, "3", "12", "0"))  # 2 of them were held before the bot
    assert ledger.held(SYMBOL) == Decimal(-2)
    assert ledger.realized_pnl == Decimal(2)  # only the bought unit has a cost
    assert ledger.positions() == {}


def test_a_fee_in_the_base_asset_reduces_the_holding_not_the_cash() -> None:
    ledger = SpotLedger(Decimal(100), bases={SYMBOL: "BTC"})
    ledger.apply(_fill(1, Side.BUY, "1", "10", "0.001", fee_asset="BTC"))
    assert ledger.held(SYMBOL) == Decimal("0.999")
    assert ledger.cash == Decimal(90)
    assert ledger.fees_paid == 0
    position = ledger.positions()[SYMBOL]
    assert position.avg_entry_price == Decimal(10) / Decimal("0.999")
    assert position.opened_ms == 1


def _bar(ts: int, price: str) -> Bar:
    p = Decimal(price)
    return Bar(symbol=SYMBOL, ts_ms=ts, open=p, high=p, low=p, close=p, volume=Decimal(1000))


def test_live_positions_from_the_recorded_fills_equal_the_venues_positions() -> None:
    venue = BacktestVenue(
        VenueSettings(
            starting_cash=Decimal(100_000), taker_fee=Decimal("0.001"), quote_asset="USDT"
        )
    )
    prices = ["100", "101.5", "99.25", "103", "97.75"]
    for n, (side, quantity) in enumerate(
        [
            (Side.BUY, "0.3"),
            (Side.BUY, "0.2"),
            (Side.SELL, "0.15"),
            (Side.BUY, "0.7"),
            (Side.SELL, "0.4"),
        ]
    ):
        venue.submit(
            ExecutionIntent(
                client_order_id=f"c{n}",
                directive_id="d",
                symbol=SYMBOL,
                side=side,
                order_type=OrderType.MARKET,
                quantity=Decimal(quantity),
            )
        )
        venue.on_bar(_bar(n, prices[n]))
    live = ledger_of(venue.own_trades(), {SYMBOL: "BTC"}).positions()
    assert list(live.values()) == list(venue.positions())
