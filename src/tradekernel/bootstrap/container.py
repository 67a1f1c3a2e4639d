"""The composition root: the only module that knows dependency_injector, and the one
place (with its provider functions in `bootstrap/factories.py`) that opens databases and
constructs adapters.

One `Container` builds every collaborator of every job. Each object takes its
dependencies through its constructor (no `@inject` wiring, no global locator); the
container says which concrete adapter fills which port, chosen by configuration, and a
job receives them already built (`RecordedRunParts`, `RunStores`, `LiveParts` in
`bootstrap/wiring.py`):

    container = configured(mode="backtest", db_path="runs.db",
                           blueprint_path="examples/sma_cross.toml")
    try:
        outcome = run_backtest(container.recorded_run_parts(), data, out_dir=None)
    finally:
        container.shutdown_resources()  # closes the database connection

Configuration keys: `mode` (backtest | paper | live; None for the tools that use no
venue), `db_path`, `blueprint_path` (None: the bundled example), `seed` (the ccxt retry
jitter), `ccxt` (keyword arguments of `CcxtSettings`), `environ` (where the ccxt keys are
read), `bot_id` (the backoff store's bot). `refine_blueprint` is a provider of a function
a command may override to adjust the loaded blueprint (the backtest merges its CLI
universe lists through it); `live_config` holds a loaded live config (see
`bootstrap/live_session.py`). A test swaps any adapter with
`container.<provider>.override(providers.Object(fake))`.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tradekernel.adapters.ccxt.config import CcxtSettings
from tradekernel.adapters.clock.system import SystemClock
from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.paper.execution import PaperExecution
from tradekernel.adapters.paper.sleeper import SystemSleeper
from tradekernel.adapters.sqlite.backoff_store import SqliteBackoffStore
from tradekernel.adapters.sqlite.control_store import SqliteControlStore
from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.journal import SqliteJournal
from tradekernel.adapters.sqlite.order_event_store import SqliteOrderEventStore
from tradekernel.adapters.sqlite.portfolio_store import SqliteSequenceStore
from tradekernel.adapters.sqlite.run_reader import SqliteRunReader
from tradekernel.bootstrap import factories
from tradekernel.bootstrap.absent_modules import absent_modules
from tradekernel.bootstrap.backtest_job import venue_settings
from tradekernel.bootstrap.factories import (
    EXECUTION_MODES,
    Catalog,
    Refinement,
    checked_mode,
    unchanged,
)
from tradekernel.bootstrap.live_config import LoadedLive, store_path
from tradekernel.bootstrap.wiring import LiveParts, RecordedRunParts, RunStores
from tradekernel.domain.ports.clock import Clock
from tradekernel.orchestration.cycle.market_clock import MarketClock
from tradekernel.orchestration.factory.kernel_factory import build_kernel

# dependency_injector imports every integration it finds installed: fastapi, starlette
# and werkzeug for `@inject` wiring, pydantic and yaml for configuration loaders. With the
# `serve` extra installed that cost every command about 17 MiB of RSS and 0.15 s, and
# this container uses none of them (constructor injection only, settings from cattrs).
_UNUSED_INTEGRATIONS = (
    "fastapi",
    "fast_depends",
    "starlette",
    "werkzeug",
    "flask",
    "pydantic",
    "pydantic_settings",
    "yaml",
)
with absent_modules(_UNUSED_INTEGRATIONS):
    from dependency_injector import containers, providers

__all__ = ["EXECUTION_MODES", "Container", "configured", "live_container"]


class Container(containers.DeclarativeContainer):
    """Every collaborator of a job, built from validated settings."""

    config = providers.Configuration()

    mode = providers.Callable(checked_mode, config.mode)

    # Time: the wall clock, and the market clock a replay of recorded bars moves.
    wall_clock = providers.Singleton(SystemClock)
    market_clock = providers.Singleton(MarketClock)
    clock = providers.Selector(
        providers.Callable(factories.clock_kind, config.mode),
        market=market_clock,
        system=wall_clock,
    )
    sleeper = providers.Singleton(SystemSleeper)

    # The blueprint and the kernel.
    loaded_blueprint = providers.Singleton(factories.loaded, config.blueprint_path)
    plugin_catalog = providers.Singleton(factories.catalog_of, loaded_blueprint)
    # A command sets this to merge its --allow/--deny lists into the universe (the merge
    # lives with the commands, which import the container, never the other way round).
    refine_blueprint = providers.Object(unchanged)
    blueprint = providers.Singleton(factories.refined, loaded_blueprint, refine_blueprint)
    settings = providers.Singleton(lambda loaded: loaded.settings, blueprint)
    kernel = providers.Singleton(build_kernel, settings, plugin_catalog)

    # The run database: one connection for every store, closed by shutdown_resources.
    db_path = providers.Callable(factories.db_path, config.db_path)
    database = providers.Resource(
        factories.scoped,
        providers.Callable(factories.database_opener, connect, config.mode),
        db_path,
    )
    journal = providers.Singleton(
        SqliteJournal,
        database,
        batch_size=providers.Callable(factories.journal_batch_size, config.mode),
    )
    run_reader = providers.Singleton(SqliteRunReader, database)
    order_event_store = providers.Singleton(SqliteOrderEventStore, database)
    control_store = providers.Singleton(SqliteControlStore, database)
    backoff_store = providers.Singleton(
        SqliteBackoffStore, database, bot_id=providers.Callable(factories.bot_id, config.bot_id)
    )
    stores = providers.Singleton(
        RunStores,
        db_path=db_path,
        journal=journal,
        reader=run_reader,
        order_events=order_event_store,
        control=control_store,
    )
    # The portfolio planner's resumable batches (its own connection and tables).
    sequence_store = providers.Resource(factories.scoped, SqliteSequenceStore.open, db_path)

    # Execution, by mode. The backtest venue stamps an order with the run's clock (the bar
    # it was sent at); the clockless simulated venue stamps it with its symbol's last bar
    # (inside the paper venue, which stamps itself; the dry run's; --verify-sparse's).
    simulated_venue_settings = providers.Callable(venue_settings, settings, blueprint.provided.file)
    # A perpetual account's venue, with its funding and mark sources (perpetual_sources.py).
    # `data_store` is the --store directory `store:` funding and mark sources read.
    simulated_venue = providers.Factory(
        factories.simulated_venue, simulated_venue_settings, blueprint, store=config.data_store
    )
    backtest_execution = providers.Factory(
        factories.simulated_venue,
        simulated_venue_settings,
        blueprint,
        clock,
        store=config.data_store,
    )
    paper_execution = providers.Factory(PaperExecution, simulated_venue, clock)
    live_config: providers.Object[LoadedLive | None] = providers.Object(None)
    live_settings = providers.Singleton(
        factories.ccxt_settings, config.ccxt, settings.provided.universe.symbols, live_config
    )
    live_execution = providers.Resource(
        factories.ccxt_execution,
        live_settings,
        clock,
        config.seed,
        config.environ,
        config.require_keys,
    )
    market_data = providers.Resource(factories.ccxt_market_data, live_settings, config.seed)
    # `data download`: no blueprint, the exchange settings given whole (`download_container`).
    exchange_settings: providers.Object[CcxtSettings] = providers.Object(CcxtSettings())
    download_market_data = providers.Resource(
        factories.ccxt_market_data, exchange_settings, config.seed, config.environ, download=True
    )
    execution = providers.Selector(
        mode, backtest=backtest_execution, paper=paper_execution, live=live_execution
    )

    # What the jobs take.
    recorded_run_parts = providers.Factory(
        RecordedRunParts,
        blueprint=blueprint,
        kernel=kernel,
        open_stores=stores.provider,
        venue=execution,
        clock=clock,
        wall_clock=wall_clock,
        sleeper=sleeper,
    )
    live_parts = providers.Factory(
        LiveParts,
        loaded=live_config,
        execution=live_execution,
        blueprint=blueprint,
        kernel=kernel,
        market=market_data,
        stores=stores,
        backoff_store=backoff_store,
        new_simulated_venue=simulated_venue.provider,
        clock=clock,
    )


def configured(
    *,
    mode: str | None = None,
    db_path: str | Path | None = None,
    blueprint_path: str | Path | None = None,
    refine: Refinement = unchanged,
    loaded: tuple[LoadedBlueprint, Catalog] | None = None,
    **options: Any,
) -> Container:
    """Return a container configured for one job (commands use this, not providers).

    `mode` None suits commands that build no execution adapter (asking for `execution`
    then fails with a ConfigError). `options` are further keys (`seed`, `ccxt`,
    `environ`, `bot_id`). `loaded` is a blueprint already loaded with its catalog (the
    Python API's TOML text or overrides), used instead of loading `blueprint_path`.

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
    if loaded is not None:
        container.loaded_blueprint.override(providers.Object(loaded))
    return container


def live_container(
    loaded: LoadedLive,
    *,
    live: bool,
    environ: dict[str, str] | None = None,
    clock: Clock | None = None,
) -> Container:
    """Return a container configured for a live (or dry) run of a loaded live config.

    The store is the config's database (a dry run's own `-dry` file), the blueprint the
    one the config names, the bot id the config's (`-dry` for a dry run), the ccxt
    settings the config's; `clock` replaces the wall clock (tests move it forward).
    """
    s = loaded.settings
    container = configured(
        mode="live",
        db_path=store_path(loaded, live=live),
        blueprint_path=(loaded.file.parent / s.blueprint).resolve(),
        seed=0,
        environ=environ,
        bot_id=s.bot_id if live else f"{s.bot_id}-dry",
        # A dry run reads public data only: keys are needed with --live alone.
        require_keys=live,
    )
    container.live_config.override(providers.Object(loaded))
    if clock is not None:
        container.clock.override(providers.Object(clock))
    return container


def download_container(settings: CcxtSettings, environ: Mapping[str, str]) -> Container:
    """Return a container whose `download_market_data` reaches the exchange of `settings`,
    with keys from `environ` when both of the variables the settings name are set."""
    container = configured(environ=dict(environ))
    container.exchange_settings.override(providers.Object(settings))
    return container
