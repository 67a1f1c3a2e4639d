"""The live job: assemble the runner from the container's parts (the venue, or paper
execution on the venue's live prices), guard the start, and run cycles until stopped.

The container (`bootstrap/container.py`, `live_session`) opens the store and builds the
ccxt adapters; this module only assembles orchestration objects from them. Keys come
from the environment only.
"""

import time
from collections.abc import Callable, Sequence

import attrs

from tradekernel.adapters.ccxt.config import MarketType
from tradekernel.adapters.ccxt.execution import CcxtExecution
from tradekernel.bootstrap.backtest_job import code_version
from tradekernel.bootstrap.live_config import LiveSettings, LoadedLive, load_live, store_path
from tradekernel.bootstrap.live_perpetual import check_perpetual, paper_venue, perpetual_watch
from tradekernel.bootstrap.run_checks import check_tradable
from tradekernel.bootstrap.wiring import LiveParts
from tradekernel.domain.errors import Banned, Fatal
from tradekernel.domain.live_policy import OrphanPolicy
from tradekernel.domain.market import Bar
from tradekernel.domain.ports.clock import Clock
from tradekernel.domain.ports.execution import ExecutionPort
from tradekernel.domain.ports.journal import RunManifest
from tradekernel.domain.ports.notifier import Notifier
from tradekernel.domain.ports.order_store import OrderEventStore
from tradekernel.domain.ports.simulation import SimulatedVenue
from tradekernel.domain.timeframes import timeframe_ms
from tradekernel.orchestration.cycle.backoff import RejectionBackoff
from tradekernel.orchestration.cycle.context_record import recorded_peak
from tradekernel.orchestration.cycle.delayed_slices import unsent_slices
from tradekernel.orchestration.live.dry_run import PaperRestore, restore_paper
from tradekernel.orchestration.live.order_notices import count_line
from tradekernel.orchestration.live.reconciliation import (
    Reconciler,
    ReconcileSettings,
    ReconciliationReport,
)
from tradekernel.orchestration.live.runner import LiveRunner, RunnerSettings
from tradekernel.orchestration.live.startup_guard import StartupRefused, notices
from tradekernel.orchestration.notify.live_feed import LiveNotifications
from tradekernel.orchestration.oms.order_manager import OmsSettings, OrderManager
from tradekernel.orchestration.records.canonical import HASH_FORMAT_VERSION
from tradekernel.orchestration.runtime.bot import BotRuntime
from tradekernel.orchestration.runtime.lifecycle import Lifecycle
from tradekernel.orchestration.runtime.trading_control import TradingStateControl
from tradekernel.shared.utc_time import utc_text

# The config's names, kept importable from here (the commands and tests read them here).
__all__ = [
    "LiveParts",
    "LiveSettings",
    "LiveWiring",
    "LoadedLive",
    "load_live",
    "reconcile_only",
    "run_live",
    "store_path",
    "wire",
]


def _manifest(loaded: LoadedLive, session_id: str, live: bool, now_ms: int) -> RunManifest:
    ccxt_settings = loaded.settings.ccxt
    return RunManifest(
        run_id=session_id,
        mode="live" if live else "dry-run",
        config_hash=loaded.config_hash,
        code_version=code_version(),
        data_fingerprint="",
        started_ms=now_ms,
        config_text=loaded.text,
        exchange=ccxt_settings.exchange_id,
        market_type=ccxt_settings.market_type.value,
        hash_format_version=HASH_FORMAT_VERSION,
    )


@attrs.define
class LiveWiring:
    """A wired live (or dry) run. `loop` is the runtime a stop request goes to (the signal
    handlers' target); `record_start` writes the run manifest once the start is not
    refused, so a refused start uses up no session number."""

    runner: LiveRunner
    reconciler: Reconciler
    execution: CcxtExecution
    close: Callable[[], None]
    session_id: str
    live: bool
    loop: BotRuntime
    clock: Clock
    on_stop: str = "keep"
    restored: PaperRestore | None = None
    # (cycle, client order id) of the previous session's delayed slices it never sent.
    unsent_slices: tuple[tuple[int, str], ...] = ()
    store: OrderEventStore | None = None
    # A perpetual account's margin mode and leverage, set once the guard let the run in.
    prepare: Callable[[], tuple[str, ...]] | None = None


