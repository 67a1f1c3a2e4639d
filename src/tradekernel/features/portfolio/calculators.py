"""Opportunity calculators: each turns a planning view into candidate trade actions.

A calculator is any object with a `name` and `candidates(view)`; the registry maps names to
factories, so adding one never touches the planner. Priorities are 0..1 scores.
"""

from decimal import Decimal
from typing import Protocol

import attrs

from tradekernel.domain.enums import Side
from tradekernel.domain.portfolio import TradeAction
from tradekernel.features.portfolio.valuation import ZERO, unrealised_return
from tradekernel.features.portfolio.view import PlanningView

ONE = Decimal(1)


class Calculator(Protocol):
    name: str

    def candidates(self, view: PlanningView) -> tuple[TradeAction, ...]: ...


def _unit_score(value: Decimal) -> Decimal:
    return max(ZERO, min(ONE, value)).quantize(Decimal("0.000001"))


def _keep(actions: list[TradeAction | None]) -> tuple[TradeAction, ...]:
    return tuple(action for action in actions if action is not None)


@attrs.frozen(kw_only=True)
class ProfitTakingParams:
    gain_threshold: Decimal = Decimal("0.3")
    sell_fraction: Decimal = Decimal("0.5")


@attrs.frozen(kw_only=True)
class ProfitTaking:
    """Sell part of every windfall: positions up at least `gain_threshold` on their cost."""

    params: ProfitTakingParams
    name: str = "profit_taking"

    def candidates(self, view: PlanningView) -> tuple[TradeAction, ...]:
        found: list[TradeAction | None] = []
        for position in sorted(view.state.positions, key=lambda p: p.symbol):
            mark = view.state.marks.get(position.symbol, ZERO)
            gain = unrealised_return(position.avg_entry_price, mark)
            if position.quantity > 0 and gain >= self.params.gain_threshold:
                notional = position.quantity * mark * self.params.sell_fraction
                reason = f"gain {gain:.1%} >= {self.params.gain_threshold:.1%}"
                found.append(
                    view.action(
                        position.symbol, Side.SELL, notional, self.name, _unit_score(gain), reason
                    )
                )
        return _keep(found)


@attrs.frozen(kw_only=True)
class AveragingDownParams:
    min_loss: Decimal = Decimal("0.1")
    max_loss: Decimal = Decimal("0.3")
    min_quality: Decimal = Decimal("0.6")
    buy_fraction: Decimal = Decimal("0.5")


@attrs.frozen(kw_only=True)
class AveragingDown:
    """Add to quality dips: a loss within [min_loss, max_loss] and a score >= min_quality."""

    params: AveragingDownParams
    name: str = "averaging_down"

    def candidates(self, view: PlanningView) -> tuple[TradeAction, ...]:
        found: list[TradeAction | None] = []
        for position in sorted(view.state.positions, key=lambda p: p.symbol):
            mark = view.state.marks.get(position.symbol, ZERO)
            loss = -unrealised_return(position.avg_entry_price, mark)
            quality = view.state.scores.get(position.symbol, ZERO)
            if (
                position.quantity > 0
                and self.params.min_loss <= loss <= self.params.max_loss
                and quality >= self.params.min_quality
            ):
                notional = position.quantity * mark * self.params.buy_fraction
                reason = f"dip {loss:.1%}, quality {quality}"
                found.append(
                    view.action(position.symbol, Side.BUY, notional, self.name, quality, reason)
                )
        return _keep(found)


@attrs.frozen(kw_only=True)
class OpportunityBuysParams:
    min_score: Decimal = Decimal("0.7")
    position_size: Decimal = Decimal("0.1")
    max_candidates: int = 3


@attrs.frozen(kw_only=True)
class OpportunityBuys:
    """Buy high-scoring symbols not held, `position_size` of equity each, best first."""

    params: OpportunityBuysParams
    name: str = "opportunity_buys"

    def candidates(self, view: PlanningView) -> tuple[TradeAction, ...]:
        ranked = sorted(
            (
                (score, symbol)
                for symbol, score in view.state.scores.items()
                if score >= self.params.min_score and view.quantities.get(symbol, ZERO) == 0
            ),
            key=lambda item: (-item[0], item[1]),
        )[: self.params.max_candidates]
        notional = view.equity * self.params.position_size
        return _keep(
            [
                view.action(symbol, Side.BUY, notional, self.name, score, f"score {score}")
                for score, symbol in ranked
            ]
        )


@attrs.frozen(kw_only=True)
class RebalanceParams:
    drift: Decimal = Decimal("0.05")


def _drifts(view: PlanningView) -> list[tuple[str, Decimal, Decimal]]:
    """Return (symbol, weight, target) for every targeted symbol, sorted by symbol."""
    return [
        (symbol, view.weights.get(symbol, ZERO), target)
        for symbol, target in sorted(view.targets.items())
    ]


@attrs.frozen(kw_only=True)
class RebalanceSells:
    """Sell overweight positions (weight above target + drift) back to the target."""

    params: RebalanceParams
    name: str = "rebalance_sells"

    def candidates(self, view: PlanningView) -> tuple[TradeAction, ...]:
        found: list[TradeAction | None] = []
        for symbol, weight, target in _drifts(view):
            excess = weight - target
            if excess > self.params.drift:
                reason = f"weight {weight:.1%} > target {target:.1%}"
                notional = excess * view.equity
                found.append(
                    view.action(
                        symbol, Side.SELL, notional, self.name, _unit_score(excess * 4), reason
                    )
                )
        return _keep(found)


@attrs.frozen(kw_only=True)
class RebalanceBuys:
    """Buy underweight positions (weight below target - drift) up to the target."""

    params: RebalanceParams
    name: str = "rebalance_buys"

    def candidates(self, view: PlanningView) -> tuple[TradeAction, ...]:
        found: list[TradeAction | None] = []
        for symbol, weight, target in _drifts(view):
            gap = target - weight
            if gap > self.params.drift:
                reason = f"weight {weight:.1%} < target {target:.1%}"
                notional = gap * view.equity
                found.append(
                    view.action(symbol, Side.BUY, notional, self.name, _unit_score(gap * 4), reason)
                )
        return _keep(found)


@attrs.frozen(kw_only=True)
class TargetWeightParams:
    tolerance: Decimal = Decimal("0.01")


@attrs.frozen(kw_only=True)
class TargetWeight:
    """Move every targeted symbol exactly to its weight (both sides), beyond a tolerance."""

    params: TargetWeightParams
    name: str = "target_weight"

    def candidates(self, view: PlanningView) -> tuple[TradeAction, ...]:
        found: list[TradeAction | None] = []
        for symbol, weight, target in _drifts(view):
            gap = target - weight
            if abs(gap) <= self.params.tolerance:
                continue
            side = Side.BUY if gap > 0 else Side.SELL
            reason = f"to target {target:.1%} from {weight:.1%}"
            priority = _unit_score(abs(gap) * 4)
            found.append(
                view.action(symbol, side, abs(gap) * view.equity, self.name, priority, reason)
            )
        return _keep(found)
