"""The linear perpetual ledger: a wallet, signed positions at cost, margin, funding, fees.

Money is exact (the wide `EXACT` context); the only quotients are the share of a position's
cost basis a partial reduction removes (all of it when the position closes) and the
liquidation price. The identity the ledger keeps, to the last digit, at every mark:

    equity(marks) == starting_cash + realized_pnl + unrealized_pnl(marks)
                     - fees_paid + funding

where `wallet = starting_cash + realized_pnl - fees_paid + funding` (fees and funding
settle in the wallet when they happen) and `unrealized_pnl = sum(q * mark - basis)` with a
signed quantity `q` and a signed basis `sum(q_i * p_i)` (negative for a short).

Margin: opening or increasing a position locks `|q_added| * price / leverage` as the
position's isolated margin; a reduction releases the same share of it. Funding settles in
the wallet and, in isolated mode, also in the position's margin (a position that pays
funding gets closer to its liquidation). In cross mode the whole wallet is every
position's margin.
"""

from collections.abc import Mapping
from decimal import Decimal

import attrs

from tradekernel.domain.account import Position
from tradekernel.domain.enums import Side
from tradekernel.domain.perpetuals import MarginMode, PerpetualTerms
from tradekernel.shared.exact import add, div, mul, sub

ZERO = Decimal(0)


@attrs.define(kw_only=True, slots=True)
class PerpPosition:
    """One symbol's net position (one-way mode): signed quantity, signed basis, margin."""

    symbol: str
    quantity: Decimal = ZERO
    basis: Decimal = ZERO
    margin: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    opened_ms: int = 0

    @property
    def entry_price(self) -> Decimal:
        return div(self.basis, self.quantity) if self.quantity else ZERO

    def unrealized(self, mark: Decimal) -> Decimal:
        """Return `q * mark - basis`: what closing at `mark` would realise, fees aside."""
        return sub(mul(self.quantity, mark), self.basis)

    def as_position(self) -> Position:
        return Position(
            symbol=self.symbol,
            quantity=self.quantity,
            avg_entry_price=self.entry_price,
            opened_ms=self.opened_ms,
            realized_pnl=self.realized_pnl,
        )


