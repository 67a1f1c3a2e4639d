"""Load a portfolio config (buckets) and its state from TOML into planners and a state.

Layout (see docs/portfolio-planner.md): `[portfolio]` with `state = "FILE"` (relative to
the config) or an inline `[state]` table, and `[portfolio.buckets.<name>]` tables. A bucket
takes `capital_share`, `preset` or `config = "FILE"` (a TOML with the same bucket keys;
the inline keys win), `sliders`, `target_source`, `target_weights`, `simulation`,
`evaluation`, `search` and `modules.<kind>.<name>` overrides (`enabled = false` drops one).
Precedence: preset < bucket file < sliders < explicit tables.
"""

from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import cattrs

from tradekernel.adapters.config.converter import strict_converter, structure
from tradekernel.adapters.config.portfolio_files import BucketFile, PortfolioSection, StateFile
from tradekernel.adapters.config.toml_file import read_toml
from tradekernel.domain.account import Position
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.portfolio import Correlation, PortfolioState
from tradekernel.features.portfolio.buckets import Bucket, check_shares
from tradekernel.features.portfolio.factory import create_planner
from tradekernel.features.portfolio.presets import PRESETS
from tradekernel.features.portfolio.registry import ModuleKind, lookup
from tradekernel.features.portfolio.settings import ModuleConfig, PlannerSettings
from tradekernel.features.portfolio.sliders import apply_sliders


@attrs.frozen(kw_only=True)
class PortfolioSetup:
    """Everything `portfolio plan` needs: the buckets, the state and who owns what."""

    buckets: tuple[Bucket, ...]
    state: PortfolioState
    assignment: dict[str, str]
    targets: dict[str, dict[str, Decimal]]


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _override(
    converter: cattrs.Converter, current: Any, table: dict[str, Any], path: str, file: str
) -> Any:
    data = _merge(converter.unstructure(current), table)
    return structure(converter, data, type(current), path=path, file=file)


def _modules(
    converter: cattrs.Converter,
    settings: PlannerSettings,
    tables: dict[str, dict[str, dict[str, Any]]],
    path: str,
    file: str,
) -> PlannerSettings:
    for kind_name, named in sorted(tables.items()):
        try:
            kind = ModuleKind(kind_name)
        except ValueError:
            kinds = ", ".join(k.value for k in ModuleKind)
            raise ConfigError(
                f"unknown module kind {kind_name!r} (expected {kinds})",
                path=f"{path}.{kind_name}",
                file=file,
            ) from None
        modules = {m.name: m for m in getattr(settings, kind.value)}
        order = [m.name for m in getattr(settings, kind.value)]
        for name, raw in sorted(named.items()):
            where = f"{path}.{kind_name}.{name}"
            spec = lookup(kind, name)
            if spec is None or not isinstance(raw, dict):
                raise ConfigError(f"unknown {kind_name[:-1]} {name!r}", path=where, file=file)
            table = dict(raw)
            enabled = table.pop("enabled", True)
            if not isinstance(enabled, bool):
                raise ConfigError("expected true or false", path=f"{where}.enabled", file=file)
            if not enabled:
                modules.pop(name, None)
                continue
            current = modules[name].params if name in modules else spec.params()
            params = _override(converter, current, table, where, file)
            modules[name] = ModuleConfig(name=name, params=params)
            if name not in order:
                order.append(name)
        kept: Any = tuple(modules[n] for n in order if n in modules)
        settings = attrs.evolve(settings, **{kind.value: kept})
    return settings


def bucket_settings(
    converter: cattrs.Converter, raw: dict[str, Any], path: str, config_path: Path
) -> tuple[Decimal, PlannerSettings]:
    file = str(config_path)
    if isinstance(raw.get("config"), str):
        linked = config_path.parent / raw["config"]
        raw = _merge(read_toml(linked)[1], raw)
    bucket = structure(converter, raw, BucketFile, path=path, file=file)
    if bucket.preset is not None and bucket.preset not in PRESETS:
        names = ", ".join(sorted(PRESETS))
        raise ConfigError(
            f"unknown preset {bucket.preset!r} (expected {names})", path=f"{path}.preset", file=file
        )
    settings = PRESETS[bucket.preset or "default"]()
    if bucket.sliders is not None:
        settings = apply_sliders(settings, bucket.sliders, f"{path}.sliders")
    for section in ("simulation", "evaluation", "search"):
        table = getattr(bucket, section)
        if table:
            value = _override(
                converter, getattr(settings, section), table, f"{path}.{section}", file
            )
            settings = attrs.evolve(settings, **{section: value})
    if bucket.target_weights:
        weights = tuple(sorted(bucket.target_weights.items()))
        settings = attrs.evolve(settings, target_weights=weights, target_source="config")
    if bucket.target_source is not None:
        settings = attrs.evolve(settings, target_source=bucket.target_source)
    settings = _modules(converter, settings, bucket.modules, f"{path}.modules", file)
    return bucket.capital_share, settings


