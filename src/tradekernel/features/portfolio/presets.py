"""The built-in presets `default`, `conservative` and `aggressive`, as Python data."""

from collections.abc import Callable
from decimal import Decimal as D

from tradekernel.features.portfolio import calculators as calc
from tradekernel.features.portfolio import filters as filt
from tradekernel.features.portfolio import patterns as pat
from tradekernel.features.portfolio import sequences as seq
from tradekernel.features.portfolio.settings import (
    EvaluationSettings,
    ModuleConfig,
    PlannerSettings,
    SearchSettings,
    SimulationSettings,
)

ALL_PATTERNS = (
    "direct_buy",
    "profit_taking_reinvest",
    "rebalance",
    "averaging_down",
    "single_best",
    "multi_sell",
    "mixed",
    "opportunity_first",
    "deep_rebalance",
    "cash_generation",
    "cost_optimised",
    "market_regime",
    "adaptive",
)


def _pattern(name: str) -> ModuleConfig:
    params = pat.AdaptiveParams() if name == "adaptive" else pat.NoParams()
    return ModuleConfig(name=name, params=params)


def _calculators(
    profit: calc.ProfitTakingParams,
    dip: calc.AveragingDownParams,
    opportunity: calc.OpportunityBuysParams,
    drift: D,
) -> tuple[ModuleConfig, ...]:
    return (
        ModuleConfig(name="profit_taking", params=profit),
        ModuleConfig(name="averaging_down", params=dip),
        ModuleConfig(name="opportunity_buys", params=opportunity),
        ModuleConfig(name="rebalance_sells", params=calc.RebalanceParams(drift=drift)),
        ModuleConfig(name="rebalance_buys", params=calc.RebalanceParams(drift=drift)),
        ModuleConfig(name="target_weight", params=calc.TargetWeightParams()),
    )


def _filters(max_correlation: D) -> tuple[ModuleConfig, ...]:
    return (
        ModuleConfig(name="eligibility", params=filt.EligibilityParams()),
        ModuleConfig(
            name="correlation", params=filt.CorrelationParams(max_correlation=max_correlation)
        ),
        ModuleConfig(name="diversity", params=filt.DiversityFilterParams()),
    )


def default() -> PlannerSettings:
    """Return the balanced preset: every module, moderate thresholds, 5 % cash reserve."""
    return PlannerSettings(
        calculators=_calculators(
            calc.ProfitTakingParams(),
            calc.AveragingDownParams(),
            calc.OpportunityBuysParams(),
            D("0.05"),
        ),
        patterns=tuple(_pattern(name) for name in ALL_PATTERNS),
        generators=(
            ModuleConfig(name="patterns", params=pat.NoParams()),
            ModuleConfig(name="combinatorial", params=seq.CombinatorialParams()),
            ModuleConfig(name="partial_execution", params=seq.PartialParams()),
            ModuleConfig(name="constraint_relaxation", params=seq.RelaxationParams()),
        ),
        filters=_filters(D("0.85")),
        target_source="state",
    )


def conservative() -> PlannerSettings:
    """Return the cautious preset: early profit taking, strict buys, 15 % reserve, stress test."""
    return PlannerSettings(
        calculators=_calculators(
            calc.ProfitTakingParams(gain_threshold=D("0.2"), sell_fraction=D("0.5")),
            calc.AveragingDownParams(
                min_loss=D("0.05"), max_loss=D("0.15"), min_quality=D("0.8"), buy_fraction=D("0.3")
            ),
            calc.OpportunityBuysParams(
                min_score=D("0.85"), position_size=D("0.05"), max_candidates=2
            ),
            D("0.03"),
        ),
        patterns=tuple(
            _pattern(name)
            for name in (
                "rebalance",
                "single_best",
                "profit_taking_reinvest",
                "cash_generation",
                "cost_optimised",
                "deep_rebalance",
                "market_regime",
            )
        ),
        generators=(
            ModuleConfig(name="patterns", params=pat.NoParams()),
            ModuleConfig(name="partial_execution", params=seq.PartialParams()),
        ),
        filters=_filters(D("0.75")),
        simulation=SimulationSettings(cash_reserve=D("0.15")),
        evaluation=EvaluationSettings(
            alignment_weight=D("0.3"),
            diversification_weight=D("0.1"),
            cost_weight=D("0.25"),
            risk_weight=D("0.25"),
            stress_weight=D("0.1"),
            monte_carlo_runs=200,
        ),
        search=SearchSettings(max_actions=3),
        target_source="state",
    )


def aggressive() -> PlannerSettings:
    """Return the bold preset: late profit taking, wide dips, big buys, wide search."""
    return PlannerSettings(
        calculators=_calculators(
            calc.ProfitTakingParams(gain_threshold=D("0.5"), sell_fraction=D("0.3")),
            calc.AveragingDownParams(
                min_loss=D("0.1"), max_loss=D("0.4"), min_quality=D("0.5"), buy_fraction=D("1")
            ),
            calc.OpportunityBuysParams(
                min_score=D("0.6"), position_size=D("0.15"), max_candidates=5
            ),
            D("0.08"),
        ),
        patterns=tuple(_pattern(name) for name in ALL_PATTERNS),
        generators=(
            ModuleConfig(name="patterns", params=pat.NoParams()),
            ModuleConfig(name="combinatorial", params=seq.CombinatorialParams(top_n=8)),
            ModuleConfig(name="diversity_combinatorial", params=seq.DiversityParams()),
            ModuleConfig(name="partial_execution", params=seq.PartialParams()),
            ModuleConfig(name="constraint_relaxation", params=seq.RelaxationParams()),
        ),
        filters=_filters(D("0.9")),
        simulation=SimulationSettings(cash_reserve=D("0.02")),
        evaluation=EvaluationSettings(
            alignment_weight=D("0.35"),
            diversification_weight=D("0.35"),
            cost_weight=D("0.15"),
            risk_weight=D("0.15"),
        ),
        search=SearchSettings(max_actions=5),
        target_source="state",
    )


PRESETS: dict[str, Callable[[], PlannerSettings]] = {
    "default": default,
    "conservative": conservative,
    "aggressive": aggressive,
}