def wire(
    parts: LiveParts,
    *,
    live: bool,
    orphans: OrphanPolicy | None = None,
    adopt_holdings: bool | None = None,
    record: bool = True,
) -> LiveWiring:
    """Assemble every object of a live (or dry) run; talks to the venue only to load markets.

    A dry run keeps its own store (`<db>-dry.<ext>`, see `store_path`; the container opens
    it), so its paper orders never meet the live venue's reconciliation. With
    `record=False` (the `reconcile` command) no run manifest is written.
    """
    loaded, blueprint, clock = parts.loaded, parts.blueprint, parts.clock
    s = loaded.settings
    settings = blueprint.settings
    # Only a live swap account can sell what it does not hold; a dry run is a spot paper
    # venue, or a perpetual one on a perpetual account.
    check_tradable(blueprint, can_short=live and s.ccxt.market_type is MarketType.SWAP)
    # A perpetual account: checked now (its position mode too), prepared after the guard.
    perpetual = check_perpetual(parts, live=live)
    terms = perpetual.terms if perpetual is not None else None
    symbols = settings.universe.symbols
    execution = parts.execution
    venue_rules = execution.symbol_rules()
    rules = {sym: venue_rules.get(sym) or settings.rules_for(sym) for sym in symbols}
    store = parts.stores.order_events
    venue: ExecutionPort = execution
    paper: SimulatedVenue | None = None
    restored: PaperRestore | None = None
    if not live:
        fresh = paper_venue(parts, terms)
        # A partly filled dry-run order continues with its stored fills (not from zero).
        restored = restore_paper(fresh, store.all_events(), continue_partial=True)
        paper = restored.venue or fresh
        venue = paper
    oms = OmsSettings(ambiguous_grace_ms=s.ambiguous_grace_ms)
    manager = OrderManager(store=store, venue=venue, clock=clock, settings=oms, pause=time.sleep)
    manager.rebuild()
    if live:
        # Trades name only the venue's order id, and a venue that forgot an order cannot
        # name it any more: seed the adapter with every pair the store knows.
        execution.remember_orders(
            (state.venue_order_id, state.client_order_id)
            for state in manager.orders()
            if state.venue_order_id
        )
    adopt = s.adopt_holdings if adopt_holdings is None else adopt_holdings
    watch = perpetual_watch(parts, perpetual, paper=paper, store=store, rules=rules, adopt=adopt)
    reconciler = Reconciler(
        manager=manager,
        venue=venue,
        store=store,
        settings=ReconcileSettings(
            symbols=symbols,
            bases={sym: r.base for sym, r in rules.items()},
            tolerance={sym: r.step_size for sym, r in rules.items()},
            orphans=orphans or s.orphans,
            adopt_holdings=adopt,
            vanish_passes=s.vanish_passes,
            vanish_grace_ms=s.vanish_grace_ms,
            client_id_prefix=s.client_id_prefix,
        ),
        position_gaps=watch.gaps if watch is not None else None,
    )
    bot_id = s.bot_id if live else f"{s.bot_id}-dry"
    run_id = f"live-{bot_id}-{blueprint.config_hash[:8]}"
    reader = parts.stores.reader
    sessions = [r for r in reader.run_ids() if r.startswith(run_id + "-s")]
    recorded = {r: reader.plans(r) for r in sessions}
    planned = [e.cycle_ts_ms for entries in recorded.values() for e in entries]
    session_id = f"{run_id}-s{len(sessions) + 1}"
    journal = parts.stores.journal

    def record_start() -> None:
        if record:
            journal.start_run(_manifest(loaded, session_id, live, clock.now_ms()))

    runtime = BotRuntime(config=s, bot_id=bot_id)
    loop = BotRuntime(config=None, bot_id=session_id)
    control = TradingStateControl(
        runtime=runtime, store=parts.stores.control, clock=clock, bot_id=bot_id
    )
    policy = settings.execution
    backoff = RejectionBackoff(
        store=parts.backoff_store, base_ms=policy.backoff_base_ms, max_ms=policy.backoff_max_ms
    )
    stop_file = loaded.file.parent / s.stop_file
    frame_ms = timeframe_ms(settings.timeframe, file=blueprint.file)

    def feed(bars: Sequence[Bar]) -> None:
        if paper is not None:
            for bar in bars:
                paper.on_bar(bar)

    runner = LiveRunner(
        settings=RunnerSettings(
            run_id=run_id,
            session_id=session_id,
            symbols=symbols,
            timeframe_ms=frame_ms,
            window=s.window,
            quote=settings.account.quote_asset,
            reconcile_every_ms=round(s.reconcile_seconds * 1000),
            resume_after_ms=max(planned) if planned else None,
            resume_peak_equity=recorded_peak(e for entries in recorded.values() for e in entries),
            stale_after_ms=round(s.stale_after_bars * frame_ms) or None,
            max_ban_wait_ms=round(s.max_ban_wait * 1000),
            client_id_prefix=s.client_id_prefix,
        ),
        kernel=parts.kernel,
        manager=manager,
        venue=venue,
        market=parts.market,
        store=store,
        journal=journal,
        control=control,
        stop_new_orders=stop_file.exists,
        backoff=backoff,
        reconciler=reconciler,
        policy=policy,
        rules=rules,
        clock=clock,
        on_bars=feed,
        incidents=execution if live else None,
        stopping=lambda: loop.stop_requested,
        # The manifest only once the guard let the start through: a refused start uses
        # up no session number.
        on_started=record_start,
        perpetual=watch,
    )
    runtime.start()

    def close() -> None:
        # The ccxt clients close even when the last flush fails (no "Unclosed client
        # session" after the real error).
        try:
            journal.flush()
        finally:
            parts.shutdown()

    # The last session's TWAP slices still waiting when it stopped are not sent now.
    previous = recorded[sessions[-1]] if sessions else []
    return LiveWiring(
        runner=runner,
        reconciler=reconciler,
        execution=execution,
        close=close,
        session_id=session_id,
        live=live,
        loop=loop,
        clock=clock,
        on_stop=s.on_stop,
        restored=restored,
        unsent_slices=tuple(unsent_slices(previous, lambda c: bool(store.events_for(c)))),
        store=store,
        prepare=perpetual.prepare if perpetual is not None else None,
    )


