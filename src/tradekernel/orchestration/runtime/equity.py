"""Equity: cash plus the marked value of every position, in exact decimals."""

from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from tradekernel.domain.account import Balance, Position
from tradekernel.domain.market import MarkPrice


@attrs.frozen(kw_only=True)
class EquitySnapshot:
    """`unpriced` lists positions without a mark, valued at their entry price instead."""

    ts_ms: int
    cash: Decimal
    positions_value: Decimal
    unpriced: tuple[str, ...] = ()

    @property
    def equity(self) -> Decimal:
        return self.cash + self.positions_value


class EquityCalculator:
    """Value an account in its quote asset: cash + sum(quantity * mark).

    Cash is the quote balance's total (free and locked: a resting buy's reserve is still
    ours). Holdings are counted through positions only, so a spot base-asset balance that
    is also a position is not counted twice. On a `margined` (perpetual) account the
    balance total is the wallet and a position adds its unrealised PnL,
    `quantity * (mark - entry)`, not its notional.
    """

    def __init__(self, quote: str, *, margined: bool = False) -> None:
        self._quote = quote
        self._margined = margined

    def snapshot(
        self,
        *,
        ts_ms: int,
        balances: Iterable[Balance],
        positions: Iterable[Position],
        marks: Mapping[str, MarkPrice],
    ) -> EquitySnapshot:
        """Return the account's value at `ts_ms`."""
        cash = sum(
            (balance.total for balance in balances if balance.asset == self._quote), Decimal(0)
        )
        value = Decimal(0)
        unpriced = []
        for position in sorted(positions, key=lambda item: item.symbol):
            if not position.is_open:
                continue
            mark = marks.get(position.symbol)
            if mark is None:
                unpriced.append(position.symbol)
                price = position.avg_entry_price
            else:
                price = mark.price
            if self._margined:
                price -= position.avg_entry_price
            value += position.quantity * price
        return EquitySnapshot(
            ts_ms=ts_ms, cash=cash, positions_value=value, unpriced=tuple(unpriced)
        )
