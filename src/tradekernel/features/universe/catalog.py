"""The universe selectors this package registers."""

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.features.universe.ranked import RankedParams, RankedSelector
from tradekernel.features.universe.static import StaticParams, StaticSelector

SPECS: tuple[PluginSpec, ...] = (
    PluginSpec(
        kind=PluginKind.UNIVERSE,
        name="static",
        params=StaticParams,
        factory=StaticSelector,
        summary="Trade a fixed list of symbols.",
    ),
    PluginSpec(
        kind=PluginKind.UNIVERSE,
        name="ranked",
        params=RankedParams,
        factory=RankedSelector,
        summary="Trade the top N candidates by quote volume or liquidity (ties by symbol).",
    ),
)
