"""The paper job: replay bars through the paper venue and the OMS, record and report.

Orchestration only, as in `backtest_job`: the container builds the paper venue (which
wraps a backtest venue: the two adapters never import each other), the market clock that
stamps events in market time, and the stores that hold the run, the plans, the order
events and the equity snapshots; `--out` gets the backtest's files.
"""

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

import attrs

from tradekernel.adapters.data.report import LoadedBars
from tradekernel.adapters.reports.metrics import Metrics
from tradekernel.adapters.reports.run_identity import RunIdentity
from tradekernel.adapters.reports.summary_json import summary_json_text
from tradekernel.adapters.reports.terminal import ProgressBar
from tradekernel.adapters.reports.writer import ReportPaths
from tradekernel.bootstrap.backtest_job import data_fingerprint, recorded_manifest
from tradekernel.bootstrap.report_overlays import price_level_workers
from tradekernel.bootstrap.run_checks import check_recorded_run
from tradekernel.bootstrap.run_ids import choose_run_id
from tradekernel.bootstrap.run_report import summarise_run, write_run_outputs
from tradekernel.bootstrap.wiring import RecordedRunParts
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.ports.notifier import Notifier
from tradekernel.domain.ports.sleeper import Sleeper
from tradekernel.orchestration.cycle.decision import journal_recorder
from tradekernel.orchestration.cycle.result import RunResult
from tradekernel.orchestration.notify.feed import RunNotifications
from tradekernel.orchestration.paper.bar_source import ReplaySource
from tradekernel.orchestration.paper.pacing import Pacer
from tradekernel.orchestration.paper.runner import PaperPorts, PaperRunner, PaperSettings
from tradekernel.orchestration.runtime.bot import BotRuntime
from tradekernel.orchestration.runtime.trading_control import TradingStateControl

# Called with the runner once it exists (bootstrap points SIGINT/SIGTERM at it).
RunnerHook = Callable[[PaperRunner], Callable[[], None]]


@attrs.frozen(kw_only=True, eq=False)
class PaperOutcome:
    run_id: str
    result: RunResult
    metrics: Metrics
    identity: RunIdentity
    data: tuple[LoadedBars, ...]
    db_path: Path
    outputs: ReportPaths | None
    seconds: float
    slept_ms: int


class _CountingSleeper:
    def __init__(self, inner: Sleeper) -> None:
        self.inner = inner
        self.total_ms = 0

    def sleep_ms(self, duration_ms: int) -> None:
        self.total_ms += duration_ms
        self.inner.sleep_ms(duration_ms)


def run_paper(
    run: RecordedRunParts,
    data: Sequence[LoadedBars],
    *,
    out_dir: Path | None,
    speed: float = 0.0,
    run_id: str | None = None,
    replace: bool = False,
    progress_stream: TextIO | None = sys.stderr,
    on_runner: RunnerHook | None = None,
    notifier: Notifier | None = None,
) -> PaperOutcome:
    """Replay `data` in paper mode, record it in the run's stores, and write `--out` files.

    `notifier` (if any) hears of fills, rejections, halts, errors and each day's summary.

    Raises:
        ConfigError: a universe symbol has no data, the speed is negative, or `run_id` is
            already recorded and `replace` is not set.
    """
    blueprint = run.blueprint
    settings = blueprint.settings
    symbols = {item.series.symbol for item in data}
    check_recorded_run(blueprint, run.kernel, data)
    if not speed >= 0:
        raise ConfigError(f"--speed must be >= 0, got {speed}", path="--speed")
    started = time.monotonic()
    fingerprint = data_fingerprint(data)
    counting = _CountingSleeper(run.sleeper)
    stores = run.open_stores()
    chosen = choose_run_id(
        stores,
        requested=run_id,
        derived=f"paper-{blueprint.config_hash[:8]}-{fingerprint[:8]}",
        replace=replace,
    )
    journal = stores.journal
    with journal:
        journal.start_run(recorded_manifest(chosen, "paper-replay", blueprint, data, fingerprint))
        source = ReplaySource({item.series.symbol: item.series for item in data})
        bar = (
            ProgressBar(len(source), stream=progress_stream, now=time.monotonic)
            if progress_stream is not None
            else None
        )

        record = journal_recorder(journal, chosen)

        notices = RunNotifications(notifier, run.clock) if notifier is not None else None
        control_store = notices.control(stores.control) if notices else stores.control

        def progress(cycles: int) -> None:
            if notices is not None:
                notices.on_cycle()
            if bar is not None and cycles % 256 == 0:
                bar.update(cycles)

        runtime = BotRuntime(config=settings, bot_id=chosen)
        policy = settings.execution
        runner = PaperRunner(
            run.kernel,
            source,
            PaperPorts(
                venue=run.venue,
                store=stores.order_events,
                clock=run.clock,
                pacer=Pacer(speed=speed, clock=run.wall_clock, sleeper=counting),
                journal=journal,
                control=TradingStateControl(
                    runtime=runtime, store=control_store, clock=run.clock, bot_id=chosen
                ),
            ),
            PaperSettings(
                run_id=chosen,
                symbols=tuple(sorted(symbols)),
                rules={s: settings.rules_for(s) for s in sorted(symbols)},
                quote_asset=settings.account.quote_asset,
                backoff_base_ms=policy.backoff_base_ms,
                backoff_max_ms=policy.backoff_max_ms,
                entry_timeout_ms=policy.entry_timeout_ms,
            ),
            runtime=runtime,
            on_plan=record,
            on_cycle=progress,
        )
        if notices is not None:
            runner.manager.watch(notices.orders.on_event)
        restore = on_runner(runner) if on_runner is not None else None
        try:
            result = runner.run()
        except Exception as error:
            if notices is not None:
                notices.error(error)
            raise
        finally:
            if restore is not None:
                restore()
            if notices is not None:
                notices.close()
        if bar is not None:
            bar.update(result.cycles)
            bar.close()
        metrics, identity = summarise_run(
            result,
            blueprint=blueprint,
            data=data,
            run_id=chosen,
            mode="paper",
            fingerprint=fingerprint,
            exposure=result.exposed_bars / result.cycles if result.cycles else 0.0,
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
        overlays=price_level_workers(blueprint.settings.workers, run.kernel.spec.workers),
    )
    return PaperOutcome(
        run_id=chosen,
        result=result,
        metrics=metrics,
        identity=identity,
        data=tuple(data),
        db_path=stores.db_path,
        outputs=outputs,
        seconds=time.monotonic() - started,
        slept_ms=counting.total_ms,
    )
