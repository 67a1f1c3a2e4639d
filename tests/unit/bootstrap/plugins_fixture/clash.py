"""A plugin module whose context worker reuses a built-in name (`sma`): must be refused."""

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.features.context.moving_average import MovingAverageParams, SmaWorker

SPECS: tuple[PluginSpec, ...] = (
    PluginSpec(
        kind=PluginKind.CONTEXT_WORKER,
        name="sma",
        params=MovingAverageParams,
        factory=SmaWorker,
        summary="A second `sma`: clashes with the built-in one.",
    ),
)
