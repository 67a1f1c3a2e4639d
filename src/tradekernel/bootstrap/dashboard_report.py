"""A recorded run's report for the dashboard: the same page a backtest's `--out` writes.

The page is drawn by the same function as `--out` (`report_text`): Plotly when installed,
else the plain page. Its parts come from what the run store kept: the equity snapshots, the
fills paired into round trips, the summary (strategy, symbols, period, exposure) and the
manifest; the candles come from the data files the manifest recorded, reloaded and checked
against their sha256 like `replay` does. When those files are gone or changed, the page
still shows, without price charts, and a note on it says why.
"""

import itertools
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from tradekernel.adapters.backtest.round_trips import RoundTripBook
from tradekernel.adapters.reports.equity_curve import EquityCurve
from tradekernel.adapters.reports.metrics import compute_metrics
from tradekernel.adapters.reports.run_identity import RunIdentity
from tradekernel.adapters.reports.writer import report_text
from tradekernel.bootstrap.replay_job import (
    load_recorded_series,
    parse_data_sources,
    recorded_blueprint,
)
from tradekernel.bootstrap.report_overlays import (
    Worker,
    price_level_workers,
    with_price_overlays,
)
from tradekernel.bootstrap.run_records import RunRecords
from tradekernel.bootstrap.run_report import listed_ticks
from tradekernel.domain.errors import ConfigError, DataError
from tradekernel.domain.ports.journal import EquityPoint, RunManifest
from tradekernel.domain.trades import ClosedTrade
from tradekernel.orchestration.factory.kernel_factory import instantiate
from tradekernel.orchestration.kernel.plugin_contract import CONTEXT_WORKER
from tradekernel.shared.bars import BarSeries

_NO_EQUITY = "<!doctype html><title>{run}</title><p>run {run} recorded no equity yet</p>"
NO_BARS_NOTE = "price charts left out: {reason}"


def recorded_bars(manifest: RunManifest) -> tuple[list[BarSeries], str | None]:
    """Return the run's bars from its recorded data files, or none and why not.

    The files must hold the bytes the run decided on (same sha256); the run's timeframe
    and `--start`/`--end` window are applied as the run applied them. The bars carry the
    price-level columns of the recorded blueprint's context workers (as `--out` draws them).
    """
    try:
        sources = parse_data_sources(manifest)
    except ConfigError as error:
        return [], error.message
    overlays: tuple[tuple[Worker, tuple[str, ...]], ...] = ()
    timeframe: str | None = None
    try:
        blueprint, catalog = recorded_blueprint(manifest)
        timeframe = blueprint.settings.timeframe
        configs = blueprint.settings.workers
        built = [instantiate(config, catalog, CONTEXT_WORKER) for config in configs]
        overlays = price_level_workers(configs, built)
    except ConfigError:
        # A config that no longer validates (a plugin gone) still names its bars' files;
        # the page then shows the candles without overlays.
        pass
    try:
        series = load_recorded_series(manifest.run_id, sources, {}, timeframe)
    except (ConfigError, DataError) as error:
        return [], error.message
    return with_price_overlays([series[symbol] for symbol in sorted(series)], overlays), None


def time_in_market(points: Sequence[EquityPoint]) -> float:
    """Return the share of equity snapshots taken while a position was held.

    A snapshot holds a position when its equity differs from its free cash: what the
    backtest counts as an exposed bar, read from what the store kept.
    """
    if not points:
        return 0.0
    return sum(point.equity != point.cash for point in points) / len(points)


def _report_trades(
    book: RoundTripBook, bars: Sequence[BarSeries], last_ms: int
) -> tuple[ClosedTrade, ...]:
    # As `--out`: positions still open are marked at their symbol's last close.
    closes = {s.symbol: Decimal(repr(float(s.close[-1]))) for s in bars if len(s)}
    still_open = tuple(
        trade.marked(closes[trade.symbol], last_ms)
        for trade in book.open_trades()
        if trade.symbol in closes
    )
    return book.closed() + still_open


def _recorded_number(document: Mapping[str, Any], key: str) -> float | None:
    value = document.get(key)
    return float(value) if isinstance(value, int | float) else None


def report_from_store(reader: RunRecords, run_id: str) -> str:
    """Return the report page of a recorded run (a short page if it has no equity yet).

    Raises:
        ConfigError: if the run id is unknown.
    """
    manifest = reader.run_manifest(run_id)
    points = reader.equity(run_id)
    if not points or points[0].equity <= 0:
        return _NO_EQUITY.format(run=run_id)
    book = RoundTripBook()
    fills = reader.fills(run_id)
    for fill in fills:
        book.record(fill)
    bars, missing = recorded_bars(manifest)
    summary: dict[str, Any] = json.loads(reader.run_summary(run_id) or "{}")
    recorded: dict[str, Any] = summary.get("metrics") or {}
    steps = [b.ts_ms - a.ts_ms for a, b in itertools.pairwise(points)]
    curve = EquityCurve.from_points(points)
    exposure = _recorded_number(recorded, "exposure")
    open_count = recorded.get("open_trade_count")
    metrics = compute_metrics(
        curve,
        book.closed(),
        starting_cash=Decimal(str(recorded.get("starting_cash") or points[0].equity)),
        total_fees=sum((fill.fee for fill in fills), Decimal(0)),
        bar_interval_ms=min(steps) if steps else 60_000,
        # A finished run recorded its exposure; a running one is read from its snapshots.
        exposure=time_in_market(points) if exposure is None else exposure,
        buy_and_hold_return=_recorded_number(recorded, "buy_and_hold_return"),
        open_trade_count=open_count if isinstance(open_count, int) else len(book.open_trades()),
    )
    if missing is not None:
        metrics = attrs.evolve(metrics, notes=(NO_BARS_NOTE.format(reason=missing), *metrics.notes))
    symbols = summary.get("symbols") or [s.symbol for s in bars]
    identity = RunIdentity(
        run_id=run_id,
        config_hash=manifest.config_hash,
        data_fingerprint=manifest.data_fingerprint,
        plan_hash=str(summary.get("plan_hash", "")),
        mode=manifest.mode,
        strategy=str(summary.get("strategy", "")),
        symbols=tuple(str(s) for s in symbols),
        start_ms=int(summary.get("period_start_ms") or 0),
        end_ms=int(summary.get("period_end_ms") or 0),
    )
    trades = _report_trades(book, bars, points[-1].ts_ms)
    return report_text(
        identity,
        metrics,
        curve,
        trades,
        bars=bars,
        strategy=identity.strategy,
        ticks=_ticks(manifest),
    )


def _ticks(manifest: RunManifest) -> dict[str, Decimal] | None:
    # The prices shown round to the recorded blueprint's ticks, as `--out` rounds them.
    try:
        return listed_ticks(recorded_blueprint(manifest)[0])
    except ConfigError:
        return None