class PerpLedger:
    """The books of one linear perpetual account with one quote (settlement) asset."""

    def __init__(self, starting_cash: Decimal, terms: PerpetualTerms) -> None:
        self.starting_cash = starting_cash
        self.terms = terms
        self.wallet = starting_cash
        self.fees_paid = ZERO
        self.realized_pnl = ZERO
        self.funding_paid = ZERO  # positive: what the account paid
        self.funding_received = ZERO
        self._positions: dict[str, PerpPosition] = {}

    @property
    def funding(self) -> Decimal:
        """Return the net funding (received minus paid)."""
        return sub(self.funding_received, self.funding_paid)

    def position(self, symbol: str) -> PerpPosition | None:
        held = self._positions.get(symbol)
        return held if held is not None and held.quantity else None

    def quantity(self, symbol: str) -> Decimal:
        held = self._positions.get(symbol)
        return held.quantity if held is not None else ZERO

    def open_positions(self) -> list[PerpPosition]:
        """Return the positions with a non-zero quantity, sorted by symbol."""
        return [held for _, held in sorted(self._positions.items()) if held.quantity]

    def used_margin(self) -> Decimal:
        total = ZERO
        for held in self._positions.values():
            total = add(total, held.margin)
        return total

    def available(self) -> Decimal:
        """Return what new margin and fees may use: the wallet less locked margin."""
        return sub(self.wallet, self.used_margin())

    def opening_cost(self, quantity: Decimal, price: Decimal, fee: Decimal) -> Decimal:
        """Return the margin plus fee an opening fill of `quantity` at `price` needs."""
        return add(div(mul(quantity, price), self.terms.leverage), fee)

    def apply(
        self, symbol: str, side: Side, quantity: Decimal, price: Decimal, fee: Decimal, ts_ms: int
    ) -> Decimal:
        """Book one fill (a flip closes, then opens the rest); return the PnL it realised."""
        held = self._positions.setdefault(symbol, PerpPosition(symbol=symbol))
        signed = quantity if side is Side.BUY else -quantity
        self.fees_paid = add(self.fees_paid, fee)
        self.wallet = sub(self.wallet, fee)
        realised = ZERO
        if held.quantity and (held.quantity > 0) != (signed > 0):
            closed = min(quantity, abs(held.quantity))
            realised = self._reduce(held, closed, price)
            signed = signed + closed if signed < 0 else signed - closed
        if signed:
            if not held.quantity:
                held.opened_ms = ts_ms
            held.quantity = add(held.quantity, signed)
            held.basis = add(held.basis, mul(signed, price))
            held.margin = add(held.margin, div(mul(abs(signed), price), self.terms.leverage))
        return realised

    def _reduce(self, held: PerpPosition, closed: Decimal, price: Decimal) -> Decimal:
        size = abs(held.quantity)
        if closed == size:
            removed, released = held.basis, held.margin
        else:
            removed = div(mul(held.basis, closed), size)
            released = div(mul(held.margin, closed), size)
        signed_closed = closed if held.quantity > 0 else -closed
        pnl = sub(mul(signed_closed, price), removed)
        held.quantity = sub(held.quantity, signed_closed)
        held.basis = sub(held.basis, removed)
        held.margin = sub(held.margin, released)
        held.realized_pnl = add(held.realized_pnl, pnl)
        self.realized_pnl = add(self.realized_pnl, pnl)
        self.wallet = add(self.wallet, pnl)
        return pnl

    def apply_funding(self, symbol: str, mark: Decimal, rate: Decimal) -> Decimal:
        """Settle one funding event on the symbol's position; return the amount received."""
        held = self.position(symbol)
        if held is None:
            return ZERO
        # Longs pay shorts when the rate is positive.
        amount = mul(held.quantity, mul(mark, rate)).copy_negate()
        self.wallet = add(self.wallet, amount)
        if self.terms.margin_mode is MarginMode.ISOLATED:
            held.margin = add(held.margin, amount)
        if amount > 0:
            self.funding_received = add(self.funding_received, amount)
        else:
            self.funding_paid = sub(self.funding_paid, amount)
        return amount

    def margin_balance(self, symbol: str, mark: Decimal) -> Decimal:
        """Return the margin behind the symbol's position at `mark` (isolated or cross)."""
        held = self._positions[symbol]
        if self.terms.margin_mode is MarginMode.ISOLATED:
            return add(held.margin, held.unrealized(mark))
        return add(self.wallet, held.unrealized(mark))

    def maintenance(self, symbol: str, mark: Decimal) -> Decimal:
        """Return the maintenance margin of the symbol's position at `mark`."""
        held = self._positions[symbol]
        return mul(mul(abs(held.quantity), mark), self.terms.maintenance_margin_rate)

    def is_liquidatable(self, symbol: str, mark: Decimal) -> bool:
        """Return True if the margin at `mark` has fallen below the maintenance margin."""
        if self.position(symbol) is None:
            return False
        return self.margin_balance(symbol, mark) < self.maintenance(symbol, mark)

    def liquidation_price(self, symbol: str) -> Decimal:
        """Return the mark at which margin equals maintenance (zero if flat or unreachable).

        Solves `M + q * p - basis = |q| * p * m` for `p`, with `M` the position's isolated
        margin, or the wallet in cross mode (exact for one open position).
        """
        held = self.position(symbol)
        if held is None:
            return ZERO
        backing = held.margin if self.terms.margin_mode is MarginMode.ISOLATED else self.wallet
        rate = self.terms.maintenance_margin_rate
        price = div(sub(held.basis, backing), sub(held.quantity, mul(abs(held.quantity), rate)))
        return max(price, ZERO)

    def positions(self) -> dict[str, Position]:
        """Return the open positions as planning positions, by symbol (sorted)."""
        return {held.symbol: held.as_position() for held in self.open_positions()}

    def unrealized_pnl(self, marks: Mapping[str, Decimal]) -> Decimal:
        """Return the unrealised PnL of every open position at its mark.

        Raises:
            KeyError: If an open position has no mark.
        """
        total = ZERO
        for held in self.open_positions():
            if held.symbol not in marks:
                raise KeyError(f"no mark price for open position {held.symbol!r}")
            total = add(total, held.unrealized(marks[held.symbol]))
        return total

    def equity(self, marks: Mapping[str, Decimal]) -> Decimal:
        """Return the wallet plus every position's unrealised PnL at its mark.

        Raises:
            KeyError: If an open position has no mark.
        """
        return add(self.wallet, self.unrealized_pnl(marks))
