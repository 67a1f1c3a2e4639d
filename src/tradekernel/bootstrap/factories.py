"""Provider functions of the composition root (imported by `bootstrap/container.py` only).

The functions the container's providers call where a constructor alone does not do:
choosing by mode, opening and closing resources, building the ccxt adapters lazily. No
dependency_injector here: `container.py` stays its only importer.
"""

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

import attrs
import numpy as np

from tradekernel.adapters.backtest.perpetual_venue import PerpetualVenue
from tradekernel.adapters.backtest.settings import VenueSettings
from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.adapters.ccxt.config import CcxtSettings, MarketType
from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.sqlite.journal import DEFAULT_BATCH_SIZE
from tradekernel.bootstrap.blueprints import bundled_blueprint, load
from tradekernel.bootstrap.live_config import LoadedLive
from tradekernel.bootstrap.perpetual_account import is_perpetual, perpetual_terms
from tradekernel.bootstrap.perpetual_sources import perpetual_sources
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.ports.clock import Clock

# One execution adapter per mode: paper wraps the backtest venue (same matching code)
# and stamps orders with the clock; live is ccxt.
EXECUTION_MODES = ("backtest", "paper", "live")
# Backtests and paper replays run in market time (the bar being stepped); live and the
# tools that use no execution (control, explain) read the wall clock.
MARKET_TIME_MODES = ("backtest", "paper")
DEFAULT_DB = "tradekernel.db"
DEFAULT_BOT = "default"

Catalog = dict[tuple[PluginKind, str], PluginSpec]
Refinement = Callable[[LoadedBlueprint], LoadedBlueprint]


def unchanged(blueprint: LoadedBlueprint) -> LoadedBlueprint:
    """Return the blueprint as loaded (the default refinement)."""
    return blueprint


def checked_mode(mode: str | None) -> str:
    """Return the configured mode, refusing one no execution adapter serves.

    Raises:
        ConfigError: the mode is unset or not one of `EXECUTION_MODES`.
    """
    if mode not in EXECUTION_MODES:
        raise ConfigError(
            f"mode {mode!r} has no execution adapter (wired: {', '.join(EXECUTION_MODES)})",
            path="mode",
        )
    return mode


def clock_kind(mode: str | None) -> str:
    """Return `market` for the modes that replay recorded bars, else `system`."""
    return "market" if mode in MARKET_TIME_MODES else "system"


def journal_batch_size(mode: str | None) -> int:
    """Return how many rows the journal buffers: live writes every plan ahead (one)."""
    return 1 if mode == "live" else DEFAULT_BATCH_SIZE


def db_path(path: str | Path | None) -> Path:
    """Return the run database's path (default: `./tradekernel.db`)."""
    return Path(path if path is not None else DEFAULT_DB)


def bot_id(value: str | None) -> str:
    """Return the configured bot id (default: `default`)."""
    return value or DEFAULT_BOT


def loaded(path: str | Path | None) -> tuple[LoadedBlueprint, Catalog]:
    """Load the blueprint at `path` (None: the bundled example) with its plugin catalog."""
    return load(Path(path) if path is not None else bundled_blueprint())


def catalog_of(loaded: tuple[LoadedBlueprint, Catalog]) -> Catalog:
    """Return the plugin catalog of a loaded blueprint."""
    return loaded[1]


def refined(loaded: tuple[LoadedBlueprint, Catalog], refine: Refinement) -> LoadedBlueprint:
    """Return the loaded blueprint after the command's refinement."""
    return refine(loaded[0])


def simulated_venue(
    settings: VenueSettings,
    blueprint: LoadedBlueprint,
    clock: Clock | None = None,
    store: str | None = None,
) -> BacktestVenue:
    """Return the backtest and paper venue of a blueprint: perpetual or spot.

    A perpetual account's venue gets its terms, funding and mark bars
    (`perpetual_sources`, `store:` sources read from `store`, None: `./data`); `clock`
    stamps orders (None: the symbol's last bar does).

    Raises:
        ConfigError: as `perpetual_terms` and `perpetual_sources`.
    """
    account = blueprint.settings.account
    if not is_perpetual(account):
        return BacktestVenue(settings, clock)
    sources = perpetual_sources(blueprint, None if store is None else Path(store))
    return PerpetualVenue(
        settings,
        perpetual_terms(account, blueprint.file),
        funding=sources.funding,
        marks=sources.marks,
        clock=clock,
    )


