"""Build a PlanningKernel from validated blueprint settings and a plugin catalog."""

from typing import Any, TypeVar

from tradekernel.domain.blueprint import BlueprintSettings, PluginConfig
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.holistic_allocation import HOLISTIC_ALLOCATOR
from tradekernel.domain.ports.plugins import Allocator, UniverseSelector
from tradekernel.features.intents.settings import IntentSettings
from tradekernel.features.universe.ranked import RankBy, RankedParams
from tradekernel.orchestration.holistic import HolisticAllocator
from tradekernel.orchestration.holistic_kernel import HolisticPlanningKernel, holistic_allocator
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


def _allocator(plugin: PluginConfig, catalog: PluginCatalog) -> Allocator:
    # The holistic mode is built here, not from the catalog: it lives in orchestration
    # (it composes features.portfolio), which no feature catalog may import.
    if plugin.type == HOLISTIC_ALLOCATOR:
        return holistic_allocator(plugin.params, plugin.path)
    allocator: Allocator = instantiate(plugin, catalog)
    return allocator


def build_kernel(settings: BlueprintSettings, catalog: PluginCatalog) -> PlanningKernel:
    """Return the kernel a blueprint describes (holistic allocation binds each cycle).

    Raises:
        ConfigError: when a plugin factory or the holistic planner refuses its settings.
    """
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
        allocator=_allocator(settings.allocator, catalog),
        intents=IntentSettings(
            quote_asset=settings.account.quote_asset, fee_rate=settings.fees.taker
        ),
    )
    if isinstance(spec.allocator, HolisticAllocator):
        return HolisticPlanningKernel(spec, spec.allocator)
    return PlanningKernel(spec)
