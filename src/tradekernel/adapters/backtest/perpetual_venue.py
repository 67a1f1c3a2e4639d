"""The linear perpetual backtest venue: the spot venue's matching on margined positions.

Orders match exactly as on the spot venue (`matching.py`, fees, slippage, volume cap); the
books are `shared/perp_ledger.py`. What a bar does, in this order:

1. Funding: every funding time in (previous bar, this bar] settles on the position held
   then, on its notional at the mark: the mark bar's open at this bar's time (or this
   bar's open without a mark series). Longs pay shorts a positive rate.
2. Matching of the working orders, as on spot. An order that opens or adds to a position
   needs `notional / leverage + fee` of available balance (the wallet less locked margin)
   or it is REJECTED. A reduce-only order only ever reduces: it fills at most the
   position, in the direction that reduces it, and never flips it; one with nothing to
   reduce is refused at submit (or REJECTED at fill time if the position went away).
3. Liquidation, checked at the bar's adverse extreme (the low for a long, the high for a
   short) of the mark bar, or of the bar itself without a mark series: when the margin
   (isolated margin, or the wallet in cross mode, plus unrealised PnL) is below the
   maintenance margin there, the position is closed at its liquidation price (or at the
   open when the bar opened beyond it), with the liquidation fee on that notional, and
   the symbol's working orders are cancelled. There is no insurance fund: a loss beyond
   the margin is paid from the wallet.

Unrealised PnL and equity use the mark bar's close at the last bar fed, or the caller's
mark (the bar's close) without a mark series.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs
from typing_extensions import override

from tradekernel.adapters.backtest.funding import FundingSchedule
from tradekernel.adapters.backtest.settings import VenueSettings
from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.adapters.backtest.working_order import WorkingOrder
from tradekernel.domain.account import Balance, Position
from tradekernel.domain.enums import ExitReason, Liquidity, OrderStatus, Side
from tradekernel.domain.errors import Rejected
from tradekernel.domain.intents import ExecutionIntent
from tradekernel.domain.market import Bar
from tradekernel.domain.orders import Fill
from tradekernel.domain.perpetuals import PerpetualTerms
from tradekernel.domain.ports.clock import Clock
from tradekernel.domain.ports.simulation import MarginAccount, PerpetualStats
from tradekernel.shared.exact import add, div, mul, sub
from tradekernel.shared.perp_ledger import PerpLedger

ZERO = Decimal(0)


@attrs.frozen(kw_only=True)
class Liquidation:
    """One forced close: the position, the price, the fee and the bar it happened on."""

    symbol: str
    ts_ms: int
    quantity: Decimal
    price: Decimal
    fee: Decimal


class PerpetualVenue(BacktestVenue):
    """Bar-driven matching on a linear perpetual account: long, short, margin, funding."""

    _spot = False

    def __init__(
        self,
        settings: VenueSettings | None = None,
        terms: PerpetualTerms | None = None,
        *,
        funding: FundingSchedule | None = None,
        marks: Mapping[str, Sequence[Bar]] | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(settings, clock)
        self.terms = terms or PerpetualTerms()
        self.perp = PerpLedger(self.settings.starting_cash, self.terms)
        self._funding = funding or FundingSchedule()
        self._marks = {
            symbol: {bar.ts_ms: bar for bar in bars} for symbol, bars in (marks or {}).items()
        }
        self._mark_now: dict[str, Decimal] = {}
        self.liquidations: list[Liquidation] = []
        self.max_leverage_used = ZERO

    @override
    def _reserve(self, intent: ExecutionIntent) -> None:
        if intent.reduce_only and not self._reduces(intent.symbol, intent.side):
            raise Rejected(
                f"order {intent.client_order_id} rejected: reduce-only {intent.side} with no "
                f"position it reduces on {intent.symbol}",
                client_order_id=intent.client_order_id,
            )

    def _reduces(self, symbol: str, side: Side) -> bool:
        return _reduces(self.perp.quantity(symbol), side)

    @override
    def _fillable(self, order: WorkingOrder, qty: Decimal) -> Decimal:
        if not order.reduce_only:
            return qty
        if not self._reduces(order.symbol, order.side):
            self._reasons[order.client_order_id] = "reduce-only with no position to reduce"
            self._finish(order, OrderStatus.REJECTED, self._last_ts.get(order.symbol))
            return ZERO
        return min(qty, abs(self.perp.quantity(order.symbol)))

    @override
    def _payment_problem(
        self, order: WorkingOrder, qty: Decimal, notional: Decimal, fee: Decimal
    ) -> str:
        held = self.perp.quantity(order.symbol)
        closing = min(qty, abs(held)) if self._reduces(order.symbol, order.side) else ZERO
        if closing == qty:
            return ""
        opening = notional if closing == 0 else div(mul(notional, qty - closing), qty)
        need = add(div(opening, self.terms.leverage), fee)
        available = self.perp.available()
        if need > available:
            return f"available balance {available} cannot pay margin + fee {need}"
        return ""

    @override
    def _book(self, order: WorkingOrder, fill: Fill) -> None:
        held = self.perp.quantity(fill.symbol)
        self.perp.apply(fill.symbol, fill.side, fill.quantity, fill.price, fill.fee, fill.ts_ms)
        closing = min(fill.quantity, abs(held)) if _reduces(held, fill.side) else ZERO
        if ZERO < closing < fill.quantity:
            # A flip: one fill closes a round trip and opens the next.
            share = div(mul(fill.fee, closing), fill.quantity)
            self._trips.record(attrs.evolve(fill, quantity=closing, fee=share), order.exit_reason)
            rest = attrs.evolve(fill, quantity=fill.quantity - closing, fee=fill.fee - share)
            self._trips.record(rest, order.exit_reason)
            return
        self._trips.record(fill, order.exit_reason)

    @override
    def _release(self, order: WorkingOrder) -> None:
        return None

    @override
    def on_bar(self, bar: Bar) -> Sequence[Fill]:
        """Settle funding, match the working orders, then liquidate if margin ran out.

        Raises:
            ValueError: If the bar is not after the previous bar fed for its symbol.
        """
        symbol = bar.symbol
        last = self._last_ts.get(symbol)
        mark_bar = self._marks.get(symbol, {}).get(bar.ts_ms)
        if last is None or bar.ts_ms > last:
            self._settle_funding(symbol, last, bar, mark_bar)
        fills = list(super().on_bar(bar))
        liquidation = self._liquidate(bar, mark_bar or bar)
        if liquidation is not None:
            fills.append(liquidation)
        self._mark_now[symbol] = mark_bar.close if mark_bar is not None else bar.close
        self._track_leverage()
        return fills

    def _settle_funding(self, symbol: str, last: int | None, bar: Bar, mark: Bar | None) -> None:
        interval = self.terms.funding_interval_ms
        first = bar.ts_ms if last is None else last + 1
        funding_ms = first + (-first) % interval
        price = mark.open if mark is not None else bar.open
        while funding_ms <= bar.ts_ms:
            rate = self._funding.rate(symbol, funding_ms)
            if rate is not None:
                self.perp.apply_funding(symbol, price, rate)
            funding_ms += interval

    def _liquidate(self, bar: Bar, mark: Bar) -> Fill | None:
        symbol = bar.symbol
        held = self.perp.position(symbol)
        if held is None:
            return None
        extreme = mark.low if held.quantity > 0 else mark.high
        if not self.perp.is_liquidatable(symbol, extreme):
            return None
        price = self.perp.liquidation_price(symbol)
        price = min(price, mark.open) if held.quantity > 0 else max(price, mark.open)
        size = abs(held.quantity)
        fee = mul(mul(size, price), self.terms.liquidation_fee_rate)
        side = Side.SELL if held.quantity > 0 else Side.BUY
        for order in list(self._working.get(symbol, ())):
            self.cancel(symbol, order.client_order_id)
        fill = Fill(
            trade_id=f"liquidation-{symbol}-{bar.ts_ms}",
            client_order_id=f"liquidation-{symbol}-{bar.ts_ms}",
            symbol=symbol,
            side=side,
            quantity=size,
            price=price,
            fee=fee,
            fee_asset=self.settings.quote_asset,
            ts_ms=bar.ts_ms,
            liquidity=Liquidity.TAKER,
        )
        self.perp.apply(symbol, side, size, price, fee, bar.ts_ms)
        self._trips.record(fill, ExitReason.LIQUIDATION)
        self._fills.append(fill)
        self.liquidations.append(
            Liquidation(symbol=symbol, ts_ms=bar.ts_ms, quantity=size, price=price, fee=fee)
        )
        return fill

    def _track_leverage(self) -> None:
        marks = self._mark_now
        notional = ZERO
        for held in self.perp.open_positions():
            notional = add(notional, mul(abs(held.quantity), marks.get(held.symbol, ZERO)))
        equity = self.perp.equity(marks) if notional else ZERO
        if notional and equity > 0:
            self.max_leverage_used = max(self.max_leverage_used, div(notional, equity))

    @override
    def margin_account(self) -> MarginAccount:
        """Return the venue itself: the loop feeds it every bar of an open position."""
        return self

    def open_symbols(self) -> tuple[str, ...]:
        """Return the symbols with an open position, sorted."""
        return tuple(held.symbol for held in self.perp.open_positions())

    def value_offset(self) -> Decimal:
        """Return the wallet less every position's signed basis: equity = it + sum(q * mark)."""
        offset = self.perp.wallet
        for held in self.perp.open_positions():
            offset = sub(offset, held.basis)
        return offset

    def mark_closes(self, symbol: str) -> Mapping[int, Decimal]:
        """Return the mark series' close by bar time (empty without a mark series)."""
        return {ts_ms: bar.close for ts_ms, bar in self._marks.get(symbol, {}).items()}

    def stats(self) -> PerpetualStats:
        """Return the funding paid and received, the maximum leverage and the liquidations."""
        return PerpetualStats(
            funding_paid=self.perp.funding_paid,
            funding_received=self.perp.funding_received,
            max_leverage_used=self.max_leverage_used,
            liquidations=len(self.liquidations),
        )

    def mark(self, symbol: str) -> Decimal | None:
        """Return the mark price at the last bar fed for `symbol` (None before any bar)."""
        return self._mark_now.get(symbol)

    @override
    def cash(self) -> Decimal:
        """Return the available balance: the wallet less the margin locked by positions."""
        return self.perp.available()

    @override
    def balances(self) -> Sequence[Balance]:
        """Return the quote balance: free = available, locked = position margin."""
        return [
            Balance(
                asset=self.settings.quote_asset,
                free=self.perp.available(),
                locked=self.perp.used_margin(),
            )
        ]

    @override
    def positions(self) -> Sequence[Position]:
        """Return the open positions (signed quantities), sorted by symbol."""
        return list(self.perp.positions().values())

    @override
    def cost_basis(self, symbol: str) -> Decimal:
        """Return the signed cost basis of the symbol's position (negative for a short)."""
        held = self.perp.position(symbol)
        return held.basis if held is not None else ZERO

    @property
    @override
    def fees_paid(self) -> Decimal:
        return self.perp.fees_paid

    @property
    @override
    def realized_pnl(self) -> Decimal:
        """Return the realised PnL over all symbols, gross of fees and funding."""
        return self.perp.realized_pnl

    @override
    def equity(self, marks: Mapping[str, Decimal]) -> Decimal:
        """Return the wallet plus unrealised PnL at the venue's mark (else the given mark).

        Raises:
            KeyError: If an open position has neither.
        """
        return self.perp.equity({**marks, **self._mark_now})


def _reduces(held: Decimal, side: Side) -> bool:
    return held < 0 if side is Side.BUY else held > 0
