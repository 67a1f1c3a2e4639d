"""Valuing a portfolio state at its marks: equity, weights and correlation look-ups."""

from collections.abc import Mapping
from decimal import Decimal

from tradekernel.domain.portfolio import PortfolioState

ZERO = Decimal(0)


def holdings_value(quantities: Mapping[str, Decimal], marks: Mapping[str, Decimal]) -> Decimal:
    """Return the value of `quantities` at `marks` (a symbol without a mark counts as 0)."""
    return sum((qty * marks.get(symbol, ZERO) for symbol, qty in sorted(quantities.items())), ZERO)


def quantities_of(state: PortfolioState) -> dict[str, Decimal]:
    """Return the held quantity per symbol (open positions only)."""
    return {p.symbol: p.quantity for p in state.positions if p.quantity != 0}


def equity(state: PortfolioState) -> Decimal:
    """Return cash plus holdings at their marks."""
    return state.cash + holdings_value(quantities_of(state), state.marks)


def weights(
    quantities: Mapping[str, Decimal], marks: Mapping[str, Decimal], total: Decimal
) -> dict[str, Decimal]:
    """Return each symbol's share of `total` (empty when total is not positive)."""
    if total <= 0:
        return {}
    return {
        symbol: qty * marks.get(symbol, ZERO) / total
        for symbol, qty in sorted(quantities.items())
        if qty != 0
    }


def correlation(state: PortfolioState, a: str, b: str) -> Decimal | None:
    """Return the configured correlation of `a` and `b`, if any."""
    for item in state.correlations:
        if {item.a, item.b} == {a, b}:
            return item.value
    return None


def unrealised_return(avg_price: Decimal, mark: Decimal) -> Decimal:
    """Return mark / avg_price - 1 (0 when the average price is unknown)."""
    if avg_price <= 0:
        return ZERO
    return mark / avg_price - 1