def _state(
    converter: cattrs.Converter, raw: Any, file: str
) -> tuple[PortfolioState, dict[str, str], dict[str, dict[str, Decimal]]]:
    data = structure(converter, raw, StateFile, path="state", file=file)
    for index, holding in enumerate(data.holdings):
        if holding.symbol not in data.markets:
            raise ConfigError(
                f"holding {holding.symbol} has no [markets.{holding.symbol!r}] entry",
                path=f"state.holdings[{index}].symbol",
                file=file,
            )
    rules = {
        symbol: SymbolRules(
            symbol=symbol,
            base=symbol.split("/")[0],
            quote=data.quote_asset,
            tick_size=market.tick_size,
            step_size=market.step_size,
            min_qty=market.min_qty,
            min_notional=market.min_notional,
        )
        for symbol, market in sorted(data.markets.items())
    }
    state = PortfolioState(
        quote_asset=data.quote_asset,
        now_ms=data.now_ms,
        cash=data.cash,
        positions=tuple(
            Position(
                symbol=h.symbol,
                quantity=h.quantity,
                avg_entry_price=h.avg_price,
                opened_ms=h.opened_ms,
            )
            for h in sorted(data.holdings, key=lambda h: h.symbol)
        ),
        marks={s: m.mark for s, m in sorted(data.markets.items())},
        rules=rules,
        scores={s: m.score for s, m in sorted(data.markets.items()) if m.score is not None},
        volatility={
            s: m.volatility for s, m in sorted(data.markets.items()) if m.volatility is not None
        },
        correlations=tuple(Correlation(a=c.a, b=c.b, value=c.value) for c in data.correlations),
        trend=data.trend,
        last_trade_ms={
            s: m.last_trade_ms
            for s, m in sorted(data.markets.items())
            if m.last_trade_ms is not None
        },
    )
    assignment = {h.symbol: h.bucket for h in data.holdings}
    return state, assignment, data.targets


def load_portfolio(path: str | Path) -> PortfolioSetup:
    """Load the config at `path`, its state, and build one validated planner per bucket.

    Raises:
        ConfigError: naming the file and key path of the first problem.
    """
    config_path = Path(path)
    file = str(config_path)
    _text, raw = read_toml(config_path)
    converter = strict_converter()
    unknown = sorted(set(raw) - {"portfolio", "state"})
    if unknown:
        raise ConfigError("unknown keys: " + ", ".join(unknown), path="(top level)", file=file)
    if "portfolio" not in raw:
        raise ConfigError("required table [portfolio] is missing", path="portfolio", file=file)
    section = structure(converter, raw["portfolio"], PortfolioSection, path="portfolio", file=file)
    shares: dict[str, Decimal] = {}
    buckets = []
    for name, table in sorted(section.buckets.items()):
        prefix = f"portfolio.buckets.{name}"
        share, settings = bucket_settings(converter, table, prefix, config_path)
        shares[name] = share
        try:
            planner = create_planner(name, settings, prefix)
        except ConfigError as error:
            raise ConfigError(error.message, path=error.path, file=file) from None
        buckets.append(Bucket(name=name, capital_share=share, planner=planner))
    try:
        check_shares(shares)
    except ConfigError as error:
        raise ConfigError(error.message, path=error.path, file=file) from None
    if section.state is not None:
        state_path = config_path.parent / section.state
        state_raw: Any = read_toml(state_path)[1]
        state_file = str(state_path)
    elif "state" in raw:
        state_raw, state_file = raw["state"], file
    else:
        raise ConfigError(
            "set portfolio.state or add a [state] table", path="portfolio.state", file=file
        )
    state, assignment, targets = _state(converter, state_raw, state_file)
    for symbol, bucket in sorted(assignment.items()):
        if bucket not in shares:
            raise ConfigError(
                f"holding {symbol} belongs to unknown bucket {bucket!r}",
                path="state.holdings",
                file=state_file,
            )
    return PortfolioSetup(
        buckets=tuple(buckets), state=state, assignment=assignment, targets=targets
    )
