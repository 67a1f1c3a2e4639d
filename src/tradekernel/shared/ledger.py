"""The one spot ledger: cash, holdings at cost, realised PnL and fees, folded from fills.

The simulated venue books its fills here, and the live runner folds the fills recorded in
the order store through the same code, so a position (quantity, average entry price,
opened time) reads the same in every mode for the same fills.

The identity the ledger guarantees, exactly (to the last decimal digit), when fees are paid
in the quote asset:

    cash + sum(cost_basis over symbols) + fees_paid == starting_cash + realized_pnl

where a buy of q at p with fee f adds p*q to the symbol's cost basis and takes p*q + f
from cash; a sell of q (out of a holding Q with basis B) removes `B * q / Q` from the basis
(all of B when q == Q), adds p*q - f to cash and `p*q - B*q/Q` to realised PnL. Realised
PnL is gross of fees; net PnL is `realized_pnl - fees_paid`. The one rounded quotient is
used on both sides of the books, so it cannot break the identity.

A fee paid in the symbol's base asset (some venues take it from what was bought) reduces
the holding instead of the cash, as the venue reduces the balance.
"""

from collections.abc import Mapping
from decimal import Decimal

import attrs

from tradekernel.domain.account import Position
from tradekernel.domain.enums import Side
from tradekernel.domain.orders import Fill
from tradekernel.shared.exact import add, div, mul, sub

ZERO = Decimal(0)


@attrs.define(kw_only=True, slots=True)
class LedgerHolding:
    symbol: str
    quantity: Decimal = ZERO
    cost_basis: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    opened_ms: int = 0

    def as_position(self) -> Position:
        average = div(self.cost_basis, self.quantity) if self.quantity > 0 else ZERO
        return Position(
            symbol=self.symbol,
            quantity=self.quantity,
            avg_entry_price=average,
            opened_ms=self.opened_ms,
            realized_pnl=self.realized_pnl,
        )


class SpotLedger:
    """Cash and holdings of one spot account with one quote asset.

    `bases` maps a symbol to its base asset (to recognise a fee paid in it). `strict`
    refuses a sell above the holding (a simulated venue checks holdings first, so one is
    a bug); a live account may sell what it held before the bot's own fills, and then the
    sale beyond the holding is booked at no cost.
    """

    def __init__(
        self,
        starting_cash: Decimal,
        *,
        bases: Mapping[str, str] | None = None,
        strict: bool = True,
    ) -> None:
        self.starting_cash = starting_cash
        self.cash = starting_cash
        self.fees_paid = ZERO
        self.realized_pnl = ZERO
        self._bases = dict(bases or {})
        self._strict = strict
        self._holdings: dict[str, LedgerHolding] = {}

    def holding(self, symbol: str) -> LedgerHolding | None:
        return self._holdings.get(symbol)

    def held(self, symbol: str) -> Decimal:
        holding = self._holdings.get(symbol)
        return holding.quantity if holding is not None else ZERO

    def holdings(self) -> list[LedgerHolding]:
        """Return the holdings with a non-zero quantity, sorted by symbol."""
        return [holding for _, holding in sorted(self._holdings.items()) if holding.quantity != 0]

    def positions(self) -> dict[str, Position]:
        """Return the long holdings as planning positions, by symbol (sorted)."""
        return {h.symbol: h.as_position() for h in self.holdings() if h.quantity > 0}

    def apply(self, fill: Fill) -> None:
        """Book one fill.

        Raises:
            ValueError: A strict ledger's sell exceeds the holding (spot cannot go short).
        """
        notional = mul(fill.quantity, fill.price)
        holding = self._holdings.get(fill.symbol)
        if holding is None:
            holding = LedgerHolding(symbol=fill.symbol)
            self._holdings[fill.symbol] = holding
        base_fee = (
            fill.fee if fill.fee_asset and fill.fee_asset == self._bases.get(fill.symbol) else ZERO
        )
        quote_fee = fill.fee if base_fee == ZERO else ZERO
        self.fees_paid = add(self.fees_paid, quote_fee)
        if fill.side is Side.BUY:
            if holding.quantity <= 0:
                holding.opened_ms = fill.ts_ms
            self.cash = sub(self.cash, add(notional, quote_fee))
            holding.quantity = sub(add(holding.quantity, fill.quantity), base_fee)
            holding.cost_basis = add(holding.cost_basis, notional)
            return
        held = max(holding.quantity, ZERO)
        if fill.quantity > held and self._strict:
            raise ValueError(
                f"sell of {fill.quantity} {fill.symbol} exceeds the holding {holding.quantity}"
            )
        sold = min(fill.quantity, held)
        # All of the basis when all is sold: no rounded quotient left behind.
        removed = holding.cost_basis if sold == held else div(mul(holding.cost_basis, sold), held)
        pnl = sub(mul(sold, fill.price), removed)
        self.cash = add(self.cash, sub(notional, quote_fee))
        holding.quantity = sub(sub(holding.quantity, fill.quantity), base_fee)
        holding.cost_basis = sub(holding.cost_basis, removed)
        holding.realized_pnl = add(holding.realized_pnl, pnl)
        self.realized_pnl = add(self.realized_pnl, pnl)

    def equity(self, marks: Mapping[str, Decimal]) -> Decimal:
        """Return cash plus every holding at its mark.

        Raises:
            KeyError: If a held symbol has no mark.
        """
        total = self.cash
        for holding in self.holdings():
            if holding.symbol not in marks:
                raise KeyError(f"no mark price for held symbol {holding.symbol!r}")
            total = add(total, mul(holding.quantity, marks[holding.symbol]))
        return total
