"""What the holistic allocator plans on: the cycle's market and the portfolio state it implies.

The `Allocator` port receives directives and an `AccountView`, which carries exposures but
neither quantities, entry prices, marks nor symbol rules. `CycleMarket` is that missing
part, taken from the same `PlanningContext` the kernel plans (see `holistic_kernel`).
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs

from tradekernel.domain.account import Position
from tradekernel.domain.context import PlanningContext
from tradekernel.domain.enums import DirectiveScope, Side
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.portfolio import MarketTrend, PortfolioState, TradeAction
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.domain.trade_plans import ExecutionDirective
from tradekernel.features.portfolio.view import PlanningView
from tradekernel.shared.quantize import floor_to_step

ZERO = Decimal(0)
DIRECTIVE_SOURCE = "directive"


@attrs.frozen(kw_only=True)
class CycleMarket:
    """Marks, rules, spot holdings and free quote cash of one cycle."""

    now_ms: int
    marks: Mapping[str, Decimal]
    rules: Mapping[str, SymbolRules]
    positions: Mapping[str, Position]
    free_cash: Decimal

    @classmethod
    def of(cls, context: PlanningContext[object], quote_asset: str) -> "CycleMarket":
        """Return the market view of `context` (positive marks, long holdings only)."""
        return cls(
            now_ms=context.now_ms,
            marks={s: m.price for s, m in sorted(context.marks.items()) if m.price > 0},
            rules=dict(sorted(context.rules.items())),
            positions={s: p for s, p in sorted(context.positions.items()) if p.quantity > 0},
            free_cash=context.free(quote_asset),
        )


@attrs.frozen(kw_only=True)
class Candidate:
    """A directive the planner may execute, with its own size as a trade at the mark."""

    execution: ExecutionDirective
    action: TradeAction

    @property
    def key(self) -> tuple[str, Side]:
        return (self.action.symbol, self.action.side)


def close_quantity(item: ExecutionDirective, held: Decimal) -> Decimal:
    """Return how much of `held` a close sells (its close fraction, all when unset)."""
    fraction = item.directive.size.close_fraction
    if fraction is None or fraction >= 1:
        return held
    return held * max(ZERO, fraction)


def candidate_action(
    item: ExecutionDirective, market: CycleMarket, quantity: Decimal
) -> TradeAction | None:
    """Return the directive as a trade at the mark, floored to the step (None when 0)."""
    directive = item.directive
    step = market.rules[directive.symbol].step_size
    floored = floor_to_step(max(quantity, ZERO), step)
    if floored <= 0:
        return None
    return TradeAction(
        symbol=directive.symbol,
        side=directive.side,
        quantity=floored,
        price=market.marks[directive.symbol],
        source=DIRECTIVE_SOURCE,
        priority=directive.confidence,
        reason=f"directive {directive.directive_id}",
    )


def wanted_quantity(item: ExecutionDirective, market: CycleMarket) -> Decimal:
    """Return the directive's own quantity: a sale never exceeds the spot holding."""
    position = market.positions.get(item.directive.symbol)
    held = position.quantity if position is not None else ZERO
    if item.directive.scope is DirectiveScope.CLOSE_EXISTING:
        return close_quantity(item, held)
    quantity = abs(item.size.quantity)
    return min(quantity, held) if item.directive.side is Side.SELL else quantity


def portfolio_state(
    market: CycleMarket,
    account: AccountView,
    closes: Sequence[ExecutionDirective],
    candidates: Sequence[Candidate],
    *,
    fee_rate: Decimal,
    trend: MarketTrend,
) -> PortfolioState:
    """Return the state the planner plans: after the accepted closes, candidates tradable.

    Only candidate symbols get rules, so the planner's calculators can propose trades on
    them alone (a trade needs rules); every holding still counts in equity and weights.
    A close's proceeds are counted in cash, net of fees, as the planner's valuation needs;
    `CycleMarket.free_cash` bounds what buys may spend before they settle.
    """
    quantities = {s: p.quantity for s, p in market.positions.items()}
    cash = account.cash
    for item in closes:
        symbol = item.directive.symbol
        held = quantities.get(symbol, ZERO)
        sold = min(held, close_quantity(item, held))
        mark = market.marks.get(symbol)
        if sold <= 0 or mark is None:
            continue
        quantities[symbol] = held - sold
        cash += sold * mark * (1 - fee_rate)
    positions = tuple(
        attrs.evolve(market.positions[s], quantity=q)
        for s, q in sorted(quantities.items())
        if q > 0
    )
    scores: dict[str, Decimal] = {}
    for candidate in candidates:
        if candidate.action.side is Side.BUY:
            symbol = candidate.action.symbol
            scores[symbol] = max(scores.get(symbol, ZERO), candidate.execution.directive.confidence)
    return PortfolioState(
        quote_asset=account.quote_asset,
        now_ms=market.now_ms,
        cash=cash,
        positions=positions,
        marks=dict(market.marks),
        rules={c.action.symbol: market.rules[c.action.symbol] for c in candidates},
        scores=dict(sorted(scores.items())),
        trend=trend,
    )


# Not frozen: the planner's `Calculator` protocol declares `name` a settable attribute.
@attrs.define(kw_only=True)
class DirectiveProposals:
    """A calculator offering the directives themselves, at their own size and confidence."""

    actions: tuple[TradeAction, ...]
    name: str = DIRECTIVE_SOURCE

    def candidates(self, view: PlanningView) -> tuple[TradeAction, ...]:
        """Return the directive trades still possible in `view` (sales capped to holdings)."""
        found: list[TradeAction] = []
        for action in self.actions:
            if action.side is Side.SELL:
                held = view.quantities.get(action.symbol, ZERO)
                step = view.state.rules[action.symbol].step_size
                quantity = floor_to_step(min(action.quantity, held), step)
                if quantity <= 0:
                    continue
                found.append(attrs.evolve(action, quantity=quantity))
                continue
            found.append(action)
        return tuple(found)
