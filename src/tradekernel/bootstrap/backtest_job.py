"""The backtest job: run the kernel over recorded bars, record the run and report it.

Orchestration only: the container (`bootstrap/container.py`) builds the blueprint, the
kernel, the venue, the market clock and the stores; this job starts the run, drives the
engine, records and reports. Its own test runs it end to end on the bundled data.
"""

import hashlib
import json
import sys
import time
from collections.abc import Iterator, Sequence
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import TextIO

import attrs

from tradekernel.adapters.backtest.settings import VenueSettings
from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.data.report import LoadedBars
from tradekernel.adapters.data.sources import fit_to_timeframe, load_source
from tradekernel.adapters.reports.metrics import Metrics
from tradekernel.adapters.reports.run_identity import RunIdentity
from tradekernel.adapters.reports.summary_json import summary_json_text
from tradekernel.adapters.reports.terminal import ProgressBar
from tradekernel.adapters.reports.writer import ReportPaths
from tradekernel.bootstrap.report_overlays import price_level_workers
from tradekernel.bootstrap.run_checks import check_recorded_run
from tradekernel.bootstrap.run_ids import choose_run_id
from tradekernel.bootstrap.run_report import summarise_run, write_run_outputs
from tradekernel.bootstrap.wiring import RecordedRunParts
from tradekernel.domain.blueprint import BlueprintSettings
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.ports.journal import EquityPoint, RunManifest
from tradekernel.domain.timeframes import timeframe_ms
from tradekernel.orchestration.backtest.engine import BacktestEngine, BacktestRequest
from tradekernel.orchestration.cycle.decision import journal_recorder
from tradekernel.orchestration.cycle.result import RunResult
from tradekernel.orchestration.records.canonical import HASH_FORMAT_VERSION


@attrs.frozen(kw_only=True)
class DataInput:
    """The bars of one blueprint symbol: a file, or a store name read from `store`
    (`binance:BTC/USDT:1m`; `store` defaults to `./data`)."""

    symbol: str
    path: Path
    store: Path | None = None


@attrs.frozen(kw_only=True, eq=False)
class BacktestOutcome:
    run_id: str
    result: RunResult
    metrics: Metrics
    identity: RunIdentity
    data: tuple[LoadedBars, ...]
    db_path: Path
    outputs: ReportPaths | None
    seconds: float


def code_version() -> str:
    try:
        return metadata.version("tradekernel")
    except metadata.PackageNotFoundError:
        return "0+unknown"


# The blueprint key of each venue setting, so a refusal names what the user wrote.
_VENUE_KEYS = {
    "maker_fee": "fees.maker",
    "taker_fee": "fees.taker",
    "slippage_bps": "fees.slippage_bps",
    "participation": "fees.participation",
    "starting_cash": "account.starting_cash",
    "quote_asset": "account.quote_asset",
}


def venue_settings(settings: BlueprintSettings, file: str | None = None) -> VenueSettings:
    """Return the simulated venue's settings of a blueprint.

    Raises:
        ConfigError: a fee, slippage, participation or cash value the venue refuses,
            named by its blueprint key (e.g. `fees.taker`) and `file`.
    """
    fees = settings.fees
    try:
        return VenueSettings(
            maker_fee=fees.maker,
            taker_fee=fees.taker,
            slippage_bps=fees.slippage_bps,
            participation=fees.participation,
            starting_cash=settings.account.starting_cash,
            quote_asset=settings.account.quote_asset,
        )
    except ValueError as error:
        message = str(error)
        name = next((n for n in _VENUE_KEYS if message.startswith(f"venue.{n} ")), "")
        if name:
            message = f"{_VENUE_KEYS[name]} {message.removeprefix(f'venue.{name} ')}"
        raise ConfigError(message, path=_VENUE_KEYS.get(name, "fees"), file=file) from None


def load_data(inputs: Sequence[DataInput], blueprint: LoadedBlueprint) -> tuple[LoadedBars, ...]:
    """Load each input's bars (a file or a store name) and fit them to the timeframe.

    Finer bars are resampled exactly (`LoadedBars.resampled` says what was dropped).

    Raises:
        DataError: a file or stored series the readers refuse, or bars not spaced by the
            blueprint's timeframe nor finer by a whole factor (naming the file and line).
    """
    timeframe = blueprint.settings.timeframe
    length = timeframe_ms(timeframe, file=blueprint.file)
    return tuple(
        fit_to_timeframe(load_source(item.path, item.symbol, store=item.store), timeframe, length)
        for item in inputs
    )


def data_fingerprint(data: Sequence[LoadedBars]) -> str:
    digest = hashlib.sha256()
    for loaded in sorted(data, key=lambda item: item.series.symbol):
        # A `--start`/`--end` window is part of the data a run decided on; an uncut file
        # hashes as it always did, so derived run ids of whole-file runs stay the same.
        window = _window_suffix(loaded)
        digest.update(f"{loaded.series.symbol}={loaded.fingerprint}{window}\n".encode())
    return digest.hexdigest()


def _window_suffix(loaded: LoadedBars) -> str:
    if loaded.start_ms is None and loaded.end_ms is None:
        return ""
    return f"@{loaded.start_ms}..{loaded.end_ms}"


