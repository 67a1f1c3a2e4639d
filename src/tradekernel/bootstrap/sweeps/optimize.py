"""A whole sweep: check the parameters, open the Dask cluster, run the study, report it.

Shared by `tradekernel optimize` and `tk.optimize`.
"""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from tradekernel.adapters.data.report import LoadedBars
from tradekernel.bootstrap.api.inputs import resolve_blueprint
from tradekernel.bootstrap.sweeps.space import ParamRange
from tradekernel.bootstrap.sweeps.study import SweepRequest, check_request, run_study
from tradekernel.bootstrap.sweeps.trial import TrialOutcome
from tradekernel.domain.errors import ConfigError


def check_space(config: str, space: tuple[ParamRange, ...]) -> None:
    """Validate every parameter's key path and bounds against the blueprint, before any run.

    Raises:
        ConfigError: a key path the blueprint does not have, or a bound it refuses,
            naming the key path.
    """
    lows = {p.path: p.value_of(p.low) for p in space if p.kind != "choice"}
    highs = {p.path: p.value_of(p.high) for p in space if p.kind != "choice"}
    choices = [(p.path, c) for p in space if p.kind == "choice" for c in p.choices]
    # Each bound once, each choice once (with the other ranges at their bounds).
    for bounds in (lows, highs):
        resolve_blueprint(config, bounds)
        for path, choice in choices:
            resolve_blueprint(config, {**bounds, path: choice})


def best_blueprint_text(config: str, overrides: dict[str, object]) -> str:
    """Return the blueprint with `overrides` written in: the text its trial recorded, so
    `tradekernel backtest` on it has the trial's config hash."""
    return resolve_blueprint(config, overrides)[0].text


@contextmanager
def dask_client(workers: int, scheduler: str | None) -> Iterator[Any]:
    """Connect to the cluster at `scheduler`, or start a local one of `workers` processes.

    Raises:
        ConfigError: the scheduler cannot be reached.
    """
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=20)
        except OSError as error:
            raise ConfigError(
                f"cannot reach the Dask scheduler: {error}", path="--scheduler"
            ) from None
        with client:
            yield client
        return
    # One thread per worker process: a backtest holds the GIL, processes run in parallel.
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


class ProgressLine:
    """`trials 12/50  best sharpe 1.234 (trial 7)`, rewritten in place on a terminal."""

    def __init__(self, total: int, objective: str, stream: TextIO | None) -> None:
        self._total, self._objective, self._stream = total, objective, stream
        self._done = 0

    def __call__(self, study: Any, number: int, outcome: TrialOutcome | None) -> None:
        self._done += 1
        if self._stream is None:
            return
        try:
            best = (
                f"best {self._objective} {study.best_value:.4g} (trial {study.best_trial.number})"
            )
        except ValueError:
            best = "no complete trial yet"
        end = "\r" if self._stream.isatty() else "\n"
        print(f"trials {self._done}/{self._total}  {best}", end=end, file=self._stream, flush=True)

    def close(self) -> None:
        if self._stream is not None and self._stream.isatty():
            print(file=self._stream)


def sweep(
    request: SweepRequest,
    bars: tuple[LoadedBars, ...],
    *,
    workers: int = 2,
    scheduler: str | None = None,
    progress: TextIO | None = sys.stderr,
) -> Any:
    """Check the request, run its study on Dask and return the Optuna study.

    Raises:
        ConfigError: a bad objective, sampler or parameter (naming its key path), or an
            unreachable scheduler.
    """
    check_request(request)
    check_space(request.config, request.space)
    line = ProgressLine(request.trials, request.objective, progress)
    with dask_client(workers, scheduler) as client:
        study = run_study(request, bars, client, on_told=line)
    line.close()
    return study


def best_overrides(study: Any, space: tuple[ParamRange, ...]) -> dict[str, object]:
    """Return the best trial's parameters as blueprint overrides.

    Raises:
        ConfigError: the study has no complete trial.
    """
    from tradekernel.bootstrap.sweeps.space import stored_overrides

    try:
        best = study.best_trial
    except ValueError:
        raise ConfigError("no trial completed (see --min-trades)", path="--study") from None
    return stored_overrides(best.params, space)


def top_table(study: Any, objective: str, count: int = 10) -> str:
    """Return the `count` best complete trials as a text table."""
    import optuna

    complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    reverse = study.direction == optuna.study.StudyDirection.MAXIMIZE
    complete.sort(key=lambda t: t.value, reverse=reverse)
    rows = [f"{'trial':>5}  {objective:>12}  run id / params"]
    for trial in complete[:count]:
        params = ", ".join(f"{k}={v}" for k, v in trial.params.items())
        run_id = trial.user_attrs.get("run_id", "")
        rows.append(f"{trial.number:>5}  {trial.value:>12.6g}  {run_id}  {params}")
    return "\n".join(rows) + "\n"