def run_live(
    wiring: LiveWiring,
    *,
    cycle_seconds: float,
    max_cycles: int | None,
    on_cycle: Callable[[str], None],
    on_loop: Callable[[Lifecycle], Callable[[], None]] | None = None,
    pause: Callable[[float], None] = time.sleep,
    notifier: Notifier | None = None,
) -> str:
    """Guard the start, then run cycles until a stop; return the run summary JSON.

    `notifier` (if any) hears of fills, rejections, trading-state changes, warnings, a
    refused start, a fatal error and each day's summary (`LiveNotifications`).

    `on_loop` points the stop signals at the loop (`signals.install_stop_handlers`) and
    returns what undoes that. A graceful stop finishes the cycle in flight, starts no new submit,
    cancels the working orders if the config says `on_stop = "cancel"`, and records
    the summary. A ban is waited out (nothing sent), then the venue is reconciled and the
    loop resumes; a ban lasting past `max_ban_wait` ends the run.

    Raises:
        StartupRefused: the venue holds what the store cannot explain.
        Fatal: the venue halted all traffic (refused keys, a ban past `max_ban_wait`);
            the run's summary records why before the error goes up.
    """
    runner = wiring.runner
    notes = (
        LiveNotifications(notifier, store=wiring.store, clock=wiring.clock)
        if notifier is not None and wiring.store is not None
        else None
    )
    try:
        return _run_session(
            wiring, runner, notes, cycle_seconds, max_cycles, on_cycle, on_loop, pause
        )
    except StartupRefused as error:
        if notes is not None:
            notes.refused(error)
        raise
    except Exception as error:
        if notes is not None:
            notes.failed(error)
        raise
    finally:
        if notes is not None:
            notes.close()


