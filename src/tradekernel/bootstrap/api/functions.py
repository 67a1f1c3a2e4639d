"""`tk.backtest`, `tk.plan`, `tk.explain`, `tk.load_bars`, `tk.load_blueprint`.

Each builds its run through the composition root (`configured`) and the commands' own job
functions; only the inputs (text, DataFrames, overrides, a time range) and the outputs
(DataFrames, printable results) are the API's.
"""

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.data.sources import load_source
from tradekernel.bootstrap.api.frames import bars_frame
from tradekernel.bootstrap.api.inputs import (
    ConfigInput,
    TimeInput,
    epoch_ms,
    resolve_blueprint,
    resolve_data,
)
from tradekernel.bootstrap.api.result import BacktestResult, Explanation, PlanResult
from tradekernel.bootstrap.backtest_job import run_backtest
from tradekernel.bootstrap.commands.common import with_universe_lists
from tradekernel.bootstrap.container import configured
from tradekernel.bootstrap.time_window import cut_to_window

DEFAULT_SYMBOL = "BARS"


def _config_lists(blueprint: LoadedBlueprint) -> LoadedBlueprint:
    # The commands merge the config's and list file's allow/deny lists with the CLI's;
    # the API has no CLI lists but merges the same way, so both plan the same universe.
    return with_universe_lists(blueprint, (), ())


def load_checked_blueprint(
    config: ConfigInput = None, overrides: Mapping[str, object] | None = None
) -> LoadedBlueprint:
    """Load and validate a blueprint: a path, TOML text, or None for the bundled example.

    Raises:
        ConfigError: naming the file and the key path of the first problem.
    """
    return resolve_blueprint(config, overrides)[0]


def backtest(
    config: ConfigInput = None,
    data: object = None,
    start: TimeInput = None,
    end: TimeInput = None,
    overrides: Mapping[str, object] | None = None,
    *,
    db: str | Path | None = None,
    run_id: str | None = None,
    dense: bool = False,
    replace: bool = False,
    store: str | Path | None = None,
) -> BacktestResult:
    """Run a backtest, as `tradekernel backtest` does, and return its result.

    Args:
        config: a blueprint path, TOML text or a loaded blueprint (None: the bundled example).
        data: a bars file, a pandas DataFrame, or a mapping of blueprint symbol to either
            (None: the bundled bars of the bundled example).
        start: the first bar's open time, inclusive: ISO text, a datetime or epoch ms
            (naive times are UTC).
        end: the open time the bars stop before (exclusive), in the same forms.
        overrides: dotted key paths of the blueprint and their values, e.g.
            `{"context.workers[0].period": 20}`, validated as if written in the file.
        db: the SQLite database to record the run in (default: a temporary one that lives
            as long as the result).
        run_id: the run's id (default: derived from the config and data hashes).
        dense: call the kernel on every bar instead of only where plugins can act.
        replace: record afresh under a `run_id` already recorded (`--replace`).
        store: the bar store that store names in `data` read from (default `./data`).

    Raises:
        ConfigError: a bad config, override or argument, naming its key path.
        DataError: bars the readers refuse, or none in the time range.
        StorageError: the database cannot be opened or written.
    """
    blueprint, catalog = resolve_blueprint(config, overrides)
    start_ms, end_ms = epoch_ms(start, "start"), epoch_ms(end, "end")
    # The CLI's --start/--end cut: the same window gives the same fingerprint and run id.
    stored = None if store is None else Path(store)
    bars = cut_to_window(resolve_data(data, blueprint, stored), start_ms, end_ms)
    scratch = Path(tempfile.mkdtemp(prefix="tradekernel-")) if db is None else None
    db_path = scratch / "runs.db" if scratch is not None else Path(db or "")
    container = configured(
        mode="backtest",
        db_path=db_path,
        blueprint_path=blueprint.file,
        loaded=(blueprint, catalog),
        refine=_config_lists,
    )
    try:
        parts = container.recorded_run_parts()
        outcome_blueprint = parts.blueprint
        outcome = run_backtest(
            parts,
            bars,
            out_dir=None,
            dense=dense,
            run_id=run_id,
            replace=replace,
            progress_stream=None,
        )
    finally:
        container.shutdown_resources()
    return BacktestResult(outcome, outcome_blueprint, scratch)


def plan(
    config: ConfigInput = None,
    data: object = None,
    at: TimeInput = None,
    overrides: Mapping[str, object] | None = None,
) -> PlanResult:
    """Run one planning cycle at the bar opening at `at` (default: the last bar).

    The account is flat with the starting cash, as in `tradekernel plan`.

    Raises:
        ConfigError: a bad config or override, or `at` not a bar's open time.
        DataError: bars the readers refuse.
    """
    from tradekernel.bootstrap.commands.plan import render_plan
    from tradekernel.bootstrap.offline_context import offline_context
    from tradekernel.orchestration.records.canonical import plan_hash

    blueprint, catalog = resolve_blueprint(config, overrides)
    bars = resolve_data(data, blueprint)
    container = configured(
        blueprint_path=blueprint.file, loaded=(blueprint, catalog), refine=_config_lists
    )
    blueprint = container.blueprint()
    context = offline_context(blueprint.settings, bars, epoch_ms(at, "at"), run_id="plan")
    made = container.kernel().plan(context)
    digest = plan_hash(made)
    return PlanResult(plan=made, plan_hash=digest, text=render_plan(made, digest))


def explain(client_order_id: str, db: str | Path, run: str | None = None) -> Explanation:
    """Return why a recorded order exists, from its fills back to the bar (`tradekernel explain`).

    Raises:
        ConfigError: no database at `db`.
        TradekernelError: the order is not recorded.
    """
    from tradekernel.bootstrap.commands.explain import explain_order

    return Explanation(explain_order(Path(db), client_order_id, run))


def load_bars_frame(
    path: str | Path,
    symbol: str = DEFAULT_SYMBOL,
    start: TimeInput = None,
    end: TimeInput = None,
    store: str | Path | None = None,
) -> Any:
    """Read bars (a CSV or Parquet file, or a store name such as `binance:BTC/USDT:1m` read
    from `store`, default `./data`) into a pandas DataFrame indexed by UTC open time.

    The frame has the file's six columns (`timestamp_ms`, `open` ... `volume`), so it can
    be changed and passed back as `tk.backtest(..., data=frame)`.

    Raises:
        DataError: a file the readers refuse, or no bar in the time range.
    """
    (loaded,) = cut_to_window(
        (load_source(path, symbol, store=None if store is None else Path(store)),),
        epoch_ms(start, "start"),
        epoch_ms(end, "end"),
    )
    return bars_frame(loaded)
