"""Walk-forward: optimise on each in-sample span, then score those parameters on the next.

The bars' time range is cut into N + 1 equal spans; fold i optimises on span i (its own
study, `<study>-wf<i>`) and backtests the best parameters on span i + 1, which the search
never saw. The out-of-sample runs are recorded as `opt-<study>-wf<i>-oos`.
"""

from typing import Any, TextIO

import attrs

from tradekernel.adapters.data.report import LoadedBars
from tradekernel.bootstrap.sweeps.optimize import best_overrides, sweep
from tradekernel.bootstrap.sweeps.study import SweepRequest, run_id_of
from tradekernel.bootstrap.time_window import cut_to_window
from tradekernel.domain.errors import ConfigError
from tradekernel.shared.utc_time import utc_text


@attrs.frozen
class Fold:
    """One fold: its spans, the in-sample best value and parameters, the OOS metrics."""

    number: int
    in_sample: tuple[int, int]
    out_of_sample: tuple[int, int]
    in_sample_value: float
    params: dict[str, object]
    oos_stats: dict[str, Any]
    oos_run_id: str


def fold_bounds(bars: tuple[LoadedBars, ...], folds: int) -> list[int]:
    """Return the N + 2 boundaries (epoch ms) of N + 1 equal spans of the bars' range.

    Raises:
        ConfigError: fewer than one fold.
    """
    if folds < 1:
        raise ConfigError("walk-forward needs at least 1 fold", path="--walk-forward")
    first = min(int(item.series.ts_ms[0]) for item in bars)
    last = max(int(item.series.ts_ms[-1]) for item in bars) + 1
    step = (last - first) // (folds + 1)
    return [first + step * index for index in range(folds + 1)] + [last]


def walk_forward(
    request: SweepRequest,
    bars: tuple[LoadedBars, ...],
    folds: int,
    *,
    workers: int = 2,
    scheduler: str | None = None,
    progress: TextIO | None = None,
) -> list[Fold]:
    """Run the folds and return them in order.

    Raises:
        ConfigError: a span without bars, or a fold whose study completed no trial.
    """
    from tradekernel.bootstrap.api.functions import backtest

    bounds = fold_bounds(bars, folds)
    done: list[Fold] = []
    for number in range(folds):
        ins = (bounds[number], bounds[number + 1])
        oos = (bounds[number + 1], bounds[number + 2])
        fold_request = attrs.evolve(request, study=f"{request.study}-wf{number}")
        study = sweep(
            fold_request,
            cut_to_window(bars, *ins),
            workers=workers,
            scheduler=scheduler,
            progress=progress,
        )
        params = best_overrides(study, request.space)
        run_id = run_id_of(fold_request.study, "oos")
        result = backtest(
            request.config,
            data=cut_to_window(bars, *oos),
            overrides=params,
            db=request.db,
            run_id=run_id,
            replace=True,
        )
        done.append(Fold(number, ins, oos, float(study.best_value), params, result.stats, run_id))
    return done


def fold_table(folds: list[Fold], objective: str) -> str:
    """Return the folds' in-sample and out-of-sample results, and the OOS overall."""
    heads = ("IS " + objective, "OOS " + objective)
    rows = [f"{'fold':>4}  {'out of sample':<45}  {heads[0]:>12}  {heads[1]:>12}  trades"]
    for fold in folds:
        span = f"{utc_text(fold.out_of_sample[0])} .. {utc_text(fold.out_of_sample[1])}"
        value = fold.oos_stats.get(objective)
        shown = f"{float(value):>12.4g}" if isinstance(value, int | float) else f"{'n/a':>12}"
        rows.append(
            f"{fold.number:>4}  {span:<45}  {fold.in_sample_value:>12.4g}  {shown}  "
            f"{fold.oos_stats.get('trade_count', 0)}"
        )
    values = [float(v) for f in folds if isinstance(v := f.oos_stats.get(objective), int | float)]
    compounded = 1.0
    for fold in folds:
        compounded *= 1.0 + float(fold.oos_stats.get("total_return", 0.0))
    mean = sum(values) / len(values) if values else float("nan")
    rows.append(
        f"overall OOS: mean {objective} {mean:.4g}, compounded return {compounded - 1.0:+.2%}, "
        f"{sum(int(f.oos_stats.get('trade_count', 0)) for f in folds)} trades"
    )
    return "\n".join(rows) + "\n"