def data_sources(data: Sequence[LoadedBars]) -> str:
    """Return the JSON record of where each symbol's bars came from."""
    sources: dict[str, dict[str, str | int]] = {}
    for loaded in data:
        source: dict[str, str | int] = {
            "path": str(Path(loaded.report.file).resolve()),
            "sha256": loaded.fingerprint,
        }
        # The `--start`/`--end` window, so `replay` cuts the file the same way.
        if loaded.start_ms is not None:
            source["start_ms"] = loaded.start_ms
        if loaded.end_ms is not None:
            source["end_ms"] = loaded.end_ms
        sources[loaded.series.symbol] = source
    return json.dumps(sources, sort_keys=True)


def recorded_manifest(
    run_id: str,
    mode: str,
    blueprint: LoadedBlueprint,
    data: Sequence[LoadedBars],
    fingerprint: str,
) -> RunManifest:
    """Return the manifest of a run on recorded bars (backtest or paper replay), starting now."""
    return RunManifest(
        run_id=run_id,
        mode=mode,
        config_hash=blueprint.config_hash,
        code_version=code_version(),
        data_fingerprint=fingerprint,
        started_ms=time.time_ns() // 1_000_000,
        config_text=blueprint.text,
        data_sources=data_sources(data),
        hash_format_version=HASH_FORMAT_VERSION,
    )


def run_backtest(
    run: RecordedRunParts,
    data: Sequence[LoadedBars],
    *,
    out_dir: Path | None,
    dense: bool = False,
    run_id: str | None = None,
    replace: bool = False,
    progress_stream: TextIO | None = sys.stderr,
) -> BacktestOutcome:
    """Run one backtest, record it in the run's stores, and write the `--out` files.

    Raises:
        ConfigError: a universe symbol has no data, or `run_id` is already recorded and
            `replace` is not set.
    """
    blueprint = run.blueprint
    settings = blueprint.settings
    symbols = {item.series.symbol for item in data}
    check_recorded_run(blueprint, run.kernel, data)
    started = time.monotonic()
    fingerprint = data_fingerprint(data)
    stores = run.open_stores()
    journal = stores.journal
    chosen = choose_run_id(
        stores,
        requested=run_id,
        derived=f"bt-{blueprint.config_hash[:8]}-{fingerprint[:8]}",
        replace=replace,
    )
    with journal:
        journal.start_run(
            recorded_manifest(
                chosen, "backtest-dense" if dense else "backtest", blueprint, data, fingerprint
            )
        )
        total = max(len(item.series) for item in data) if data else 0
        bar = (
            ProgressBar(total, stream=progress_stream, now=time.monotonic)
            if progress_stream is not None
            else None
        )

        record = journal_recorder(journal, chosen)

        # The market clock (the venue's too) stamps orders with the bar they were sent at.
        engine = BacktestEngine(
            run.kernel,
            run.venue,
            clock=run.clock,
            on_plan=record,
            progress=(lambda done, _total: bar.update(done)) if bar is not None else None,
        )
        result = engine.run(
            BacktestRequest(
                run_id=chosen,
                series={item.series.symbol: item.series for item in data},
                rules={s: settings.rules_for(s) for s in sorted(symbols)},
                dense=dense,
                policy=settings.execution,
            )
        )
        if bar is not None:
            bar.close()
        for order in result.orders:
            journal.record_order(chosen, order)
        for fill in result.fills:
            journal.record_fill(chosen, fill)
        journal.record_equity(chosen, list(recorded_equity(result)))
        metrics, identity = summarise_run(
            result,
            blueprint=blueprint,
            data=data,
            run_id=chosen,
            mode="backtest-dense" if dense else "backtest",
            fingerprint=fingerprint,
            exposure=result.exposed_bars / result.bars if result.bars else 0.0,
        )
        journal.finish_run(chosen, summary_json_text(identity, metrics))
    outputs = write_run_outputs(
        out_dir,
        result,
        identity=identity,
        metrics=metrics,
        data=data,
        strategy=blueprint.settings.name,
        blueprint=blueprint,
        overlays=price_level_workers(settings.workers, run.kernel.spec.workers),
    )
    return BacktestOutcome(
        run_id=chosen,
        result=result,
        metrics=metrics,
        identity=identity,
        data=tuple(data),
        db_path=stores.db_path,
        outputs=outputs,
        seconds=time.monotonic() - started,
    )


MAX_RECORDED_EQUITY_POINTS = 20_000


def recorded_equity(result: RunResult) -> Iterator[EquityPoint]:
    """Yield the equity to record: every bar up to 20,000 bars, an even stride beyond.

    The report and metrics use the full in-memory curve; the database keeps a curve fine
    enough to plot, with the last bar always included, so a million-bar run does not write
    a million rows.
    """
    count = int(result.equity.shape[0])
    stride = max(1, -(-count // MAX_RECORDED_EQUITY_POINTS))
    indices = list(range(0, count, stride))
    if count and indices[-1] != count - 1:
        indices.append(count - 1)
    # One gather and `tolist()` per column instead of three numpy scalar reads per point.
    ts_ms = result.equity_ts[indices].tolist()
    equity = result.equity[indices].tolist()
    cash = result.cash[indices].tolist()
    for ts, value, free in zip(ts_ms, equity, cash, strict=True):
        yield EquityPoint(ts_ms=int(ts), equity=Decimal(repr(value)), cash=Decimal(repr(free)))
