"""The holistic allocator: the portfolio planner deciding which directives trade, and how much.

An `Allocator` (structurally) that plans the cycle's directives as one portfolio:

1. protective-stop modifications are accepted unchanged; closes too with `accept_closes`
   (the strategy owns its exits), and the planner plans the state they leave;
2. every other directive with a mark and rules becomes a candidate trade on its symbol
   and side (the first in priority order wins a (symbol, side); later ones are refused);
   buy directives' confidences become the symbols' opportunity scores;
3. the `HolisticPlanner` generates sequences; only sequences whose every trade is carried
   by a candidate survive (a trade without a directive cannot become an order), and those
   whose buys cost more than the free cash now are invalid (sale proceeds settle later);
4. the best sequence's simulated trades become the accepted directives, each resized to
   the simulated quantity (floored to the step, above min qty and min notional), sells
   before buys; every other candidate is refused with a reason code and the evidence.

Pure and deterministic: the same directives (in any order), account and market give the
same result. The allocator needs a `CycleMarket`; `holistic_kernel` binds it per cycle.
"""

from collections.abc import Sequence
from decimal import Decimal

import attrs

from tradekernel.domain.enums import DirectiveScope, Side, SkipReason
from tradekernel.domain.holistic_allocation import HolisticAllocationSettings
from tradekernel.domain.orders import OpenOrderView
from tradekernel.domain.portfolio import ActionSequence, ScoredSequence
from tradekernel.domain.ports.plugins import AllocationRejection, AllocationResult
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.domain.trade_plans import ExecutionDirective
from tradekernel.features.allocation.priority import priority_key
from tradekernel.features.portfolio.planner import HolisticPlanner, rank_key
from tradekernel.features.portfolio.settings import PlannerSettings
from tradekernel.orchestration.holistic.reasons import left_out
from tradekernel.orchestration.holistic.state import (
    Candidate,
    CycleMarket,
    DirectiveProposals,
    candidate_action,
    portfolio_state,
    wanted_quantity,
)

ZERO = Decimal(0)


def _rejection(item: ExecutionDirective, reason: SkipReason, detail: str) -> AllocationRejection:
    return AllocationRejection(directive_id=item.directive_id, reason=reason, detail=detail)


