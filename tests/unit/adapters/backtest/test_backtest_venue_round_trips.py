"""Round trips, settings validation and the exact ledger identity of the backtest venue."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradekernel.adapters.backtest.settings import VenueSettings
from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.domain.enums import OrderType, Side
from tradekernel.domain.errors import Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar

D = Decimal
SYMBOL = "BTC/USD"


def flat_bar(ts: int, price: Decimal, symbol: str = SYMBOL, volume: str = "1000") -> Bar:
    return Bar(
        symbol=symbol, ts_ms=ts, open=price, high=price, low=price, close=price, volume=D(volume)
    )


def market(cid: str, side: Side, qty: Decimal, symbol: str = SYMBOL) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=cid,
        directive_id="d",
        symbol=symbol,
        side=side,
        order_type=OrderType.MARKET,
        quantity=qty,
    )


def test_round_trip_with_dca_entry_and_partial_exit_reports_vwap_fees_and_net_pnl() -> None:
    venue = BacktestVenue(VenueSettings(taker_fee=D("0.001"), starting_cash=D(10_000)))
    steps = [
        (1, Side.BUY, "1", "100"),
        (2, Side.BUY, "1", "110"),
        (3, Side.SELL, "0.5", "120"),
    ]
    for ts, side, qty, price in steps:
        venue.submit(market(f"o{ts}", side, D(qty)))
        venue.on_bar(flat_bar(ts, D(price)))
    assert venue.closed_trades() == ()
    still_open = next((t for t in venue.open_trades() if t.symbol == SYMBOL), None)
    assert still_open is not None
    assert still_open.open_qty == D("1.5")
    assert still_open.entry_price == D(105)
    assert still_open.fees == D("0.270")  # 0.1 + 0.11 + 0.06
    marked = still_open.marked(D(130), ts_ms=9)
    assert marked.pnl == D(60) + D("1.5") * D(130) - D(210) - D("0.270")
    venue.submit(market("o4", Side.SELL, D("1.5")))
    venue.on_bar(flat_bar(4, D(90)))
    (trade,) = venue.closed_trades()
    assert trade.side is Side.BUY
    assert (trade.entry_time_ms, trade.exit_time_ms) == (1, 4)
    assert trade.qty == D(2)
    assert trade.entry_price == D(105)
    assert trade.exit_price == D("97.5")  # (60 + 135) / 2
    assert trade.fees == D("0.405")  # 0.27 + 0.135
    assert trade.pnl == D(195) - D(210) - D("0.405")
    assert not trade.is_win
    assert venue.open_trades() == ()
    assert venue.positions() == []
    # The trade's net PnL is what the account lost.
    assert venue.cash() == D(10_000) + trade.pnl


def test_second_round_trip_opens_after_the_position_returns_to_zero() -> None:
    venue = BacktestVenue(VenueSettings(maker_fee=D(0), taker_fee=D(0), starting_cash=D(1000)))
    for ts, side, price in [(1, Side.BUY, 10), (2, Side.SELL, 12), (3, Side.BUY, 20)]:
        venue.submit(market(f"o{ts}", side, D(1)))
        venue.on_bar(flat_bar(ts, D(price)))
    (first,) = venue.closed_trades()
    assert first.pnl == D(2)
    reopened = next((t for t in venue.open_trades() if t.symbol == SYMBOL), None)
    assert reopened is not None
    assert reopened.entry_time_ms == 3
    assert venue.positions()[0].opened_ms == 3


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("maker_fee", D("-0.001")),
        ("taker_fee", D(1)),
        ("slippage_bps", D(-1)),
        ("participation", D(0)),
        ("participation", D("1.5")),
        ("starting_cash", D(-1)),
        ("taker_fee", D("NaN")),
    ],
)
def test_invalid_settings_are_refused_naming_the_field(field: str, value: Decimal) -> None:
    with pytest.raises(ValueError, match=rf"venue\.{field}"):
        VenueSettings(**{field: value})


def test_quote_asset_must_be_a_code() -> None:
    with pytest.raises(ValueError, match=r"venue\.quote_asset"):
        VenueSettings(quote_asset="")


def test_skipped_intent_is_refused() -> None:
    from tradekernel.domain.enums import SkipReason

    skipped = market("s", Side.BUY, D(1)).skip(SkipReason.MIN_NOTIONAL, "too small")
    with pytest.raises(Rejected, match="skipped"):
        BacktestVenue().submit(skipped)


_PRICES = st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2)
_QTYS = st.decimals(min_value=D("0.00000001"), max_value=D("5"), places=8)
_STEP = st.tuples(st.booleans(), _QTYS, _PRICES, st.sampled_from(["BTC/USD", "ETH/USD"]))


class _ReferenceBooks:
    """An independent ledger in exact fractions (average cost, no rounding anywhere)."""

    def __init__(self, cash: Fraction) -> None:
        self.cash = cash
        self.fees = Fraction(0)
        self.qty: dict[str, Fraction] = {}
        self.basis: dict[str, Fraction] = {}
        self.realized = Fraction(0)

    def fill(self, side: Side, symbol: str, qty: Fraction, price: Fraction, fee: Fraction) -> None:
        self.fees += fee
        held = self.qty.get(symbol, Fraction(0))
        basis = self.basis.get(symbol, Fraction(0))
        if side is Side.BUY:
            self.cash -= qty * price + fee
            self.qty[symbol] = held + qty
            self.basis[symbol] = basis + qty * price
            return
        removed = basis * qty / held
        self.cash += qty * price - fee
        self.realized += qty * price - removed
        self.qty[symbol] = held - qty
        self.basis[symbol] = basis - removed


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(_STEP, min_size=1, max_size=40),
    fee=st.decimals(min_value=D(0), max_value=D("0.01"), places=5),
    slippage=st.decimals(min_value=D(0), max_value=D(50), places=1),
)
def test_ledger_identity_holds_exactly_for_random_buys_and_sells(
    steps: list[tuple[bool, Decimal, Decimal, str]], fee: Decimal, slippage: Decimal
) -> None:
    start = D(1_000_000)
    venue = BacktestVenue(
        VenueSettings(taker_fee=fee, maker_fee=fee, slippage_bps=slippage, starting_cash=start)
    )
    reference = _ReferenceBooks(Fraction(start))
    for ts, (is_buy, wanted, price, symbol) in enumerate(steps, start=1):
        side = Side.BUY if is_buy else Side.SELL
        held = next((p.quantity for p in venue.positions() if p.symbol == symbol), D(0))
        qty = wanted
        if side is Side.SELL:
            if held == 0:
                continue
            qty = min(wanted, held)  # sometimes the whole holding: the basis must go to zero
        venue.submit(market(f"o{ts}", side, qty, symbol))
        for fill in venue.on_bar(flat_bar(ts, price, symbol)):
            reference.fill(
                fill.side, symbol, Fraction(fill.quantity), Fraction(fill.price), Fraction(fill.fee)
            )
        # cash + sum(cost basis) + fees paid == starting cash + realised PnL, to the digit
        # (summed in fractions: a 28-digit Decimal sum in the test would itself round).
        basis = sum(Fraction(venue.cost_basis(s)) for s in ("BTC/USD", "ETH/USD"))
        lhs = Fraction(venue.cash()) + basis + Fraction(venue.fees_paid)
        assert lhs == Fraction(start) + Fraction(venue.realized_pnl)
        # Cash and fees are exact against the fraction ledger; realised PnL agrees to
        # far below a cent (only the pro-rata basis of a partial sell is a quotient).
        assert Fraction(venue.cash()) == reference.cash
        assert Fraction(venue.fees_paid) == reference.fees
        assert abs(Fraction(venue.realized_pnl) - reference.realized) < Fraction(1, 10**12)
    # A closed round trip's net PnL is (exit VWAP - entry VWAP) * qty - fees; the VWAPs
    # are 28-digit quotients, so compare to far below a cent.
    for trade in venue.closed_trades():
        gross = (Fraction(trade.exit_price) - Fraction(trade.entry_price)) * Fraction(trade.qty)
        assert abs(Fraction(trade.pnl) - (gross - Fraction(trade.fees))) < Fraction(1, 10**12)
