"""Apply a sequence to cash and positions in Decimal: fees, symbol rules, min notional.

Sells run before buys. A sequence is invalid, with the reason, as soon as one action
breaks a symbol rule, sells more than held, or a buy would dip into the cash reserve.
"""

from collections.abc import Mapping
from decimal import Decimal

import attrs

from tradekernel.domain.enums import Side
from tradekernel.domain.portfolio import ActionSequence, TradeAction
from tradekernel.features.portfolio.sequences import ordered
from tradekernel.features.portfolio.settings import SimulationSettings
from tradekernel.features.portfolio.valuation import ZERO
from tradekernel.features.portfolio.view import PlanningView
from tradekernel.shared.quantize import floor_to_step


@attrs.frozen(kw_only=True)
class SimulationOutcome:
    valid: bool
    cash: Decimal
    quantities: Mapping[str, Decimal]
    fees: Decimal
    executed: tuple[TradeAction, ...]
    reason: str = ""


def _invalid(view: PlanningView, reason: str) -> SimulationOutcome:
    return SimulationOutcome(
        valid=False,
        cash=view.state.cash,
        quantities=dict(view.quantities),
        fees=ZERO,
        executed=(),
        reason=reason,
    )


def _rule_problem(action: TradeAction, quantity: Decimal, view: PlanningView) -> str | None:
    rules = view.state.rules.get(action.symbol)
    if rules is None:
        return f"{action.symbol}: no symbol rules"
    if quantity <= 0:
        return f"{action.symbol}: quantity rounds to zero at step {rules.step_size}"
    if quantity < rules.min_qty:
        return f"{action.symbol}: quantity {quantity} < min qty {rules.min_qty}"
    notional = quantity * action.price
    if notional < rules.min_notional:
        return f"{action.symbol}: notional {notional:.2f} < min notional {rules.min_notional}"
    return None


def simulate(
    sequence: ActionSequence, view: PlanningView, settings: SimulationSettings
) -> SimulationOutcome:
    """Return the end state of executing `sequence` at the marks, or why it cannot run."""
    cash = view.state.cash
    reserve = view.equity * settings.cash_reserve
    quantities = dict(view.quantities)
    fees = ZERO
    executed: list[TradeAction] = []
    for action in ordered(sequence.actions):
        rules = view.state.rules.get(action.symbol)
        step = rules.step_size if rules is not None else None
        quantity = floor_to_step(action.quantity, step) if step is not None else action.quantity
        problem = _rule_problem(action, quantity, view)
        if problem is not None:
            return _invalid(view, problem)
        notional = quantity * action.price
        fee = notional * settings.fee_rate
        held = quantities.get(action.symbol, ZERO)
        if action.side is Side.SELL:
            if quantity > held:
                return _invalid(view, f"{action.symbol}: sells {quantity} but holds {held}")
            cash += notional - fee
            quantities[action.symbol] = held - quantity
        else:
            if cash - notional - fee < reserve:
                return _invalid(
                    view,
                    f"{action.symbol}: buy of {notional + fee:.2f} overdraws cash {cash:.2f}"
                    f" (reserve {reserve:.2f})",
                )
            cash -= notional + fee
            quantities[action.symbol] = held + quantity
        fees += fee
        executed.append(attrs.evolve(action, quantity=quantity))
    return SimulationOutcome(
        valid=True,
        cash=cash,
        quantities={s: q for s, q in sorted(quantities.items()) if q != 0},
        fees=fees,
        executed=tuple(executed),
    )
