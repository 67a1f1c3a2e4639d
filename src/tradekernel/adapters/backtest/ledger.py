"""Spot accounting in the quote asset: cash, holdings at cost, realised PnL and fees.

The identity the ledger guarantees, exactly (to the last decimal digit), at every moment:

    cash + sum(cost_basis over symbols) + fees_paid == starting_cash + realized_pnl

where a buy of q at p with fee f adds p*q to the symbol's cost basis and takes p*q + f
from cash; a sell of q (out of a holding Q with basis B) removes `B * q / Q` from the basis
(all of B when q == Q), adds p*q - f to cash and `p*q - B*q/Q` to realised PnL. Realised
PnL is gross of fees; net PnL is `realized_pnl - fees_paid`. The one rounded quotient is
used on both sides of the books, so it cannot break the identity.
"""

from collections.abc import Mapping
from decimal import Decimal

import attrs

from tradekernel.adapters.backtest.exact import add, div, mul, sub
from tradekernel.domain.account import Position
from tradekernel.domain.enums import Side
from tradekernel.domain.orders import Fill

ZERO = Decimal(0)


@attrs.define(kw_only=True, slots=True)
class Holding:
    symbol: str
    quantity: Decimal = ZERO
    cost_basis: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    opened_ms: int = 0

    def as_position(self) -> Position:
        average = div(self.cost_basis, self.quantity) if self.quantity else ZERO
        return Position(
            symbol=self.symbol,
            quantity=self.quantity,
            avg_entry_price=average,
            opened_ms=self.opened_ms,
            realized_pnl=self.realized_pnl,
        )


class Ledger:
    """Cash and holdings of one spot account with one quote asset."""

    def __init__(self, starting_cash: Decimal) -> None:
        self.starting_cash = starting_cash
        self.cash = starting_cash
        self.fees_paid = ZERO
        self.realized_pnl = ZERO
        self._holdings: dict[str, Holding] = {}

    def holding(self, symbol: str) -> Holding | None:
        return self._holdings.get(symbol)

    def held(self, symbol: str) -> Decimal:
        holding = self._holdings.get(symbol)
        return holding.quantity if holding is not None else ZERO

    def holdings(self) -> list[Holding]:
        """Return the holdings with a non-zero quantity, sorted by symbol."""
        return [holding for _, holding in sorted(self._holdings.items()) if holding.quantity != 0]

    def apply(self, fill: Fill) -> None:
        """Book one fill. The venue checks cash (buys) and holdings (sells) beforehand.

        Raises:
            ValueError: If a sell exceeds the holding (a venue bug: spot cannot go short).
        """
        notional = mul(fill.quantity, fill.price)
        holding = self._holdings.get(fill.symbol)
        if holding is None:
            holding = Holding(symbol=fill.symbol)
            self._holdings[fill.symbol] = holding
        self.fees_paid = add(self.fees_paid, fill.fee)
        if fill.side is Side.BUY:
            if holding.quantity == 0:
                holding.opened_ms = fill.ts_ms
            self.cash = sub(self.cash, add(notional, fill.fee))
            holding.quantity = add(holding.quantity, fill.quantity)
            holding.cost_basis = add(holding.cost_basis, notional)
            return
        if fill.quantity > holding.quantity:
            raise ValueError(
                f"sell of {fill.quantity} {fill.symbol} exceeds the holding {holding.quantity}"
            )
        if fill.quantity == holding.quantity:
            removed = holding.cost_basis
        else:
            removed = div(mul(holding.cost_basis, fill.quantity), holding.quantity)
        pnl = sub(notional, removed)
        self.cash = add(self.cash, sub(notional, fill.fee))
        holding.quantity = sub(holding.quantity, fill.quantity)
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
