"""The kernel in holistic allocation mode: the same pipeline, the allocator bound per cycle.

The `Allocator` port passes no marks, rules or holdings, and the holistic planner needs all
three. Rather than widen the port for every allocator, this kernel binds its allocator to
the cycle's `CycleMarket` (from the same context) and runs the unchanged pipeline with it.
The binding is a new value per call, so `plan` stays pure, and the kernel (with a market
it prepared) is the same every cycle.
"""

import attrs
from typing_extensions import override

from tradekernel.domain.context import PlanningContext
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.holistic_allocation import HolisticAllocationSettings
from tradekernel.domain.ports.plugins import Allocator
from tradekernel.features.portfolio.factory import create_planner
from tradekernel.features.portfolio.settings import PlannerSettings
from tradekernel.orchestration.holistic.allocator import HolisticAllocator
from tradekernel.orchestration.holistic.state import CycleMarket
from tradekernel.orchestration.kernel.kernel_spec import KernelSpec
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.shared.bars import BarSeries


class HolisticPlanningKernel(PlanningKernel):
    """A `PlanningKernel` whose allocator is a `HolisticAllocator` bound to each cycle.

    Only the allocator changes per cycle: the stages, and a market this kernel prepared,
    serve every cycle of the run.
    """

    def __init__(self, spec: KernelSpec, allocator: HolisticAllocator) -> None:
        super().__init__(attrs.evolve(spec, allocator=allocator))
        self._holistic = allocator

    @override
    def _allocator(self, context: PlanningContext[BarSeries]) -> Allocator:
        """Return the allocator planning on this cycle's market (marks, rules, holdings)."""
        return self._holistic.bound(CycleMarket.of(context, self.spec.intents.quote_asset))


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
