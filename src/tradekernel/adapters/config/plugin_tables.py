"""Plugin tables of a blueprint: `type` looked up in the catalog, params structured strictly."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from tradekernel.adapters.config.converter import structure
from tradekernel.adapters.config.suggest import did_you_mean
from tradekernel.domain.blueprint import BlueprintSettings, PluginConfig
from tradekernel.domain.enums import DirectiveScope, PluginKind, TimingPreference
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.plugin_spec import PluginSpec

Catalog = Mapping[tuple[PluginKind, str], PluginSpec]

# Plugins used when a blueprint leaves a stage out: each must accept empty params.
DEFAULT_PLUGINS: Mapping[PluginKind, str] = {
    PluginKind.CONTEXT_AGGREGATOR: "score",
    PluginKind.ENTRY: "market",
    PluginKind.SIZE: "explicit",
    PluginKind.EXIT: "none",
    PluginKind.ROUTING: "immediate",
    PluginKind.ALLOCATOR: "budget",
}

_SELECTION_KEYS = {"min_confidence", "max_confidence", "timing", "scopes"}
_TRADE_PLANNERS = {PluginKind.ENTRY, PluginKind.SIZE, PluginKind.EXIT, PluginKind.ROUTING}


def _confidence(_instance: object, attribute: "attrs.Attribute[Decimal]", value: Decimal) -> None:
    if not Decimal(0) <= value <= Decimal(1):
        raise ValueError(f"{attribute.name} must be in 0..1, got {value}")


@attrs.frozen(kw_only=True)
class _Selection:
    min_confidence: Decimal = attrs.field(default=Decimal(0), validator=_confidence)
    max_confidence: Decimal = attrs.field(default=Decimal(1), validator=_confidence)
    timing: TimingPreference | None = None
    scopes: tuple[DirectiveScope, ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.min_confidence > self.max_confidence:
            raise ValueError(
                f"min_confidence {self.min_confidence} is above max_confidence "
                f"{self.max_confidence}: the planner could never be chosen"
            )


def table_list(data: Mapping[str, Any], key: str, file: str, path: str | None = None) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ConfigError(
            f"expected an array of tables ([[{path or key}]]), got {type(value).__name__}",
            path=path or key,
            file=file,
        )
    return value


class PluginReader:
    def __init__(self, catalog: Catalog, converter: Any, file: str) -> None:
        self._catalog = catalog
        self._converter = converter
        self._file = file

    def many(
        self,
        section: Mapping[str, Any],
        key: str,
        path: str,
        kind: PluginKind,
        *,
        default: bool = False,
    ) -> tuple[PluginConfig, ...]:
        tables = table_list(section, key, self._file, path)
        if not tables and default:
            return (self.one(None, f"{path}[default]", kind),)
        return tuple(
            self.one(table, f"{path}[{index}]", kind) for index, table in enumerate(tables)
        )

    def one(self, table: Any, path: str, kind: PluginKind) -> PluginConfig:
        if table is None:
            table = {"type": DEFAULT_PLUGINS[kind]}
        if not isinstance(table, dict):
            raise ConfigError(
                f"expected a table, got {type(table).__name__}", path=path, file=self._file
            )
        raw = dict(table)
        type_name = raw.pop("type", None)
        if not isinstance(type_name, str):
            raise ConfigError(
                "required key 'type' is missing or not a string",
                path=f"{path}.type",
                file=self._file,
            )
        spec = self._catalog.get((kind, type_name))
        if spec is None:
            known = sorted(name for k, name in self._catalog if k is kind)
            raise ConfigError(
                f"unknown {kind.value} type {type_name!r}{did_you_mean(type_name, known)} "
                f"(known: {', '.join(known)})",
                path=f"{path}.type",
                file=self._file,
            )
        selection_raw = {k: raw.pop(k) for k in list(raw) if k in _SELECTION_KEYS}
        if selection_raw and kind not in _TRADE_PLANNERS:
            raise ConfigError(
                f"{', '.join(sorted(selection_raw))} apply only to trade planners",
                path=path,
                file=self._file,
            )
        selection = structure(
            self._converter, selection_raw, _Selection, path=path, file=self._file
        )
        params = structure(self._converter, raw, spec.params, path=path, file=self._file)
        return PluginConfig(
            kind=kind,
            type=type_name,
            params=params,
            path=path,
            min_confidence=selection.min_confidence,
            max_confidence=selection.max_confidence,
            timing=selection.timing,
            scopes=selection.scopes,
        )


def check_columns(settings: BlueprintSettings, catalog: Catalog, file: str) -> None:
    """Check that every feature column a plugin reads is produced by some context worker."""
    provided: set[str] = set()
    for worker in settings.workers:
        provided.update(catalog[(worker.kind, worker.type)].provides(worker.params))
    readers = (
        settings.aggregator,
        *settings.opportunities,
        *settings.threats,
        *settings.strategies,
        *settings.entry,
        *settings.size,
        *settings.exit,
        *settings.routing,
    )
    for plugin in readers:
        for column in catalog[(plugin.kind, plugin.type)].requires(plugin.params):
            if column not in provided:
                raise ConfigError(
                    f"reads feature column {column!r} that no context worker provides "
                    f"(provided: {', '.join(sorted(provided)) or 'none'})",
                    path=plugin.path,
                    file=file,
                )
