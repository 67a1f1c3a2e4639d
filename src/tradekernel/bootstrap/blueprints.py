"""Loading a blueprint with the plugins it names, and the bundled example."""

from importlib import resources
from pathlib import Path
from typing import Any

from tradekernel.adapters.config.blueprint_loader import (
    LoadedBlueprint,
    config_hash_of,
    parse_blueprint,
)
from tradekernel.adapters.config.toml_file import read_toml
from tradekernel.bootstrap.plugins import full_catalog
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.orchestration.factory.kernel_factory import build_kernel

DEFAULT_BLUEPRINT = "sma_cross.toml"


def bundled_blueprint(name: str = DEFAULT_BLUEPRINT) -> Path:
    """Return the path of a blueprint shipped in `tradekernel/examples/`."""
    resource = resources.files("tradekernel").joinpath("examples", name)
    if not resource.is_file() or not isinstance(resource, Path):
        raise ConfigError(f"no bundled example blueprint {name!r}", path="--config")
    return resource


def load(path: Path) -> tuple[LoadedBlueprint, dict[tuple[PluginKind, str], PluginSpec]]:
    """Load a blueprint file and the catalog it was validated against.

    Raises:
        ConfigError: naming the file and key path of the first problem found.
    """
    text, data = read_toml(path)
    return load_table(text, data, file=str(path), base=path.parent)


def load_table(
    text: str, data: dict[str, Any], *, file: str, base: Path
) -> tuple[LoadedBlueprint, dict[tuple[PluginKind, str], PluginSpec]]:
    """Validate a parsed blueprint table (`text` is what it was parsed from).

    `file` names it in errors; plugin files (`plugins = ["x.py"]`) are relative to `base`.

    Raises:
        ConfigError: naming `file` and the key path of the first problem found.
    """
    data = dict(data)
    modules = data.pop("plugins", [])
    if not isinstance(modules, list) or not all(isinstance(m, str) for m in modules):
        raise ConfigError("expected a list of module names", path="plugins", file=file)
    try:
        catalog = full_catalog(modules, base)
        settings = parse_blueprint(data, catalog, file=file)
        build_kernel(settings, catalog)  # factories may refuse combinations the schema allows
    except ConfigError as error:
        if error.file is None:
            raise ConfigError(error.message, path=error.path, file=file) from None
        raise
    loaded = LoadedBlueprint(
        settings=settings,
        config_hash=config_hash_of({**data, "plugins": modules}),
        text=text,
        file=file,
    )
    return loaded, catalog
