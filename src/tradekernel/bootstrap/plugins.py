"""User plugins: modules named in a blueprint, and packages' `tradekernel.plugins` entry points.

A plugin module exposes `SPECS: tuple[PluginSpec, ...]`; an entry point names such a tuple
(or a module holding `SPECS`). They join the built-in catalog; a name clash is an error.
"""

import importlib
from collections.abc import Iterable, Sequence
from importlib import metadata
from types import ModuleType

from tradekernel.domain.enums import PluginKind
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.orchestration.kernel.plugin_catalog import build_catalog, builtin_specs

ENTRY_POINT_GROUP = "tradekernel.plugins"


def _specs_of(value: object, origin: str) -> tuple[PluginSpec, ...]:
    if isinstance(value, ModuleType):
        value = getattr(value, "SPECS", None)
    if not isinstance(value, Sequence) or not all(isinstance(s, PluginSpec) for s in value):
        raise ConfigError(f"{origin} does not provide SPECS, a sequence of PluginSpec")
    return tuple(value)


def module_specs(dotted: Iterable[str]) -> tuple[PluginSpec, ...]:
    """Import each dotted module path and return its SPECS. Raises ConfigError."""
    found: list[PluginSpec] = []
    for index, name in enumerate(dotted):
        try:
            module = importlib.import_module(name)
        except ImportError as error:
            raise ConfigError(
                f"cannot import plugin module {name!r}: {error}", path=f"plugins[{index}]"
            ) from None
        found.extend(_specs_of(module, f"plugin module {name!r}"))
    return tuple(found)


def entry_point_specs() -> tuple[PluginSpec, ...]:
    """Return the specs of every installed `tradekernel.plugins` entry point."""
    found: list[PluginSpec] = []
    for entry in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            loaded = entry.load()
        except Exception as error:
            raise ConfigError(f"cannot load plugin entry point {entry.name!r}: {error}") from None
        found.extend(_specs_of(loaded, f"entry point {entry.name!r}"))
    return tuple(found)


def full_catalog(modules: Iterable[str] = ()) -> dict[tuple[PluginKind, str], PluginSpec]:
    """Return built-ins, entry-point plugins and the named modules' plugins in one catalog."""
    return build_catalog(builtin_specs(), entry_point_specs(), module_specs(modules))
