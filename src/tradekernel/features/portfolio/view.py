"""The planning view of one state: targets resolved, equity and weights computed once."""

from collections.abc import Mapping
from decimal import Decimal

import attrs

from tradekernel.domain.enums import Side
from tradekernel.domain.portfolio import PortfolioState, TradeAction
from tradekernel.features.portfolio.valuation import ZERO, equity, quantities_of, weights
from tradekernel.shared.quantize import floor_to_step


@attrs.frozen(kw_only=True)
class PlanningView:
    """A state plus what every module needs to read from it."""

    state: PortfolioState
    targets: Mapping[str, Decimal]
    equity: Decimal
    quantities: Mapping[str, Decimal]
    weights: Mapping[str, Decimal]

    @classmethod
    def of(cls, state: PortfolioState, targets: Mapping[str, Decimal]) -> "PlanningView":
        """Build the view of `state` planned towards `targets` (weights of equity)."""
        total = equity(state)
        quantities = quantities_of(state)
        return cls(
            state=state,
            targets=dict(targets),
            equity=total,
            quantities=quantities,
            weights=weights(quantities, state.marks, total),
        )

    def tradable(self, symbol: str) -> bool:
        """Return True if the symbol has rules and a positive mark."""
        return symbol in self.state.rules and self.state.marks.get(symbol, ZERO) > 0

    def action(
        self,
        symbol: str,
        side: Side,
        notional: Decimal,
        source: str,
        priority: Decimal,
        reason: str,
    ) -> TradeAction | None:
        """Return a trade of about `notional` at the mark, floored to the step (None if 0)."""
        if not self.tradable(symbol) or notional <= 0:
            return None
        mark = self.state.marks[symbol]
        quantity = notional / mark
        if side is Side.SELL:
            quantity = min(quantity, self.quantities.get(symbol, ZERO))
        quantity = floor_to_step(quantity, self.state.rules[symbol].step_size)
        if quantity <= 0:
            return None
        return TradeAction(
            symbol=symbol,
            side=side,
            quantity=quantity,
            price=mark,
            source=source,
            priority=priority,
            reason=reason,
        )