def _run_session(
    wiring: LiveWiring,
    runner: LiveRunner,
    notes: LiveNotifications | None,
    cycle_seconds: float,
    max_cycles: int | None,
    on_cycle: Callable[[str], None],
    on_loop: Callable[[Lifecycle], Callable[[], None]] | None,
    pause: Callable[[float], None],
) -> str:
    report = runner.start()
    on_cycle(
        f"startup reconciliation clean ({len(report.adopted)} adopted, "
        f"{len(report.cancelled)} cancelled)"
    )
    for line in notices(report):
        on_cycle(line)
    for line in wiring.prepare() if wiring.prepare is not None else ():
        on_cycle(line)
    for line in runner.perpetual.take_notices() if runner.perpetual else ():
        on_cycle(line)
    for notice in runner.take_notices():
        on_cycle(notice.line())
    loop = wiring.loop
    bans = runner.bans

    def wait(seconds: float) -> None:
        # In short naps, so a stop request ends the wait within a fraction of a second.
        end = time.monotonic() + seconds
        while not loop.stop_requested and (left := end - time.monotonic()) > 0:
            pause(min(left, 0.2))

    def step() -> bool:
        try:
            if bans.resume_due:
                resumed = runner.resume()
                bans.resumed()
                on_cycle(
                    f"ban over: venue reconciled ({len(resumed.adopted)} adopted, "
                    f"{len(resumed.cancelled)} cancelled), trading resumed"
                )
            cycle = runner.cycle()
            if notes is not None:
                notes.cycle(cycle)
        except Banned as error:
            ban = bans.on_ban(error, wiring.clock.now_ms())
            if ban is None:
                raise
            on_cycle(
                f"banned by the venue until {utc_text(ban.until_ms)}: waiting "
                f"{ban.wait_ms / 1000:.1f} s, sending nothing ({error})"
            )
            wait(ban.wait_ms / 1000)
            return True
        for notice in cycle.notices:
            on_cycle(notice.line())
        for line in runner.data_watch.take_notices():
            on_cycle(line)
        for line in runner.perpetual.take_notices() if runner.perpetual else ():
            on_cycle(line)
        skipped = f", skipped: {cycle.skipped}" if cycle.skipped else ""
        on_cycle(
            f"cycle {cycle.now_ms}: state {cycle.trading_state.value}, "
            f"sent {len(cycle.submitted)}, {count_line(cycle.counts)}{skipped}"
        )
        wait(cycle_seconds)
        return True

    lifecycle = Lifecycle(
        runtime=loop, step=step, persist=lambda reason: None, max_cycles=max_cycles
    )
    restore = on_loop(lifecycle) if on_loop is not None else None
    try:
        outcome = lifecycle.run()
        if wiring.on_stop == "cancel":
            for coid, why in runner.cancel_working():
                on_cycle(f"on stop: cancel {coid}: {why}")
    except Fatal as error:
        runner.finish(f"halted: {error}")
        raise
    finally:
        if restore is not None:
            restore()
    return runner.finish(outcome.stop_reason)


def reconcile_only(wiring: LiveWiring) -> ReconciliationReport:
    """Compare venue and store without trading or writing."""
    return wiring.reconciler.reconcile(int(time.time() * 1000), act=False)
