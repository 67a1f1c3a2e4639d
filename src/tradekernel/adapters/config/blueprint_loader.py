"""Load a strategy blueprint: TOML -> strict cattrs -> frozen settings, errors with key paths."""

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from tradekernel.adapters.config.converter import strict_converter, structure
from tradekernel.adapters.config.plugin_tables import (
    Catalog,
    PluginReader,
    check_columns,
    table_list,
)
from tradekernel.adapters.config.suggest import unknown_names
from tradekernel.adapters.config.toml_file import read_toml
from tradekernel.domain.blueprint import (
    DEFAULT_STEP_SIZE,
    DEFAULT_TICK_SIZE,
    AccountSettings,
    BlueprintSettings,
    ExecutionPolicy,
    FeeSettings,
    PluginConfig,
    UniverseSettings,
    base_and_quote,
)
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.holistic_allocation import HOLISTIC_ALLOCATOR, HolisticAllocationSettings
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.portfolio import MarketTrend
from tradekernel.domain.timeframes import timeframe_ms

_TOP_LEVEL = {
    "blueprint",
    "universe",
    "account",
    "fees",
    "symbols",
    "context",
    "signals",
    "strategy",
    "planners",
    "allocation",
    "execution",
}


@attrs.frozen(kw_only=True)
class _Header:
    name: str
    description: str = ""
    timeframe: str = "1h"


@attrs.frozen(kw_only=True)
class _RulesInput:
    symbol: str
    tick_size: Decimal = DEFAULT_TICK_SIZE
    step_size: Decimal = DEFAULT_STEP_SIZE
    min_qty: Decimal = Decimal(0)
    min_notional: Decimal = Decimal(0)
    base: str | None = None
    quote: str | None = None


@attrs.frozen(kw_only=True)
class _HolisticInput:
    type: str
    accept_closes: bool = True
    propose_directives: bool = True
    trend: MarketTrend = MarketTrend.SIDEWAYS
    portfolio: dict[str, Any] = attrs.Factory(dict)


@attrs.frozen(kw_only=True)
class LoadedBlueprint:
    settings: BlueprintSettings
    config_hash: str
    text: str
    file: str


