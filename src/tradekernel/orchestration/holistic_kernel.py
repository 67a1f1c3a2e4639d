"""The kernel in holistic allocation mode: the same pipeline, the allocator bound per cycle.

The `Allocator` port passes no marks, rules or holdings, and the holistic planner needs all
three. Rather than widen the port for every allocator, this kernel binds its allocator to
the cycle's `CycleMarket` (from the same context) and runs the unchanged pipeline with it.
The binding is a new value per call, so `plan` stays pure.
"""

import attrs
from typing_extensions import override

from tradekernel.domain.context import PlanningContext
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.holistic_allocation import HolisticAllocationSettings
from tradekernel.domain.plan import Plan
from tradekernel.features.portfolio.factory import create_planner
from tradekernel.features.portfolio.settings import PlannerSettings
from tradekernel.orchestration.holistic import HolisticAllocator
from tradekernel.orchestration.holistic_state import CycleMarket
from tradekernel.orchestration.kernel import PlanningKernel
from tradekernel.orchestration.kernel_spec import KernelSpec
from tradekernel.shared.bars import BarSeries
from tradekernel.shared.decimal_context import in_planning_decimals


class HolisticPlanningKernel(PlanningKernel):
    """A `PlanningKernel` whose allocator is a `HolisticAllocator` bound to each cycle."""

    def __init__(self, spec: KernelSpec, allocator: HolisticAllocator) -> None:
        super().__init__(attrs.evolve(spec, allocator=allocator))
        self._holistic = allocator

    @override
    @in_planning_decimals
    def plan(self, context: PlanningContext[BarSeries]) -> Plan:
        """Return the plan for one cycle, the allocator planning on this cycle's market."""
        market = CycleMarket.of(context, self.spec.intents.quote_asset)
        cycle = attrs.evolve(self.spec, allocator=self._holistic.bound(market))
        return PlanningKernel(cycle).plan(context)


def holistic_allocator(params: object, path: str = "allocation") -> HolisticAllocator:
    """Return the allocator of validated `HolisticAllocationSettings[PlannerSettings]`.

    Raises:
        ConfigError: if `params` are not holistic settings, or the planner refuses them.
    """
    if not isinstance(params, HolisticAllocationSettings) or not isinstance(
        params.planner, PlannerSettings
    ):
        raise ConfigError(
            f"holistic allocation needs HolisticAllocationSettings, got {type(params).__name__}",
            path=path,
        )
    settings: HolisticAllocationSettings[PlannerSettings] = params
    planner = create_planner("allocation", settings.planner, f"{path}.portfolio")
    return HolisticAllocator(planner, settings)
