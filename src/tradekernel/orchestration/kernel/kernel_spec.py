"""The plugin instances a kernel composes, one field per pipeline stage."""

import attrs

from tradekernel.domain.ports.plugins import (
    Allocator,
    ContextAggregator,
    ContextWorker,
    EntryPlanner,
    ExitPlanner,
    OpportunityWorker,
    RoutingPlanner,
    SizePlanner,
    StrategyPlanner,
    ThreatWorker,
    UniverseSelector,
)
from tradekernel.features.intents.settings import IntentSettings
from tradekernel.orchestration.kernel.selection import PlannerChoice
from tradekernel.shared.bars import BarSeries, FloatArray


@attrs.frozen(kw_only=True)
class UniversePolicy:
    """The selector and the merged allow/deny lists (deny wins; a non-empty allow restricts)."""

    selector: UniverseSelector | None = None
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    method: str = "static"


@attrs.frozen(kw_only=True)
class KernelSpec:
    universe: UniversePolicy
    workers: tuple[ContextWorker[BarSeries, FloatArray], ...]
    aggregator: ContextAggregator
    opportunities: tuple[OpportunityWorker, ...]
    threats: tuple[ThreatWorker, ...]
    strategies: tuple[StrategyPlanner, ...]
    entry: tuple[PlannerChoice[EntryPlanner], ...]
    size: tuple[PlannerChoice[SizePlanner], ...]
    exit: tuple[PlannerChoice[ExitPlanner], ...]
    routing: tuple[PlannerChoice[RoutingPlanner], ...]
    allocator: Allocator
    intents: IntentSettings = attrs.Factory(IntentSettings)
