"""Build a PlanningKernel from validated blueprint settings and a plugin catalog."""

from typing import Any, TypeVar

from tradekernel.domain.blueprint import BlueprintSettings, PluginConfig
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.ports.plugins import UniverseSelector
from tradekernel.features.intents.settings import IntentSettings
from tradekernel.features.universe.ranked import RankBy, RankedParams
from tradekernel.orchestration.kernel import PlanningKernel
from tradekernel.orchestration.kernel_spec import KernelSpec, UniversePolicy
from tradekernel.orchestration.plugin_catalog import PluginCatalog
from tradekernel.orchestration.selection import PlannerChoice

T = TypeVar("T")


def instantiate(plugin: PluginConfig, catalog: PluginCatalog) -> Any:
    """Call the plugin's factory with its structured params.

    Raises:
        ConfigError: when the factory refuses the params (naming the plugin's key path).
    """
    spec = catalog.get((plugin.kind, plugin.type))
    if spec is None:
        raise ConfigError(f"unknown {plugin.kind.value} type {plugin.type!r}", path=plugin.path)
    try:
        return spec.factory(plugin.params)
    except (ValueError, TypeError) as error:
        raise ConfigError(str(error), path=plugin.path) from None


def _choice(plugin: PluginConfig, catalog: PluginCatalog) -> PlannerChoice[Any]:
    return PlannerChoice(
        planner=instantiate(plugin, catalog),
        name=plugin.type,
        min_confidence=plugin.min_confidence,
        max_confidence=plugin.max_confidence,
        timing=plugin.timing,
        scopes=plugin.scopes,
    )


def _universe(settings: BlueprintSettings, catalog: PluginCatalog) -> UniversePolicy:
    # The merged allow/deny lists (config, list file, CLI) are already in the settings.
    universe = settings.universe
    selector: UniverseSelector | None = None
    if universe.method == "ranked":
        if universe.top_n is None:
            raise ConfigError("method 'ranked' needs top_n", path="universe.top_n")
        known = ", ".join(repr(member.value) for member in RankBy)
        try:
            by = RankBy(universe.rank_by)
        except ValueError:
            raise ConfigError(
                f"expected one of {known}, got {universe.rank_by!r}", path="universe.rank_by"
            ) from None
        try:
            params = RankedParams(top_n=universe.top_n, by=by)
        except ValueError as error:
            raise ConfigError(str(error), path="universe.top_n") from None
        selector = instantiate(
            PluginConfig(kind=PluginKind.UNIVERSE, type="ranked", params=params, path="universe"),
            catalog,
        )
    elif universe.method != "static":
        raise ConfigError(
            f"unknown universe method {universe.method!r} (known: static, ranked)",
            path="universe.method",
        )
    return UniversePolicy(
        selector=selector, allow=universe.allow, deny=universe.deny, method=universe.method
    )


def build_kernel(settings: BlueprintSettings, catalog: PluginCatalog) -> PlanningKernel:
    """Return the kernel a blueprint describes."""
    spec = KernelSpec(
        universe=_universe(settings, catalog),
        workers=tuple(instantiate(p, catalog) for p in settings.workers),
        aggregator=instantiate(settings.aggregator, catalog),
        opportunities=tuple(instantiate(p, catalog) for p in settings.opportunities),
        threats=tuple(instantiate(p, catalog) for p in settings.threats),
        strategies=tuple(instantiate(p, catalog) for p in settings.strategies),
        entry=tuple(_choice(p, catalog) for p in settings.entry),
        size=tuple(_choice(p, catalog) for p in settings.size),
        exit=tuple(_choice(p, catalog) for p in settings.exit),
        routing=tuple(_choice(p, catalog) for p in settings.routing),
        allocator=instantiate(settings.allocator, catalog),
        intents=IntentSettings(
            quote_asset=settings.account.quote_asset, fee_rate=settings.fees.taker
        ),
    )
    return PlanningKernel(spec)
