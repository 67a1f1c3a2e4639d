"""The slider mapper: user knobs in 0..1 become technical parameters of the modules.

risk appetite r: profit-taking threshold 0.15 + 0.45 r, averaging-down max loss
0.1 + 0.3 r, opportunity min score 0.9 - 0.3 r, risk weight scaled by 1.5 - r.
turnover t: rebalance drift 0.1 - 0.08 t, max actions 2 + round(4 t), cost weight scaled by
1.5 - t. cash reserve c: reserve 0.3 c of equity. At 0.5 the weights keep the preset's.
"""

from decimal import ROUND_HALF_EVEN, Decimal

import attrs

from tradekernel.domain.errors import ConfigError
from tradekernel.features.portfolio import calculators as calc
from tradekernel.features.portfolio.settings import ModuleConfig, PlannerSettings, Sliders


def _retune(module: ModuleConfig, sliders: Sliders) -> ModuleConfig:
    r, t = sliders.risk_appetite, sliders.turnover
    params = module.params
    if isinstance(params, calc.ProfitTakingParams):
        params = attrs.evolve(params, gain_threshold=Decimal("0.15") + Decimal("0.45") * r)
    elif isinstance(params, calc.AveragingDownParams):
        max_loss = Decimal("0.1") + Decimal("0.3") * r
        params = attrs.evolve(params, max_loss=max_loss, min_loss=min(params.min_loss, max_loss))
    elif isinstance(params, calc.OpportunityBuysParams):
        params = attrs.evolve(params, min_score=Decimal("0.9") - Decimal("0.3") * r)
    elif isinstance(params, calc.RebalanceParams):
        params = attrs.evolve(params, drift=Decimal("0.1") - Decimal("0.08") * t)
    return attrs.evolve(module, params=params)


def apply_sliders(
    settings: PlannerSettings, sliders: Sliders, path: str = "sliders"
) -> PlannerSettings:
    """Return `settings` with the slider-driven parameters replaced.

    Raises:
        ConfigError: if a slider is outside 0..1, naming its key path.
    """
    for name in ("risk_appetite", "turnover", "cash_reserve"):
        value: Decimal = getattr(sliders, name)
        if not Decimal(0) <= value <= Decimal(1):
            raise ConfigError(f"slider must be within 0..1, got {value}", path=f"{path}.{name}")
    r, t = sliders.risk_appetite, sliders.turnover
    evaluation = attrs.evolve(
        settings.evaluation,
        risk_weight=settings.evaluation.risk_weight * (Decimal("1.5") - r),
        cost_weight=settings.evaluation.cost_weight * (Decimal("1.5") - t),
    )
    max_actions = 2 + int((4 * t).to_integral_value(rounding=ROUND_HALF_EVEN))
    return attrs.evolve(
        settings,
        calculators=tuple(_retune(m, sliders) for m in settings.calculators),
        simulation=attrs.evolve(
            settings.simulation, cash_reserve=Decimal("0.3") * sliders.cash_reserve
        ),
        evaluation=evaluation,
        search=attrs.evolve(settings.search, max_actions=max_actions),
    )