class _Closeable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=_Closeable)


def database_opener(opener: Callable[..., C], mode: str | None) -> Callable[[Path], C]:
    """Return `opener` set for the mode: a backtest's commits do not wait for the disk.

    A backtest's database is re-creatable (the run again on the same data records the same
    rows), so it is opened `durable=False`; every other mode's commits are durable.
    """
    return functools.partial(opener, durable=mode != "backtest")


def scoped(opener: Callable[[Path], C], path: Path) -> Iterator[C]:
    """Open a resource for the container's lifetime (closed by shutdown_resources).

    Generic in the resource type so this module names no sqlite3 type (only the SQLite
    adapter may import sqlite3).
    """
    resource = opener(path)
    try:
        yield resource
    finally:
        resource.close()


def ccxt_settings(
    values: Mapping[str, Any] | None, symbols: Sequence[str], live: LoadedLive | None = None
) -> CcxtSettings:
    """Return the ccxt adapters' settings: a live config's, else the `ccxt` mapping's.

    Either way the symbols default to the blueprint's universe.

    Raises:
        ConfigError: a key is not a `CcxtSettings` field or a value is refused.
    """
    if live is not None:
        configured = live.settings.ccxt
        return attrs.evolve(configured, symbols=configured.symbols or tuple(symbols))
    options = dict(values or {})
    options.setdefault("symbols", tuple(symbols))
    try:
        if "market_type" in options:
            options["market_type"] = MarketType(options["market_type"])
        return CcxtSettings(**options)
    except TypeError as error:
        raise ConfigError(f"unknown ccxt setting: {error}", path="ccxt") from None
    except ValueError as error:
        raise ConfigError(str(error), path="ccxt") from None


def ccxt_execution(
    settings: CcxtSettings,
    clock: Clock,
    seed: int | None,
    environ: Mapping[str, str] | None = None,
    require_keys: bool | None = True,
) -> Iterator[Any]:
    """Build the live ccxt adapter (credentials from `environ`, default the process's).

    No traffic until used; closed by shutdown_resources. With `require_keys=False` (a dry
    run, which reads public data only) unset keys leave the adapter keyless.

    Raises:
        ConfigError: the credential variables are unset or the exchange is unknown.
    """
    # Imported here: ccxt takes over a second to import, and backtests never need it.
    from tradekernel.adapters.ccxt.execution import CcxtExecution

    execution = CcxtExecution(
        settings,
        clock=clock,
        rng=np.random.default_rng(seed),
        environ=dict(environ) if environ is not None else None,
        require_credentials=require_keys is not False,
    )
    try:
        yield execution
    finally:
        execution.close()


def ccxt_market_data(
    settings: CcxtSettings,
    seed: int | None,
    environ: Mapping[str, str] | None = None,
    *,
    download: bool = False,
) -> Iterator[Any]:
    """Build the ccxt market data client; closed by shutdown_resources.

    Keyless, unless `environ` is given and sets both key variables the settings name
    (`data download` passes it, for venues that want a key even for candles). Its retry
    jitter draws from `seed + 1`, apart from the execution adapter's. `download` builds
    the client that also reads perpetuals' funding history and mark-price bars.

    Raises:
        ConfigError: ccxt does not know the exchange id.
    """
    from tradekernel.adapters.ccxt.config import Credentials
    from tradekernel.adapters.ccxt.market_data import CcxtMarketData
    from tradekernel.adapters.ccxt.perpetual_download import CcxtDownloadData

    found = environ or {}
    key, secret = found.get(settings.api_key_env), found.get(settings.api_secret_env)
    market = (CcxtDownloadData if download else CcxtMarketData)(
        settings,
        rng=np.random.default_rng(None if seed is None else seed + 1),
        credentials=Credentials(api_key=key, secret=secret) if key and secret else None,
    )
    try:
        yield market
    finally:
        market.close()
