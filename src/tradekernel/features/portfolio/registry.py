"""The module registry: per module kind, a dict of name -> spec (params class + factory).

Adding a calculator, pattern, generator or filter means adding one `ModuleSpec` to
`REGISTRY` here; the planner and the factory only ever look names up.
"""

from collections.abc import Callable
from enum import StrEnum
from typing import Any

import attrs

from tradekernel.features.portfolio import calculators as calc
from tradekernel.features.portfolio import filters as filt
from tradekernel.features.portfolio import patterns as pat
from tradekernel.features.portfolio import sequences as seq

TARGET_WEIGHTS = "target_weights"


class ModuleKind(StrEnum):
    CALCULATOR = "calculators"
    PATTERN = "patterns"
    GENERATOR = "generators"
    FILTER = "filters"


@attrs.frozen(kw_only=True)
class ModuleSpec:
    """One registrable module.

    `requires` names what must exist for the module to be useful: `target_weights`, or
    `calculator:<name>` (any one of several, separated by `|`).
    """

    kind: ModuleKind
    name: str
    params: type[Any]
    factory: Callable[[Any], Any]
    summary: str = ""
    requires: tuple[str, ...] = ()


def _simple(name: str) -> Callable[[Any], Any]:
    def build(_params: Any) -> Any:
        return pat.SimplePattern(name=name, build=pat.SIMPLE_PATTERNS[name])

    return build


_PATTERN_NEEDS: dict[str, tuple[str, ...]] = {
    "profit_taking_reinvest": ("calculator:profit_taking",),
    "rebalance": ("calculator:rebalance_sells|rebalance_buys",),
    "averaging_down": ("calculator:averaging_down",),
    "opportunity_first": ("calculator:opportunity_buys",),
    "deep_rebalance": ("calculator:target_weight",),
}

_SPECS: tuple[ModuleSpec, ...] = (
    ModuleSpec(
        kind=ModuleKind.CALCULATOR,
        name="profit_taking",
        params=calc.ProfitTakingParams,
        factory=lambda p: calc.ProfitTaking(params=p),
        summary="sell part of windfalls",
    ),
    ModuleSpec(
        kind=ModuleKind.CALCULATOR,
        name="averaging_down",
        params=calc.AveragingDownParams,
        factory=lambda p: calc.AveragingDown(params=p),
        summary="add to quality dips",
    ),
    ModuleSpec(
        kind=ModuleKind.CALCULATOR,
        name="opportunity_buys",
        params=calc.OpportunityBuysParams,
        factory=lambda p: calc.OpportunityBuys(params=p),
        summary="buy high-scoring symbols not held",
    ),
    ModuleSpec(
        kind=ModuleKind.CALCULATOR,
        name="rebalance_sells",
        params=calc.RebalanceParams,
        factory=lambda p: calc.RebalanceSells(params=p),
        summary="trim overweights",
        requires=(TARGET_WEIGHTS,),
    ),
    ModuleSpec(
        kind=ModuleKind.CALCULATOR,
        name="rebalance_buys",
        params=calc.RebalanceParams,
        factory=lambda p: calc.RebalanceBuys(params=p),
        summary="fill underweights",
        requires=(TARGET_WEIGHTS,),
    ),
    ModuleSpec(
        kind=ModuleKind.CALCULATOR,
        name="target_weight",
        params=calc.TargetWeightParams,
        factory=lambda p: calc.TargetWeight(params=p),
        summary="move to exact weights",
        requires=(TARGET_WEIGHTS,),
    ),
    *(
        ModuleSpec(
            kind=ModuleKind.PATTERN,
            name=name,
            params=pat.NoParams,
            factory=_simple(name),
            requires=_PATTERN_NEEDS.get(name, ()),
        )
        for name in sorted(pat.SIMPLE_PATTERNS)
    ),
    ModuleSpec(
        kind=ModuleKind.PATTERN,
        name="market_regime",
        params=pat.NoParams,
        factory=lambda p: pat.MarketRegime(params=p),
        summary="bull buys, bear sells",
    ),
    ModuleSpec(
        kind=ModuleKind.PATTERN,
        name="adaptive",
        params=pat.AdaptiveParams,
        factory=lambda p: pat.Adaptive(params=p),
        summary="shape from the cash share",
    ),
    ModuleSpec(
        kind=ModuleKind.GENERATOR,
        name="patterns",
        params=pat.NoParams,
        factory=lambda p: seq.FromPatterns(params=p),
    ),
    ModuleSpec(
        kind=ModuleKind.GENERATOR,
        name="combinatorial",
        params=seq.CombinatorialParams,
        factory=lambda p: seq.Combinatorial(params=p),
    ),
    ModuleSpec(
        kind=ModuleKind.GENERATOR,
        name="diversity_combinatorial",
        params=seq.DiversityParams,
        factory=lambda p: seq.DiversityCombinatorial(params=p),
    ),
    ModuleSpec(
        kind=ModuleKind.GENERATOR,
        name="partial_execution",
        params=seq.PartialParams,
        factory=lambda p: seq.PartialExecution(params=p),
    ),
    ModuleSpec(
        kind=ModuleKind.GENERATOR,
        name="constraint_relaxation",
        params=seq.RelaxationParams,
        factory=lambda p: seq.ConstraintRelaxation(params=p),
    ),
    ModuleSpec(
        kind=ModuleKind.FILTER,
        name="correlation",
        params=filt.CorrelationParams,
        factory=lambda p: filt.CorrelationAware(params=p),
    ),
    ModuleSpec(
        kind=ModuleKind.FILTER,
        name="eligibility",
        params=filt.EligibilityParams,
        factory=lambda p: filt.Eligibility(params=p),
    ),
    ModuleSpec(
        kind=ModuleKind.FILTER,
        name="recently_traded",
        params=filt.RecentlyTradedParams,
        factory=lambda p: filt.RecentlyTraded(params=p),
    ),
    ModuleSpec(
        kind=ModuleKind.FILTER,
        name="diversity",
        params=filt.DiversityFilterParams,
        factory=lambda p: filt.Diversity(params=p),
    ),
)

REGISTRY: dict[ModuleKind, dict[str, ModuleSpec]] = {
    kind: {spec.name: spec for spec in _SPECS if spec.kind is kind} for kind in ModuleKind
}


def lookup(kind: ModuleKind, name: str) -> ModuleSpec | None:
    """Return the spec registered as (kind, name), if any."""
    return REGISTRY[kind].get(name)
