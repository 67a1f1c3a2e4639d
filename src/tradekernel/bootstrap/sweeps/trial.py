"""One trial of a sweep, run on a Dask worker: one backtest through the same engine.

The function and its job are plain picklable values, so a worker on another machine runs
them with nothing but tradekernel installed; the bars arrive as a scattered future, sent to
each worker once for the whole study.
"""

import math
from decimal import Decimal
from typing import Any

import attrs

from tradekernel.adapters.data.report import LoadedBars


@attrs.frozen
class TrialJob:
    """What a worker needs to run one trial: the config, its overrides, where to record."""

    config: str  # a blueprint path (the workers read it) or TOML text
    overrides: dict[str, object]
    db: str
    run_id: str
    objective: str


@attrs.frozen
class TrialOutcome:
    """A finished trial: its objective value (None: not a number), metrics, run plan hash."""

    run_id: str
    value: float | None
    trades: int
    plan_hash: str
    stats: dict[str, float | int | str | None]


def _json_scalar(value: object) -> float | int | str | None:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal | float):
        return float(value)
    return str(value)


def run_trial(job: TrialJob, bars: tuple[LoadedBars, ...]) -> TrialOutcome:
    """Run the trial's backtest and record it under `job.run_id` (afresh if a lost worker
    left part of it recorded).

    Raises:
        ConfigError: an override the blueprint refuses.
    """
    from tradekernel.bootstrap.api.functions import backtest

    result = backtest(
        job.config, data=bars, overrides=job.overrides, db=job.db, run_id=job.run_id, replace=True
    )
    stats = {key: _json_scalar(value) for key, value in result.stats.items()}
    raw = stats.get(job.objective)
    value = float(raw) if isinstance(raw, int | float) and math.isfinite(raw) else None
    trades = stats.get("trade_count")
    return TrialOutcome(
        run_id=result.run_id,
        value=value,
        trades=trades if isinstance(trades, int) else 0,
        plan_hash=result.plan_hash,
        stats=stats,
    )


def objective_names(stats: dict[str, Any]) -> list[str]:
    """Return the summary metrics an objective may name (the numeric ones)."""
    return sorted(k for k, v in stats.items() if isinstance(v, int | float | Decimal))
