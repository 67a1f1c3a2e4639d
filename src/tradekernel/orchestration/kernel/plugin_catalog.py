"""The built-in plugins, gathered from every feature package's catalog.

The kernel never names a plugin: it receives instances. This module is the one place that
lists the built-in feature catalogs; user plugins are added by `bootstrap.plugins`.
"""

from collections.abc import Iterable, Mapping

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.features.allocation.catalog import SPECS as ALLOCATION_SPECS
from tradekernel.features.context.catalog import SPECS as CONTEXT_SPECS
from tradekernel.features.signals.catalog import SPECS as SIGNAL_SPECS
from tradekernel.features.strategy.catalog import SPECS as STRATEGY_SPECS
from tradekernel.features.trade_planning.catalog import SPECS as TRADE_PLANNING_SPECS
from tradekernel.features.universe.catalog import SPECS as UNIVERSE_SPECS

PluginCatalog = Mapping[tuple[PluginKind, str], PluginSpec]


def build_catalog(*groups: Iterable[PluginSpec]) -> dict[tuple[PluginKind, str], PluginSpec]:
    """Index specs by (kind, name). Raises ConfigError on a name registered twice."""
    catalog: dict[tuple[PluginKind, str], PluginSpec] = {}
    for group in groups:
        for spec in group:
            key = (spec.kind, spec.name)
            if key in catalog:
                raise ConfigError(f"plugin {spec.kind.value} {spec.name!r} is registered twice")
            catalog[key] = spec
    return catalog


def builtin_specs() -> tuple[PluginSpec, ...]:
    return (
        *UNIVERSE_SPECS,
        *CONTEXT_SPECS,
        *SIGNAL_SPECS,
        *STRATEGY_SPECS,
        *TRADE_PLANNING_SPECS,
        *ALLOCATION_SPECS,
    )


def builtin_catalog() -> dict[tuple[PluginKind, str], PluginSpec]:
    """Return the catalog of every built-in plugin."""
    return build_catalog(builtin_specs())
