"""A finished run's metrics, identity and `--out` files: the same for backtest and paper."""

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.data.report import LoadedBars
from tradekernel.adapters.reports.equity_curve import EquityCurve
from tradekernel.adapters.reports.metrics import Metrics, compute_metrics
from tradekernel.adapters.reports.run_identity import RunIdentity
from tradekernel.adapters.reports.writer import ReportPaths, write_outputs
from tradekernel.domain.trades import ClosedTrade
from tradekernel.shared.bars import FloatArray, IntArray


def bar_interval_ms(data: Sequence[LoadedBars]) -> int:
    """Return the shortest bar interval of the run's data (60 s when unknown)."""
    intervals = [item.report.interval_ms for item in data if item.report.interval_ms > 0]
    return min(intervals) if intervals else 60_000


class FinishedRun(Protocol):
    """What a backtest or paper result offers its reports."""

    @property
    def run_plan_hash(self) -> str: ...

    @property
    def equity_ts(self) -> IntArray: ...

    @property
    def equity(self) -> FloatArray: ...

    @property
    def closed_trades(self) -> Sequence[ClosedTrade]: ...

    @property
    def fees(self) -> Decimal: ...


def summarise_run(
    result: FinishedRun,
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
        EquityCurve.from_arrays(result.equity_ts, result.equity),
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
    )
    return metrics, identity


def write_run_outputs(
    out_dir: Path | None, result: FinishedRun, *, identity: RunIdentity, metrics: Metrics
) -> ReportPaths | None:
    """Write trades.csv, summary.json and report.html when `--out` was given."""
    if out_dir is None:
        return None
    return write_outputs(
        out_dir,
        identity=identity,
        metrics=metrics,
        curve=EquityCurve.from_arrays(result.equity_ts, result.equity),
        trades=result.closed_trades,
    )
