"""Score an end state: target alignment, diversification, cost, risk and stress.

Every component is a 0..1 `Decimal` (6 places), higher is better; the total is their
weighted mean. The stress component perturbs prices with a generator seeded from the
config, drawn identically for every sequence, so a result never depends on evaluation order.
"""

from collections.abc import Mapping
from decimal import Decimal

import numpy as np

from tradekernel.domain.portfolio import ScoreComponent, SequenceScore
from tradekernel.features.portfolio.settings import EvaluationSettings
from tradekernel.features.portfolio.simulation import SimulationOutcome
from tradekernel.features.portfolio.valuation import ZERO, holdings_value, weights
from tradekernel.features.portfolio.view import PlanningView
from tradekernel.shared.quantize import SCORE_PLACES, to_score

STRESS_TAIL = 0.1


def _alignment(end: Mapping[str, Decimal], cash_weight: Decimal, view: PlanningView) -> float:
    if not view.targets:
        return 1.0
    symbols = sorted(set(end) | set(view.targets))
    distance = sum((abs(end.get(s, ZERO) - view.targets.get(s, ZERO)) for s in symbols), ZERO)
    cash_target = max(ZERO, 1 - sum(view.targets.values(), ZERO))
    distance += abs(cash_weight - cash_target)
    return 1.0 - float(distance) / 2.0


def _diversification(end: Mapping[str, Decimal]) -> float:
    invested = sum(end.values(), ZERO)
    if invested <= 0:
        return 0.0
    return 1.0 - sum(float(w / invested) ** 2 for w in end.values())


def _volatility(view: PlanningView, settings: EvaluationSettings, symbol: str) -> float:
    return float(view.state.volatility.get(symbol, settings.default_volatility))


def _risk(end: Mapping[str, Decimal], view: PlanningView, settings: EvaluationSettings) -> float:
    exposure_vol = sum(float(w) * _volatility(view, settings, s) for s, w in end.items())
    return 1.0 - min(1.0, exposure_vol)


def _stress(end: Mapping[str, Decimal], view: PlanningView, settings: EvaluationSettings) -> float:
    """Return 1 - the mean loss of the worst decile of seeded lognormal price paths."""
    if settings.monte_carlo_runs <= 0 or not end:
        return 1.0
    universe = sorted(set(view.state.marks) | set(end))
    rng = np.random.default_rng(settings.seed)
    shocks = rng.standard_normal((settings.monte_carlo_runs, len(universe)))
    vols = np.array([_volatility(view, settings, s) for s in universe])
    returns = np.exp(vols * shocks - vols**2 / 2.0) - 1.0
    weight_vector = np.array([float(end.get(s, ZERO)) for s in universe])
    portfolio = returns @ weight_vector
    tail = max(1, int(settings.monte_carlo_runs * STRESS_TAIL))
    worst = np.sort(portfolio)[:tail]
    return 1.0 - min(1.0, max(0.0, float(-worst.mean())))


def evaluate(
    outcome: SimulationOutcome, view: PlanningView, settings: EvaluationSettings
) -> SequenceScore:
    """Return the weighted end-state score of a simulated sequence."""
    total = outcome.cash + holdings_value(outcome.quantities, view.state.marks)
    end = weights(outcome.quantities, view.state.marks, total)
    cash_weight = outcome.cash / total if total > 0 else Decimal(1)
    cost = 1.0 - float(outcome.fees / view.equity * settings.cost_scale) if view.equity > 0 else 1.0
    raw = (
        ("alignment", _alignment(end, cash_weight, view), settings.alignment_weight),
        ("diversification", _diversification(end), settings.diversification_weight),
        ("cost", cost, settings.cost_weight),
        ("risk", _risk(end, view, settings), settings.risk_weight),
        ("stress", _stress(end, view, settings), settings.stress_weight),
    )
    components = tuple(
        ScoreComponent(name=name, value=to_score(value), weight=weight)
        for name, value, weight in raw
        if weight > 0
    )
    weight_sum = sum((c.weight for c in components), ZERO)
    if weight_sum <= 0:
        return SequenceScore(total=ZERO.quantize(SCORE_PLACES), components=components)
    mean = sum((c.value * c.weight for c in components), ZERO) / weight_sum
    return SequenceScore(total=mean.quantize(SCORE_PLACES), components=components)
