"""A finished run's metrics, identity and `--out` files: the same for backtest and paper."""

from collections.abc import Sequence
from pathlib import Path

from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.data.report import LoadedBars
from tradekernel.adapters.reports.equity_curve import EquityCurve
from tradekernel.adapters.reports.metrics import Metrics, compute_metrics
from tradekernel.adapters.reports.run_identity import RunIdentity
from tradekernel.adapters.reports.writer import ReportPaths, write_outputs
from tradekernel.orchestration.cycle.result import RunResult


def bar_interval_ms(data: Sequence[LoadedBars]) -> int:
    """Return the shortest bar interval of the run's data (60 s when unknown)."""
    intervals = [item.report.interval_ms for item in data if item.report.interval_ms > 0]
    return min(intervals) if intervals else 60_000


def _curve(result: RunResult) -> EquityCurve:
    # One final equity per run: the venue's exact valuation, never the float curve's end.
    return EquityCurve.from_arrays(result.equity_ts, result.equity, final=result.final_equity)


def summarise_run(
    result: RunResult,
    *,
    blueprint: LoadedBlueprint,
    data: Sequence[LoadedBars],
    run_id: str,
    mode: str,
    fingerprint: str,
    exposure: float,
) -> tuple[Metrics, RunIdentity]:
    """Return the run's metrics and the identity its reports carry."""
    metrics = compute_metrics(
        _curve(result),
        result.closed_trades,
        starting_cash=blueprint.settings.account.starting_cash,
        total_fees=result.fees,
        bar_interval_ms=bar_interval_ms(data),
        exposure=exposure,
    )
    identity = RunIdentity(
        run_id=run_id,
        config_hash=blueprint.config_hash,
        data_fingerprint=fingerprint,
        plan_hash=result.run_plan_hash,
        mode=mode,
        skipped_intents=result.skipped_intents,
    )
    return metrics, identity


def write_run_outputs(
    out_dir: Path | None,
    result: RunResult,
    *,
    identity: RunIdentity,
    metrics: Metrics,
    data: Sequence[LoadedBars] = (),
    strategy: str = "",
) -> ReportPaths | None:
    """Write trades.csv, summary.json and report.html (price charts of `data`) for `--out`."""
    if out_dir is None:
        return None
    return write_outputs(
        out_dir,
        identity=identity,
        metrics=metrics,
        curve=_curve(result),
        trades=result.closed_trades,
        bars=[item.series for item in data],
        strategy=strategy,
    )