def config_hash_of(data: Mapping[str, Any]) -> str:
    """Return the sha256 of the parsed TOML (comments and layout do not change it)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_blueprint(path: str | Path, catalog: Catalog) -> LoadedBlueprint:
    """Load and validate a blueprint file.

    Raises:
        ConfigError: naming the file and the key path of every problem found.
    """
    file = str(path)
    text, data = read_toml(Path(path))
    settings = parse_blueprint(data, catalog, file=file)
    return LoadedBlueprint(
        settings=settings, config_hash=config_hash_of(data), text=text, file=file
    )


def parse_blueprint(data: Mapping[str, Any], catalog: Catalog, *, file: str) -> BlueprintSettings:
    """Validate a parsed blueprint table (see `load_blueprint`)."""
    unknown = sorted(set(data) - _TOP_LEVEL)
    if unknown:
        raise ConfigError(
            f"unknown top-level sections: {unknown_names(unknown, _TOP_LEVEL)} "
            f"(known: {', '.join(sorted(_TOP_LEVEL))})",
            path="(top level)",
            file=file,
        )
    converter = strict_converter()
    header = structure(converter, data.get("blueprint", {}), _Header, path="blueprint", file=file)
    timeframe_ms(header.timeframe, file=file)
    account = structure(
        converter, data.get("account", {}), AccountSettings, path="account", file=file
    )
    rules = tuple(
        _rules(
            structure(converter, item, _RulesInput, path=f"symbols[{index}]", file=file), account
        )
        for index, item in enumerate(table_list(data, "symbols", file))
    )
    context = _section(data, "context", {"workers", "aggregator"}, file)
    signals = _section(data, "signals", {"opportunities", "threats"}, file)
    strategy = _section(data, "strategy", {"planners"}, file)
    planners = _section(data, "planners", {"entry", "size", "exit", "routing"}, file)
    plugins = PluginReader(catalog, converter, file)
    fees = structure(converter, data.get("fees", {}), FeeSettings, path="fees", file=file)
    settings = BlueprintSettings(
        name=header.name,
        description=header.description,
        timeframe=header.timeframe,
        universe=structure(
            converter, data.get("universe", {}), UniverseSettings, path="universe", file=file
        ),
        account=account,
        fees=fees,
        symbols=rules,
        workers=plugins.many(context, "workers", "context.workers", PluginKind.CONTEXT_WORKER),
        aggregator=plugins.one(
            context.get("aggregator"), "context.aggregator", PluginKind.CONTEXT_AGGREGATOR
        ),
        opportunities=plugins.many(
            signals, "opportunities", "signals.opportunities", PluginKind.OPPORTUNITY
        ),
        threats=plugins.many(signals, "threats", "signals.threats", PluginKind.THREAT),
        strategies=plugins.many(strategy, "planners", "strategy.planners", PluginKind.STRATEGY),
        entry=plugins.many(planners, "entry", "planners.entry", PluginKind.ENTRY, default=True),
        size=plugins.many(planners, "size", "planners.size", PluginKind.SIZE, default=True),
        exit=plugins.many(planners, "exit", "planners.exit", PluginKind.EXIT, default=True),
        routing=plugins.many(
            planners, "routing", "planners.routing", PluginKind.ROUTING, default=True
        ),
        allocator=_allocation(data.get("allocation"), plugins, converter, file, fees),
        execution=structure(
            converter, data.get("execution", {}), ExecutionPolicy, path="execution", file=file
        ),
    )
    if not settings.strategies:
        raise ConfigError(
            "a blueprint needs at least one strategy planner", path="strategy.planners", file=file
        )
    check_columns(settings, catalog, file)
    return settings


def _allocation(
    table: Any, plugins: PluginReader, converter: Any, file: str, fees: FeeSettings
) -> PluginConfig:
    """Read `[allocation]`; `type = "holistic"` nests one portfolio bucket's keys."""
    if not isinstance(table, dict) or table.get("type") != HOLISTIC_ALLOCATOR:
        return plugins.one(table, "allocation", PluginKind.ALLOCATOR)
    # Imported here: only a holistic allocation reads a portfolio bucket, and the bucket
    # loader (with the portfolio planner's modules) is start-up time of every other run.
    from tradekernel.adapters.config.portfolio_loader import bucket_settings
    from tradekernel.features.portfolio.validator import validate

    raw = structure(converter, table, _HolisticInput, path="allocation", file=file)
    path = "allocation.portfolio"
    if "capital_share" in raw.portfolio:
        raise ConfigError(
            "capital_share does not apply: the holistic allocator plans the whole account",
            path=f"{path}.capital_share",
            file=file,
        )
    # The planner simulates with the blueprint's taker fee unless the table says otherwise.
    simulation = raw.portfolio.get("simulation", {})
    if isinstance(simulation, dict):
        simulation = {"fee_rate": str(fees.taker), **simulation}
    bucket = {**raw.portfolio, "capital_share": "1", "simulation": simulation}
    _share, planner = bucket_settings(converter, bucket, path, Path(file))
    try:
        validate(planner, path)
    except ConfigError as error:
        raise ConfigError(error.message, path=error.path, file=file) from None
    return PluginConfig(
        kind=PluginKind.ALLOCATOR,
        type=HOLISTIC_ALLOCATOR,
        params=HolisticAllocationSettings(
            planner=planner,
            accept_closes=raw.accept_closes,
            propose_directives=raw.propose_directives,
            trend=raw.trend,
        ),
        path="allocation",
    )


def _rules(raw: _RulesInput, account: AccountSettings) -> SymbolRules:
    base, quote = base_and_quote(raw.symbol)
    return SymbolRules(
        symbol=raw.symbol,
        base=raw.base or base,
        quote=raw.quote or quote or account.quote_asset,
        tick_size=raw.tick_size,
        step_size=raw.step_size,
        min_qty=raw.min_qty,
        min_notional=raw.min_notional,
    )


def _section(data: Mapping[str, Any], name: str, keys: set[str], file: str) -> Mapping[str, Any]:
    section = data.get(name, {})
    if not isinstance(section, dict):
        raise ConfigError(f"expected a table, got {type(section).__name__}", path=name, file=file)
    unknown = sorted(set(section) - keys)
    if unknown:
        raise ConfigError(
            f"unknown keys: {unknown_names(unknown, keys)} (known: {', '.join(sorted(keys))})",
            path=name,
            file=file,
        )
    return section
