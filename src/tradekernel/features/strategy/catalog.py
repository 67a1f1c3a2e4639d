"""The strategy planners this package registers."""

from typing import Any

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.features.strategy.position_management import (
    PositionManagementParams,
    PositionManagementPlanner,
)
from tradekernel.features.strategy.scheduled import ScheduledParams, ScheduledPlanner
from tradekernel.features.strategy.weighted import WeightedParams, WeightedPlanner


def _trail_requires(params: Any) -> tuple[str, ...]:
    column = params.trail_column
    return (column,) if isinstance(column, str) and column else ()


SPECS: tuple[PluginSpec, ...] = (
    PluginSpec(
        kind=PluginKind.STRATEGY,
        name="weighted",
        params=WeightedParams,
        factory=WeightedPlanner,
        summary="Confront opportunities, threats and context into a score; open and close on it.",
    ),
    PluginSpec(
        kind=PluginKind.STRATEGY,
        name="position_management",
        params=PositionManagementParams,
        factory=PositionManagementPlanner,
        summary="Break-even stop, partial exits of the original size and a trailing stop.",
        requires=_trail_requires,
    ),
    PluginSpec(
        kind=PluginKind.STRATEGY,
        name="scheduled",
        params=ScheduledParams,
        factory=ScheduledPlanner,
        summary="Dollar-cost averaging or rebalancing to a target weight on a fixed cadence.",
    ),
)