class HolisticAllocator:
    """The `holistic` allocation mode (see the module docstring)."""

    def __init__(
        self,
        planner: HolisticPlanner,
        settings: HolisticAllocationSettings[PlannerSettings],
        market: CycleMarket | None = None,
    ) -> None:
        self._planner = planner
        self._settings = settings
        self._market = market

    @property
    def name(self) -> str:
        return "holistic"

    @property
    def planner(self) -> HolisticPlanner:
        return self._planner

    def bound(self, market: CycleMarket) -> "HolisticAllocator":
        """Return this allocator planning on `market` (one cycle's marks, rules, holdings)."""
        return HolisticAllocator(self._planner, self._settings, market)

    def allocate(
        self,
        directives: Sequence[ExecutionDirective],
        account: AccountView,
        open_orders: Sequence[OpenOrderView],
    ) -> AllocationResult:
        """Return the best sequence's directives, resized, and the others refused."""
        ordered = sorted(directives, key=priority_key)
        market = self._market
        if market is None:
            detail = "holistic allocator has no cycle market; build the kernel with build_kernel"
            return AllocationResult(
                accepted=(),
                rejected=tuple(
                    _rejection(i, SkipReason.RULES_UNAVAILABLE, detail) for i in ordered
                ),
            )
        fixed: list[ExecutionDirective] = []
        closes: list[ExecutionDirective] = []
        candidates: dict[tuple[str, Side], Candidate] = {}
        rejected: list[AllocationRejection] = []
        for item in ordered:
            outcome = self._classify(item, market, candidates)
            if isinstance(outcome, AllocationRejection):
                rejected.append(outcome)
            elif isinstance(outcome, Candidate):
                candidates[outcome.key] = outcome
            else:
                fixed.append(item)
                if item.directive.scope is DirectiveScope.CLOSE_EXISTING:
                    closes.append(item)
        chosen, rejections = self._plan(market, account, closes, tuple(candidates.values()))
        return AllocationResult(accepted=(*fixed, *chosen), rejected=(*rejected, *rejections))

    def _classify(
        self,
        item: ExecutionDirective,
        market: CycleMarket,
        candidates: dict[tuple[str, Side], Candidate],
    ) -> Candidate | AllocationRejection | None:
        """Return None for a directive accepted as is, else its candidate or refusal."""
        directive = item.directive
        if directive.scope is DirectiveScope.MODIFY_EXISTING:
            return None
        if directive.scope is DirectiveScope.CLOSE_EXISTING and self._settings.accept_closes:
            return None
        symbol = directive.symbol
        if market.marks.get(symbol, ZERO) <= 0:
            return _rejection(item, SkipReason.MISSING_MARK_PRICE, f"no mark price for {symbol}")
        if symbol not in market.rules:
            return _rejection(item, SkipReason.RULES_UNAVAILABLE, f"no trading rules for {symbol}")
        rival = candidates.get((symbol, directive.side))
        if rival is not None:
            return _rejection(
                item,
                SkipReason.PORTFOLIO_PLAN,
                f"holistic: directive {rival.execution.directive_id} already plans "
                f"{directive.side.value} {symbol} this cycle",
            )
        quantity = wanted_quantity(item, market)
        action = candidate_action(item, market, quantity)
        if action is None:
            if directive.side is Side.SELL and quantity <= 0:
                return _rejection(item, SkipReason.NOTHING_TO_CLOSE, f"no {symbol} holding to sell")
            step = market.rules[symbol].step_size
            return _rejection(
                item,
                SkipReason.QTY_ROUNDS_TO_ZERO,
                f"quantity {quantity} floors to 0 at step {step}",
            )
        return Candidate(execution=item, action=action)

    def _plan(
        self,
        market: CycleMarket,
        account: AccountView,
        closes: Sequence[ExecutionDirective],
        candidates: tuple[Candidate, ...],
    ) -> tuple[list[ExecutionDirective], list[AllocationRejection]]:
        if not candidates:
            return [], []
        settings = self._planner.settings
        state = portfolio_state(
            market,
            account,
            closes,
            candidates,
            fee_rate=settings.simulation.fee_rate,
            trend=self._settings.trend,
        )
        planner = self._planner
        if self._settings.propose_directives:
            proposals = DirectiveProposals(actions=tuple(c.action for c in candidates))
            planner = attrs.evolve(planner, calculators=(proposals, *planner.calculators))
        generation = planner.generate(state)
        keys = {c.key for c in candidates}
        carried = [s for s in generation.sequences if _carried(s, keys)]
        view = planner.view(state)
        scored = [self._funded(planner.score(s, view), market.free_cash, settings) for s in carried]
        dropped = len(generation.sequences) - len(carried)
        plan = planner.rank(scored, generation.filtered + dropped)
        best = plan.best
        by_key = {c.key: c for c in candidates}
        executed = best.executed if best is not None else ()
        chosen = [
            _resized(by_key[(a.symbol, a.side)].execution, a.quantity, best)
            for a in executed
            if best is not None
        ]
        taken = {(a.symbol, a.side) for a in executed}
        ranked = sorted(scored, key=rank_key)
        rejections = [
            _rejection(c.execution, *left_out(c.key, best, ranked))
            for c in sorted(candidates, key=lambda c: priority_key(c.execution))
            if c.key not in taken
        ]
        return chosen, rejections

    @staticmethod
    def _funded(
        scored: ScoredSequence, free_cash: Decimal, settings: PlannerSettings
    ) -> ScoredSequence:
        """Mark a valid sequence invalid when its buys need more than the free cash now."""
        if not scored.valid:
            return scored
        buys = [a for a in scored.executed if a.side is Side.BUY]
        cost = sum((a.notional * (1 + settings.simulation.fee_rate) for a in buys), ZERO)
        if cost <= free_cash:
            return scored
        return attrs.evolve(
            scored,
            valid=False,
            reason=f"buys need {cost:.8f} with fees, {free_cash:.8f} free before sales settle",
        )


def _carried(sequence: ActionSequence, keys: set[tuple[str, Side]]) -> bool:
    return all((a.symbol, a.side) in keys for a in sequence.actions)


def _resized(
    item: ExecutionDirective, quantity: Decimal, best: ScoredSequence
) -> ExecutionDirective:
    """Return the directive sized by the simulation, saying which sequence chose it."""
    sequence = best.sequence
    note = (
        f"holistic: {sequence.pattern} via {sequence.generator} (score {best.score.total}) "
        f"sizes {quantity}"
    )
    if item.size.quantity != quantity:
        note += f", was {item.size.quantity}"
    rationale = f"{item.size.rationale}; {note}" if item.size.rationale else note
    return attrs.evolve(item, size=attrs.evolve(item.size, quantity=quantity, rationale=rationale))
