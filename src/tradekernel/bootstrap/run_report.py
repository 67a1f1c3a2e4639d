"""A finished run's metrics, identity and `--out` files: the same for backtest and paper."""

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import attrs

from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.data.report import LoadedBars
from tradekernel.adapters.reports.equity_curve import EquityCurve
from tradekernel.adapters.reports.metrics import Metrics, compute_metrics
from tradekernel.adapters.reports.perpetual_metrics import perpetual_metrics
from tradekernel.adapters.reports.run_identity import RunIdentity
from tradekernel.adapters.reports.writer import ReportPaths, write_outputs
from tradekernel.bootstrap.report_overlays import Worker, with_price_overlays
from tradekernel.domain.trades import ClosedTrade
from tradekernel.orchestration.cycle.result import RunResult


def bar_interval_ms(data: Sequence[LoadedBars]) -> int:
    """Return the shortest bar interval of the run's data (60 s when unknown)."""
    intervals = [item.report.interval_ms for item in data if item.report.interval_ms > 0]
    return min(intervals) if intervals else 60_000


def buy_and_hold_return(data: Sequence[LoadedBars]) -> float | None:
    """Return the equal-weight return of holding each symbol from its first close to its last.

    No fees, no slippage: the yardstick a strategy's total return is read against over the
    same bars. None without data or with a non-positive first close.
    """
    returns = [
        float(item.series.close[-1]) / float(item.series.close[0]) - 1.0
        for item in data
        if len(item.series) and item.series.close[0] > 0
    ]
    return sum(returns) / len(returns) if returns and len(returns) == len(data) else None


def report_trades(result: RunResult) -> tuple[ClosedTrade, ...]:
    """Return the closed trades, then each position still held valued at its last close.

    The open rows make the trades add up: the sum of every row's `pnl` is the final equity
    minus the starting cash.
    """
    last_ms = int(result.equity_ts[-1]) if result.equity_ts.shape[0] else 0
    still_open = tuple(
        trade.marked(result.final_marks[trade.symbol], last_ms)
        for trade in result.open_trades
        if trade.symbol in result.final_marks
    )
    return result.closed_trades + still_open


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
        buy_and_hold_return=buy_and_hold_return(data),
        open_trade_count=len(result.open_trades),
    )
    if result.perpetual is not None:
        figures = perpetual_metrics(result.perpetual, result.closed_trades)
        metrics = attrs.evolve(metrics, perpetual=figures)
    bounds = [
        (int(item.series.ts_ms[0]), int(item.series.ts_ms[-1])) for item in data if len(item.series)
    ]
    identity = RunIdentity(
        run_id=run_id,
        config_hash=blueprint.config_hash,
        data_fingerprint=fingerprint,
        plan_hash=result.run_plan_hash,
        mode=mode,
        strategy=blueprint.settings.name,
        symbols=tuple(sorted(item.series.symbol for item in data)),
        start_ms=min((first for first, _ in bounds), default=0),
        end_ms=max((last for _, last in bounds), default=0),
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
    overlays: Sequence[tuple[Worker, tuple[str, ...]]] = (),
    blueprint: LoadedBlueprint | None = None,
) -> ReportPaths | None:
    """Write trades.csv, summary.json and report.html (price charts of `data`) for `--out`.

    `overlays` (see `report_overlays.price_level_workers`) are drawn over the candles;
    the prices shown are rounded to the ticks of the symbols `blueprint` lists.
    """
    if out_dir is None:
        return None
    return write_outputs(
        out_dir,
        identity=identity,
        metrics=metrics,
        curve=_curve(result),
        trades=report_trades(result),
        bars=with_price_overlays([item.series for item in data], overlays),
        strategy=strategy,
        ticks=listed_ticks(blueprint) if blueprint is not None else None,
    )


def listed_ticks(blueprint: LoadedBlueprint) -> dict[str, Decimal]:
    """Return the price tick of each symbol the blueprint lists rules for."""
    return {rules.symbol: rules.tick_size for rules in blueprint.settings.symbols}
