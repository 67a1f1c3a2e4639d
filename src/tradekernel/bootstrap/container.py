"""The composition root: the only module that knows concrete adapters and dependency_injector.

One `Container` holds every long-lived object of a run. Each object takes its
dependencies through its constructor (no `@inject` wiring, no global locator); the
container only says which concrete adapter fills which port, chosen by configuration:

    container = Container()
    container.config.from_dict({"mode": "backtest", "db_path": "runs.db",
                                "blueprint_path": "examples/sma_cross.toml"})
    kernel = container.kernel()
    ...
    container.shutdown_resources()  # closes the database connection

Configuration keys: `mode` (backtest | paper | live), `db_path`,
`blueprint_path` (None: the bundled example), `seed` (the live retry jitter), `ccxt`
(keyword arguments of `CcxtSettings`). `refine_blueprint` is a provider of a function a
command may override to adjust the loaded blueprint (the backtest merges its CLI universe
lists through it).
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
from dependency_injector import containers, providers

from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.adapters.ccxt.config import CcxtSettings, MarketType
from tradekernel.adapters.clock.system import SystemClock
from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.paper.execution import PaperExecution
from tradekernel.adapters.sqlite.control_store import SqliteControlStore
from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.journal import SqliteJournal
from tradekernel.adapters.sqlite.order_event_store import SqliteOrderEventStore
from tradekernel.bootstrap.backtest_job import venue_settings
from tradekernel.bootstrap.blueprints import bundled_blueprint, load
from tradekernel.domain.enums import PluginKind
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.plugin_spec import PluginSpec
from tradekernel.domain.ports.clock import Clock
from tradekernel.orchestration.factory.kernel_factory import build_kernel

# One execution adapter per mode: paper wraps the backtest venue (same matching code)
# and stamps orders with the clock; live is ccxt.
EXECUTION_MODES = ("backtest", "paper", "live")
DEFAULT_DB = "tradekernel.db"

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


def _loaded(path: str | Path | None) -> tuple[LoadedBlueprint, Catalog]:
    return load(Path(path) if path is not None else bundled_blueprint())


def _catalog(loaded: tuple[LoadedBlueprint, Catalog]) -> Catalog:
    return loaded[1]


def _blueprint(loaded: tuple[LoadedBlueprint, Catalog], refine: Refinement) -> LoadedBlueprint:
    return refine(loaded[0])


class _Closeable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=_Closeable)


def scoped(opener: Callable[[str | Path], C], path: str | Path | None) -> Iterator[C]:
    """Open the run database for the container's lifetime (closed by shutdown_resources).

    Generic in the connection type so this module names no sqlite3 type (only the SQLite
    adapter may import sqlite3).
    """
    connection = opener(path if path is not None else DEFAULT_DB)
    try:
        yield connection
    finally:
        connection.close()


def ccxt_settings(values: Mapping[str, Any] | None, symbols: Sequence[str]) -> CcxtSettings:
    """Return the live adapter's settings from the `ccxt` configuration mapping.

    Raises:
        ConfigError: a key is not a `CcxtSettings` field (named with its path).
    """
    options = dict(values or {})
    options.setdefault("symbols", tuple(symbols))
    if "market_type" in options:
        options["market_type"] = MarketType(options["market_type"])
    try:
        return CcxtSettings(**options)
    except TypeError as error:
        raise ConfigError(f"unknown ccxt setting: {error}", path="ccxt") from None


def ccxt_execution(settings: CcxtSettings, clock: Clock, seed: int | None) -> Any:
    """Build the live ccxt adapter (reads credentials from the environment, no traffic).

    Raises:
        ConfigError: the credential variables are unset or the exchange is unknown.
    """
    # Imported here: ccxt takes over a second to import, and backtests never need it.
    from tradekernel.adapters.ccxt.execution import CcxtExecution

    return CcxtExecution(settings, clock=clock, rng=np.random.default_rng(seed))


class Container(containers.DeclarativeContainer):
    """Every long-lived object of a run, built from validated settings."""

    config = providers.Configuration()

    clock = providers.Singleton(SystemClock)

    mode = providers.Callable(checked_mode, config.mode)

    loaded_blueprint = providers.Singleton(_loaded, config.blueprint_path)
    plugin_catalog = providers.Singleton(_catalog, loaded_blueprint)
    # A command sets this to merge its --allow/--deny lists into the universe (the merge
    # lives with the commands, which import the container, never the other way round).
    refine_blueprint = providers.Object(unchanged)
    blueprint = providers.Singleton(_blueprint, loaded_blueprint, refine_blueprint)
    settings = providers.Singleton(lambda loaded: loaded.settings, blueprint)
    kernel = providers.Singleton(build_kernel, settings, plugin_catalog)

    database = providers.Resource(scoped, connect, config.db_path)
    journal = providers.Singleton(SqliteJournal, database)
    order_event_store = providers.Singleton(SqliteOrderEventStore, database)
    control_store = providers.Singleton(SqliteControlStore, database)

    backtest_execution = providers.Factory(
        BacktestVenue, providers.Callable(venue_settings, settings)
    )
    paper_execution = providers.Factory(PaperExecution, backtest_execution, clock)
    live_settings = providers.Singleton(
        ccxt_settings, config.ccxt, settings.provided.universe.symbols
    )
    live_execution = providers.Singleton(ccxt_execution, live_settings, clock, config.seed)
    execution = providers.Selector(
        mode, backtest=backtest_execution, paper=paper_execution, live=live_execution
    )


def configured(
    *,
    mode: str | None = None,
    db_path: str | Path | None = None,
    blueprint_path: str | Path | None = None,
    refine: Refinement = unchanged,
    **options: Any,
) -> Container:
    """Return a container configured for one run (commands use this, not providers).

    `mode` None suits commands that build no execution adapter (asking for `execution`
    then fails with a ConfigError). `options` are further keys (`seed`, `ccxt`).

    Raises:
        ConfigError: a mode is given that no execution adapter serves.
    """
    container = Container()
    container.config.from_dict(
        {
            "mode": None if mode is None else checked_mode(mode),
            "db_path": None if db_path is None else str(db_path),
            "blueprint_path": None if blueprint_path is None else str(blueprint_path),
            **options,
        }
    )
    container.refine_blueprint.override(providers.Object(refine))
    return container
