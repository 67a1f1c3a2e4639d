"""An independent reference loop matches the perpetual venue to the cent on real data.

A long/short SMA cross on Binance XRP/USDT perpetual 1h bars with their real mark-price
bars and 8h funding rates, at high leverage so that a liquidation happens, with taker
fees. The reference is written from the rules in docs/perpetuals.md, not from the venue.
"""

from decimal import ROUND_DOWN, Decimal

from tests.unit.adapters.backtest.perp_data import (
    FUNDING_FILE,
    SYMBOL,
    mark_bars,
    perp_bars,
)

from tradekernel.adapters.backtest.funding import FundingSchedule, read_funding_csv
from tradekernel.adapters.backtest.perpetual_venue import PerpetualVenue
from tradekernel.adapters.backtest.settings import VenueSettings
from tradekernel.domain.enums import CloseSemantics, OrderType, Side
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar
from tradekernel.domain.perpetuals import PerpetualTerms

CENT = Decimal("0.01")
FEE = Decimal("0.0004")
LEVERAGE = Decimal(50)
MMR = Decimal("0.01")
LIQ_FEE = Decimal("0.0125")
EIGHT_HOURS = 8 * 3_600_000


def _direction(closes: list[Decimal]) -> int:
    if len(closes) < 8:
        return 0
    fast = sum(closes[-3:]) / 3
    slow = sum(closes[-8:]) / 8
    return 1 if fast > slow else -1 if fast < slow else 0


def _size(available: Decimal, price: Decimal) -> Decimal:
    return (available * LEVERAGE / 2 / price).quantize(Decimal(1), rounding=ROUND_DOWN)


class _Reference:
    """Wallet, signed quantity, signed basis and isolated margin, by the documented rules."""

    def __init__(self, cash: Decimal) -> None:
        self.wallet = cash
        self.qty = Decimal(0)
        self.basis = Decimal(0)
        self.margin = Decimal(0)
        self.liquidations = 0

    def fund(self, mark: Decimal, rate: Decimal) -> None:
        paid = self.qty * mark * rate
        self.wallet -= paid
        self.margin -= paid

    def close(self, price: Decimal, fee_rate: Decimal) -> None:
        self.wallet += self.qty * price - self.basis - abs(self.qty) * price * fee_rate
        self.qty = self.basis = self.margin = Decimal(0)

    def open(self, signed: Decimal, price: Decimal) -> None:
        self.wallet -= abs(signed) * price * FEE
        self.qty, self.basis = signed, signed * price
        self.margin = abs(signed) * price / LEVERAGE

    def liquidate_if_due(self, mark: Bar) -> None:
        if not self.qty:
            return
        worst = mark.low if self.qty > 0 else mark.high
        if self.margin + self.qty * worst - self.basis >= abs(self.qty) * worst * MMR:
            return
        price = (self.basis - self.margin) / (self.qty - abs(self.qty) * MMR)
        price = min(price, mark.open) if self.qty > 0 else max(price, mark.open)
        self.close(price, LIQ_FEE)
        self.liquidations += 1


def test_reference_loop_matches_the_venue_to_the_cent() -> None:
    bars, marks = perp_bars(), {bar.ts_ms: bar for bar in mark_bars()}
    rates = read_funding_csv(FUNDING_FILE, EIGHT_HOURS)
    terms = PerpetualTerms(
        leverage=LEVERAGE, maintenance_margin_rate=MMR, liquidation_fee_rate=LIQ_FEE
    )
    venue = PerpetualVenue(
        VenueSettings(
            maker_fee=FEE, taker_fee=FEE, starting_cash=Decimal(1000), quote_asset="USDT"
        ),
        terms,
        funding=FundingSchedule(rates={SYMBOL: rates}),
        marks={SYMBOL: mark_bars()},
    )
    ref = _Reference(Decimal(1000))
    closes: list[Decimal] = []
    pending: tuple[bool, Decimal] | None = None  # (close first, signed quantity to open)
    funded = 0
    for index, bar in enumerate(bars):
        mark = marks.get(bar.ts_ms, bar)
        if bar.ts_ms % EIGHT_HOURS == 0 and bar.ts_ms in rates:
            ref.fund(mark.open, rates[bar.ts_ms])
            funded += 1 if ref.qty else 0
        if pending is not None:
            close_first, signed = pending
            if close_first and ref.qty:
                ref.close(bar.open, FEE)
            if signed:
                ref.open(signed, bar.open)
            pending = None
        ref.liquidate_if_due(mark)
        venue.on_bar(bar)
        mark_close = mark.close
        expected = ref.wallet + ref.qty * mark_close - ref.basis
        assert venue.equity({SYMBOL: bar.close}).quantize(CENT) == expected.quantize(CENT), index
        closes.append(bar.close)
        want = _direction(closes)
        held = venue.perp.quantity(SYMBOL)
        assert held == ref.qty, index
        if want == 0 or ((held > 0) == (want > 0) and held):
            continue
        if held:
            venue.submit(_intent(f"c{index}", Side.BUY if held < 0 else Side.SELL, abs(held), True))
        wallet_after_close = ref.wallet + ref.qty * bar.close - ref.basis
        qty = _size(wallet_after_close * Decimal("0.9"), bar.close)
        venue.submit(_intent(f"o{index}", Side.BUY if want > 0 else Side.SELL, qty, False))
        pending = (bool(held), qty if want > 0 else -qty)
    assert ref.liquidations >= 1
    assert len(venue.liquidations) == ref.liquidations
    assert funded >= 1
    assert venue.perp.funding_paid + venue.perp.funding_received > 0
    assert {trade.side for trade in venue.closed_trades()} == {Side.BUY, Side.SELL}


def _intent(cid: str, side: Side, qty: Decimal, closing: bool) -> ExecutionIntent:
    return ExecutionIntent(
        client_order_id=cid,
        directive_id=cid,
        symbol=SYMBOL,
        side=side,
        order_type=OrderType.MARKET,
        quantity=qty,
        close_semantics=CloseSemantics.CLOSE_ALL if closing else CloseSemantics.OPEN,
    )
