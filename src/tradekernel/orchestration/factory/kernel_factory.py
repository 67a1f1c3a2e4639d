"""Build a PlanningKernel from validated blueprint settings and a plugin catalog.

This is where a blueprint's plugins are checked, once: each against the protocol of its
stage and its optional capabilities (`orchestration.plugin_contract`), so the kernel can
rely on them without probing per cycle.
"""

from typing import TypeVar

from tradekernel.domain.blueprint import BlueprintSettings, PluginConfig
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.holistic_allocation import HOLISTIC_ALLOCATOR
from tradekernel.domain.ports.plugins import Allocator, UniverseSelector
from tradekernel.features.intents.settings import IntentSettings
from tradekernel.features.universe.ranked import RankBy, RankedParams
from tradekernel.orchestration.factory.account_terms import (
    account_perpetual_terms,
    perpetual_limits,
)
from tradekernel.orchestration.kernel.kernel_spec import KernelSpec, UniversePolicy
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.orchestration.kernel.plugin_catalog import PluginCatalog
from tradekernel.orchestration.kernel.plugin_contract import (
    ALLOCATOR,
    CONTEXT_AGGREGATOR,
    CONTEXT_WORKER,
    ENTRY,
    EXIT,
    OPPORTUNITY,
    ROUTING,
    SIZE,
    STRATEGY,
    THREAT,
    UNIVERSE,
    CapabilityError,
    PluginRole,
    conforming,
)
from tradekernel.orchestration.kernel.selection import PlannerChoice

T = TypeVar("T")


def instantiate(plugin: PluginConfig, catalog: PluginCatalog, role: PluginRole[T]) -> T:
    """Call the plugin's factory with its structured params and check what it built.

    Raises:
        ConfigError: when the plugin is not of the role's kind, its factory refuses the
            params, or what it built does not satisfy the role's protocol or declares a
            capability wrongly (naming the plugin's type and key path).
    """
    if plugin.kind is not role.kind:
        raise ConfigError(
            f"a {plugin.kind.value} plugin {plugin.type!r} cannot serve as {role.protocol}",
            path=plugin.path,
        )
    spec = catalog.get((plugin.kind, plugin.type))
    if spec is None:
        raise ConfigError(f"unknown {plugin.kind.value} type {plugin.type!r}", path=plugin.path)
    try:
        built = spec.factory(plugin.params)
    except (ValueError, TypeError) as error:
        raise ConfigError(str(error), path=plugin.path) from None
    try:
        return conforming(role, built)
    except CapabilityError as error:
        raise ConfigError(
            f"{plugin.kind.value} plugin {plugin.type!r} ({type(built).__name__}) {error}",
            path=plugin.path,
        ) from None


def _choice(plugin: PluginConfig, catalog: PluginCatalog, role: PluginRole[T]) -> PlannerChoice[T]:
    return PlannerChoice(
        planner=instantiate(plugin, catalog, role),
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
            UNIVERSE,
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
        from tradekernel.orchestration.holistic.holistic_kernel import holistic_allocator

        return holistic_allocator(plugin.params, plugin.path)
    return instantiate(plugin, catalog, ALLOCATOR)


def _intent_settings(settings: BlueprintSettings) -> IntentSettings:
    execution = settings.execution
    terms = account_perpetual_terms(settings.account)
    limits = perpetual_limits(execution.max_leverage, execution.min_liquidation_distance)
    try:
        return IntentSettings(
            quote_asset=settings.account.quote_asset,
            fee_rate=settings.fees.taker,
            perpetual=terms,
            perpetual_limits=limits,
        )
    except ValueError as error:
        raise ConfigError(str(error).replace("fee_rate", "fees.taker"), path="fees.taker") from None


def build_kernel(settings: BlueprintSettings, catalog: PluginCatalog) -> PlanningKernel:
    """Return the kernel a blueprint describes (holistic allocation binds each cycle).

    Raises:
        ConfigError: when a plugin factory or the holistic planner refuses its settings.
    """
    spec = KernelSpec(
        universe=_universe(settings, catalog),
        workers=tuple(instantiate(p, catalog, CONTEXT_WORKER) for p in settings.workers),
        aggregator=instantiate(settings.aggregator, catalog, CONTEXT_AGGREGATOR),
        opportunities=tuple(instantiate(p, catalog, OPPORTUNITY) for p in settings.opportunities),
        threats=tuple(instantiate(p, catalog, THREAT) for p in settings.threats),
        strategies=tuple(instantiate(p, catalog, STRATEGY) for p in settings.strategies),
        entry=tuple(_choice(p, catalog, ENTRY) for p in settings.entry),
        size=tuple(_choice(p, catalog, SIZE) for p in settings.size),
        exit=tuple(_choice(p, catalog, EXIT) for p in settings.exit),
        routing=tuple(_choice(p, catalog, ROUTING) for p in settings.routing),
        allocator=_allocator(settings.allocator, catalog),
        intents=_intent_settings(settings),
    )
    if settings.allocator.type != HOLISTIC_ALLOCATOR:
        return PlanningKernel(spec)
    # Imported here: the holistic mode's modules (the portfolio planner and its tables)
    # are a large share of every run's start-up, and only this mode uses them.
    from tradekernel.orchestration.holistic.allocator import HolisticAllocator
    from tradekernel.orchestration.holistic.holistic_kernel import HolisticPlanningKernel

    if isinstance(spec.allocator, HolisticAllocator):
        return HolisticPlanningKernel(spec, spec.allocator)
    return PlanningKernel(spec)
