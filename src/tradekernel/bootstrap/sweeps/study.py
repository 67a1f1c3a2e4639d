"""The sweep's client loop: Optuna asks, Dask runs the trial, Optuna is told once.

Only this client talks to the Optuna storage (ask/tell), so workers need no database
driver, and a trial whose future failed (its worker was lost) is submitted again under
the same trial number instead of being told: every trial is told exactly once. A study
resumed under the same name first runs again the trials a stopped client left running.
"""

import itertools
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs

from tradekernel.adapters.data.report import LoadedBars
from tradekernel.adapters.reports.metrics import Metrics
from tradekernel.bootstrap.sweeps.space import ParamRange, stored_overrides, suggest
from tradekernel.bootstrap.sweeps.trial import TrialJob, TrialOutcome, run_trial
from tradekernel.domain.errors import ConfigError

# Every numeric summary metric can be an objective.
OBJECTIVES = tuple(
    field.name for field in attrs.fields(Metrics) if field.name not in ("notes", "exits_by_reason")
)
SAMPLERS = ("tpe", "grid", "random")
# A trial whose worker keeps dying is given up (told failed) after this many runs.
MAX_ATTEMPTS = 3


@attrs.frozen(kw_only=True)
class SweepRequest:
    """One study: what to search, how to score it, and where trials and runs are stored."""

    config: str
    space: tuple[ParamRange, ...]
    objective: str = "sharpe"
    direction: str = "max"
    min_trades: int = 0
    trials: int = 20
    sampler: str = "tpe"
    study: str = "sweep"
    storage: str = "sqlite:///tradekernel-optuna.db"
    db: str = "tradekernel.db"
    seed: int | None = None


def check_request(request: SweepRequest) -> None:
    """Refuse a request's bad names before anything runs.

    Raises:
        ConfigError: an unknown objective, direction or sampler, or no parameter.
    """
    if request.objective not in OBJECTIVES:
        raise ConfigError(
            f"unknown objective {request.objective!r} (one of: {', '.join(OBJECTIVES)})",
            path="--objective",
        )
    if request.direction not in ("max", "min"):
        raise ConfigError("direction is max or min", path="--direction")
    if request.sampler not in SAMPLERS:
        raise ConfigError(f"sampler is one of {', '.join(SAMPLERS)}", path="--sampler")
    if not request.space:
        raise ConfigError("give at least one --param PATH=RANGE", path="--param")


def run_id_of(study: str, number: int | str) -> str:
    """Return the run id a trial is recorded under: `opt-<study>-<trial number>`."""
    return f"opt-{re.sub(r'[^A-Za-z0-9_.-]', '_', study)}-{number}"


def open_study(request: SweepRequest) -> Any:
    """Create the Optuna study, or load it when the storage already holds its name."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler: Any
    # The grid is enqueued point by point (`enqueue_grid`): Optuna's GridSampler stops
    # the study from inside a tell, which ask/tell from a client does not allow.
    if request.sampler in ("grid", "random"):
        sampler = optuna.samplers.RandomSampler(seed=request.seed)
    else:
        sampler = optuna.samplers.TPESampler(seed=request.seed)
    from sqlalchemy.pool import NullPool

    # No pool: each storage call closes its connection, so none is left open at exit.
    storage = optuna.storages.RDBStorage(request.storage, engine_kwargs={"poolclass": NullPool})
    return optuna.create_study(
        study_name=request.study,
        storage=storage,
        sampler=sampler,
        direction="maximize" if request.direction == "max" else "minimize",
        load_if_exists=True,
    )


def enqueue_grid(study: Any, space: Sequence[ParamRange]) -> int:
    """Enqueue every grid point the study has not seen yet; return the grid's size."""
    axes = [param.grid() for param in space]
    # A waiting (enqueued, not yet asked) trial holds its point in `fixed_params`.
    seen = {
        tuple((t.params or t.system_attrs.get("fixed_params", {})).get(p.path) for p in space)
        for t in study.get_trials(deepcopy=False)
    }
    points = list(itertools.product(*axes))
    for point in points:
        if point not in seen:
            study.enqueue_trial(dict(zip((p.path for p in space), point, strict=True)))
    return len(points)


@attrs.define
class _Pending:
    number: int
    job: TrialJob
    attempts: int


def run_study(
    request: SweepRequest,
    bars: tuple[LoadedBars, ...],
    client: Any,
    on_told: Callable[[Any, int, TrialOutcome | None], None] | None = None,
) -> Any:
    """Run the study's remaining trials on the Dask `client` and return the study.

    `request.trials` is the study's total: a resumed study runs only what is missing.
    `on_told(study, trial number, outcome)` follows each tell (outcome None: failed).
    """
    import optuna
    from distributed import wait

    study = open_study(request)
    total = request.trials
    if request.sampler == "grid":
        total = min(total, enqueue_grid(study, request.space))
    # The bars go to every worker once; each trial gets the future, not the data.
    [bars_future] = client.scatter([bars], broadcast=True)
    db = str(Path(request.db).resolve())

    def job(number: int, overrides: dict[str, object]) -> TrialJob:
        run_id = run_id_of(request.study, number)
        return TrialJob(request.config, overrides, db, run_id, request.objective)

    def submit(entry: _Pending) -> Any:
        entry.attempts += 1
        return client.submit(run_trial, entry.job, bars_future, pure=False)

    pending: dict[Any, _Pending] = {}
    # Trials a stopped client asked for but never told: run them again, same numbers.
    for trial in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
        entry = _Pending(
            trial.number, job(trial.number, stored_overrides(trial.params, request.space)), 0
        )
        pending[submit(entry)] = entry
    waiting = optuna.trial.TrialState.WAITING
    asked = sum(1 for trial in study.get_trials(deepcopy=False) if trial.state != waiting)
    in_flight = max(1, 2 * len(client.scheduler_info().get("workers", {})))
    while asked < total or pending:
        while asked < total and len(pending) < in_flight:
            trial = study.ask()
            trial.set_user_attr("run_id", run_id_of(request.study, trial.number))
            entry = _Pending(trial.number, job(trial.number, suggest(trial, request.space)), 0)
            pending[submit(entry)] = entry
            asked += 1
        done = wait(list(pending), return_when="FIRST_COMPLETED").done
        for future in done:
            entry = pending.pop(future)
            if future.status != "finished":
                if entry.attempts < MAX_ATTEMPTS:
                    pending[submit(entry)] = entry  # a lost worker: run it again, never tell twice
                    continue
                study.tell(entry.number, state=optuna.trial.TrialState.FAIL)
                if on_told is not None:
                    on_told(study, entry.number, None)
                continue
            outcome: TrialOutcome = future.result()
            _tell(study, entry.number, outcome, request.min_trades)
            if on_told is not None:
                on_told(study, entry.number, outcome)
    return study


def _tell(study: Any, number: int, outcome: TrialOutcome, min_trades: int) -> None:
    import optuna

    if outcome.value is None or outcome.trades < min_trades:
        # Too few trades to judge (or no value): pruned, so the sampler ignores it.
        study.tell(number, state=optuna.trial.TrialState.PRUNED)
    else:
        study.tell(number, outcome.value)
