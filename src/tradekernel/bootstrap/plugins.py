"""User plugins: modules named in a blueprint, and packages' `tradekernel.plugins` entry points.

A plugin module exposes `SPECS: tuple[PluginSpec, ...]`; an entry point names such a tuple
(or a module holding `SPECS`). They join the built-in catalog; a name clash is an error.
A blueprint names a module by its dotted path (importable from `sys.path`) or as a file,
`plugins = ["my_strategy.py"]`, relative to the blueprint's directory: no `PYTHONPATH`.
"""

import hashlib
import importlib
import importlib.util
import sys
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path
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


def _import_file(path: Path, key: str) -> ModuleType:
    """Import a plugin file as a module named after its resolved path (loaded afresh)."""
    resolved = path.resolve()
    if not resolved.is_file():
        raise ConfigError(f"no plugin file {path}", path=key)
    # One module name per file, so two `strategy.py` in different folders do not clash and
    # a notebook re-running a backtest picks up the file's edits.
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:12]
    name = f"tradekernel_user_plugins.{resolved.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(name, resolved)
    if spec is None or spec.loader is None:
        raise ConfigError(f"cannot load plugin file {path}", path=key)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # attrs and dataclasses look their module up while defining
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        del sys.modules[name]
        raise ConfigError(
            f"plugin file {path} failed to load: {type(error).__name__}: {error}", path=key
        ) from None
    return module


def module_specs(dotted: Iterable[str], base: Path | None = None) -> tuple[PluginSpec, ...]:
    """Import each plugin module and return its SPECS. Raises ConfigError.

    An entry ending in `.py` is a file, relative to `base` (the blueprint's directory;
    default the working directory); any other entry is a dotted module path.
    """
    found: list[PluginSpec] = []
    for index, name in enumerate(dotted):
        key = f"plugins[{index}]"
        if name.endswith(".py"):
            module = _import_file((base or Path()) / name, key)
        else:
            try:
                module = importlib.import_module(name)
            except ImportError as error:
                raise ConfigError(
                    f"cannot import plugin module {name!r}: {error}", path=key
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


def full_catalog(
    modules: Iterable[str] = (), base: Path | None = None
) -> dict[tuple[PluginKind, str], PluginSpec]:
    """Return built-ins, entry-point plugins and the named modules' plugins in one catalog.

    `base` is the directory plugin files (`*.py` entries) are relative to.
    """
    return build_catalog(builtin_specs(), entry_point_specs(), module_specs(modules, base))
