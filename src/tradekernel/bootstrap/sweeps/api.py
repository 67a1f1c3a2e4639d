"""`tk.optimize`: a sweep from a script or notebook, its trials as a DataFrame."""

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tradekernel.bootstrap.api.inputs import TimeInput, epoch_ms, resolve_blueprint, resolve_data
from tradekernel.bootstrap.blueprints import bundled_blueprint
from tradekernel.bootstrap.sweeps.optimize import sweep
from tradekernel.bootstrap.sweeps.space import parse_param
from tradekernel.bootstrap.sweeps.study import SweepRequest
from tradekernel.bootstrap.time_window import cut_to_window


def optimize(
    config: str | Path | None = None,
    data: object = None,
    params: Mapping[str, str] | Sequence[str] = (),
    *,
    objective: str = "sharpe",
    direction: str = "max",
    min_trades: int = 0,
    trials: int = 20,
    sampler: str = "tpe",
    seed: int | None = None,
    workers: int = 2,
    scheduler: str | None = None,
    study: str | None = None,
    storage: str = "sqlite:///tradekernel-optuna.db",
    db: str | Path = "tradekernel.db",
    start: TimeInput = None,
    end: TimeInput = None,
) -> Any:
    """Run a sweep as `tradekernel optimize` does and return its trials as a DataFrame.

    Args:
        config: a blueprint path (None: the bundled example); workers read it.
        data: what `tk.backtest` takes as data.
        params: `{"context.workers[0].period": "5:30"}` or `["context.workers[0].period=5:30"]`.
        objective: a summary metric; `direction` "max" or "min".
        min_trades: trials with fewer closed trades are pruned.
        trials: the study's total (a resumed study runs only what is missing).
        workers: local Dask worker processes; `scheduler`: an existing cluster instead.
        study: the study's name (default: the blueprint's); `storage`: an SQLAlchemy URL.
        db: the run store every trial is recorded in, as `opt-<study>-<trial>`.

    Raises:
        ConfigError: a bad parameter (naming its key path), objective or sampler.
    """
    path = Path(config) if config is not None else bundled_blueprint()
    blueprint = resolve_blueprint(str(path))[0]
    bars = cut_to_window(
        resolve_data(data, blueprint), epoch_ms(start, "start"), epoch_ms(end, "end")
    )
    specs = [f"{k}={v}" for k, v in params.items()] if isinstance(params, Mapping) else params
    request = SweepRequest(
        config=str(path.resolve()),
        space=tuple(parse_param(spec) for spec in specs),
        objective=objective,
        direction=direction,
        min_trades=min_trades,
        trials=trials,
        sampler=sampler,
        study=study or blueprint.settings.name,
        storage=storage,
        db=str(db),
        seed=seed,
    )
    done = sweep(request, bars, workers=workers, scheduler=scheduler, progress=None)
    return done.trials_dataframe()
