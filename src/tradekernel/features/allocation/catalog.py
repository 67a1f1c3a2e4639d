"""The allocators this package registers."""

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.features.allocation.budget import BudgetAllocator
from tradekernel.features.allocation.params import AllocationParams

SPECS: tuple[PluginSpec, ...] = (
    PluginSpec(
        kind=PluginKind.ALLOCATOR,
        name="budget",
        params=AllocationParams,
        factory=BudgetAllocator,
        summary="Cash budget and reserve, exposure caps, max positions and orders; closes first.",
    ),
)
