"""The live leg of the parity test: the live runner against a loopback Binance (ccxt's real
class) whose matching is the backtest venue's, fed the same bars as the test's clock
passes each bar's close, must plan the cycles it runs with the backtest's plan hashes,
and a replay of the recorded live session must re-plan every cycle identically.

The live leg runs a prefix of the data (about a day of 5m bars, with the first venue
refusal, a backoff skip, TWAP limit entries, a partial exit, a trailing stop and the
drawdown threat in it): each live cycle costs a dozen loopback HTTP requests.
"""

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import attrs
import numpy as np
import pytest
from tests.integration.ccxt.conftest import API_KEY, API_SECRET
from tests.integration.parity.backtest_binance import BacktestBinance
from tests.integration.parity.parity_legs import (
    BLUEPRINT,
    REFUSED,
    bars,
    behaviour,
    blueprint,
    first_divergence,
    hashes,
    recorded_plans,
)

from tradekernel.adapters.data.report import LoadedBars
from tradekernel.bootstrap.backtest_job import run_backtest, venue_settings
from tradekernel.bootstrap.blueprints import load
from tradekernel.bootstrap.container import configured
from tradekernel.bootstrap.live_job import LiveWiring, load_live
from tradekernel.bootstrap.live_session import open_session
from tradekernel.domain.ports.journal import JournalEntry
from tradekernel.orchestration.cycle.replay import replay_entries
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel

BAR_MS = 300_000
# Bars served before the first live cycle (the planner's window), then bars run live: a
# prefix of the data long enough for a rejection, a backoff skip, TWAP slices and exits.
WARM_UP = 45
LIVE_BARS = 280
MARKETS = {"ETHBTC": ("ETH/BTC", "ETH", "BTC"), "TRXWBTC": ("TRX/WBTC", "TRX", "WBTC")}

LIVE_CONFIG = """
blueprint = "parity.toml"
mode = "live"
db = "bot.db"
bot_id = "parity"
cycle_seconds = 0.0
reconcile_seconds = 86400.0
window = 60

[ccxt]
api_base_url = "{base_url}"
timeout_ms = 5000
enable_rate_limit = false

[ccxt.retry]
base_delay_s = 0.05
max_delay_s = 0.2
rate_limit_min_s = 0.1
lookup_window_s = 1.0
lookup_interval_s = 0.2
"""


class BarClock:
    """The market time the test sets: each cycle runs at a bar's close plus an offset.

    Frozen between sets, so every cycle sees exactly the time the test chose (the ccxt
    adapter reads it only to bound lookups after an ambiguous submit, which this venue
    never causes).
    """

    def __init__(self) -> None:
        self.ms = 0

    def now_ms(self) -> int:
        return self.ms


@attrs.frozen(kw_only=True, eq=False)
class LiveLeg:
    """What the live leg left: its recorded cycles, the venue, and the last bar run."""

    recorded: list[JournalEntry]
    session_id: str
    venue: BacktestBinance
    last_ms: int
    directory: Path


@pytest.fixture(scope="module")
def live_leg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveLeg]:
    """Run the live runner once over the first bars, one cycle 1 ms after each bar's close."""
    yield from _run_live(tmp_path_factory.mktemp("live-parity"), LIVE_BARS, lambda _: 1)


def _run_live(directory: Path, count: int, offset_ms: Callable[[int], int]) -> Iterator[LiveLeg]:
    clock = BarClock()
    venue = BacktestBinance(
        api_key=API_KEY,
        secret=API_SECRET,
        settings=venue_settings(blueprint().settings),
        markets=MARKETS,
        bar_ms=BAR_MS,
        market_clock=clock.now_ms,
        # The venue lists TRX/WBTC in WBTC: a balance of it lets the planner's gates pass
        # the entries on to the venue, which refuses them (its account is in BTC), as the
        # backtest venue does offline.
        extra_balances={"WBTC": Decimal(1)},
    ).start()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRADEKERNEL_API_KEY", API_KEY)
        patch.setenv("TRADEKERNEL_API_SECRET", API_SECRET)
        try:
            wiring = _wire(directory, venue, clock)
            try:
                last_ms = _drive(wiring, venue, clock, count, offset_ms)
            finally:
                wiring.close()
            yield LiveLeg(
                recorded=recorded_plans(directory / "bot.db", wiring.session_id),
                session_id=wiring.session_id,
                venue=venue,
                last_ms=last_ms,
                directory=directory,
            )
        finally:
            venue.stop()


def _drive(
    wiring: LiveWiring,
    venue: BacktestBinance,
    clock: BarClock,
    count: int,
    offset_ms: Callable[[int], int],
) -> int:
    data = {item.series.symbol: item.series for item in bars()}
    timeline = np.unique(np.concatenate([s.ts_ms for s in data.values()]))
    for index, ts in enumerate(timeline[: WARM_UP + count].tolist()):
        # The clock passes the bar's close: the venue matches it, the runner sees it.
        clock.ms = ts + BAR_MS + offset_ms(index)
        for _, series in sorted(data.items()):
            at = int(np.searchsorted(series.ts_ms, ts))
            if at < len(series) and int(series.ts_ms[at]) == ts:
                venue.close_bar(series.bar_at(at))
        if index == WARM_UP:
            wiring.runner.start()
        if index >= WARM_UP:
            wiring.runner.cycle()
    return int(timeline[WARM_UP + count - 1])


def _wire(directory: Path, venue: BacktestBinance, clock: BarClock) -> LiveWiring:
    (directory / "parity.toml").write_text(BLUEPRINT.read_text())
    config = directory / "live.toml"
    config.write_text(LIVE_CONFIG.format(base_url=venue.base_url))
    return open_session(load_live(config), live=True, clock=clock)


def _kernel() -> PlanningKernel:
    loaded, catalog = load(BLUEPRINT)
    return build_kernel(loaded.settings, catalog)


def backtest_plans(
    directory: Path, run_id: str, blueprint_path: Path, data: list[LoadedBars]
) -> list[JournalEntry]:
    """Run the dense backtest of `blueprint_path` on `data` and return its recorded plans."""
    db = directory / "dense.db"
    container = configured(mode="backtest", db_path=db, blueprint_path=blueprint_path)
    try:
        run_backtest(
            container.recorded_run_parts(),
            data,
            out_dir=None,
            dense=True,
            run_id=run_id,
            progress_stream=None,
        )
    finally:
        container.shutdown_resources()
    return recorded_plans(db, run_id)


def _assert_plans_like_the_backtest(leg: LiveLeg) -> list[JournalEntry]:
    return assert_live_plans_like_the_backtest(
        leg.recorded, leg.directory, leg.last_ms, BLUEPRINT, bars()
    )


def assert_live_plans_like_the_backtest(
    recorded: list[JournalEntry],
    directory: Path,
    last_ms: int,
    blueprint_path: Path,
    data: list[LoadedBars],
) -> list[JournalEntry]:
    """Assert a live session planned its cycles up to `last_ms` with the backtest's hashes."""
    # The live runner records every cycle; the cycle runner those with a directive or an
    # intent: compare those. Client order ids derive from the run id: the backtest takes
    # the live bot's.
    live = [entry for entry in recorded if _decided(entry)]
    loaded, _ = load(blueprint_path)
    run_id = f"live-parity-{loaded.config_hash[:8]}"
    expected = [
        e
        for e in backtest_plans(directory, run_id, blueprint_path, data)
        if e.cycle_ts_ms <= last_ms
    ]
    assert len(expected) > 1
    assert hashes(live) == hashes(expected), first_divergence(expected, live)
    return live


def _decided(entry: JournalEntry) -> bool:
    plan = json.loads(entry.plan_json)
    return bool(plan["directives"] or plan["intents"])


def test_live_runner_on_a_backtest_matching_venue_plans_like_the_backtest(
    live_leg: LiveLeg,
) -> None:
    assert len(live_leg.recorded) == LIVE_BARS
    live = _assert_plans_like_the_backtest(live_leg)
    # The bars run live hold every feature the comparison is about.
    seen = behaviour(live)
    assert seen.drawdown_threat_cycles > 0
    venue = live_leg.venue
    sent = {request.params["newClientOrderId"] for request in venue.calls("POST", "/api/v3/order")}
    taken = {order.client_order_id for order in venue.venue.open_orders()} | {
        fill.client_order_id for fill in venue.venue.own_trades()
    }
    assert set(seen.partial_exits) & taken
    assert set(seen.trailing_stops) & taken
    assert set(seen.twap_slices) & set(seen.limit_entries) & taken
    refused = {cid for _, cid in seen.refused_entries} & sent
    assert refused
    assert not refused & taken
    first = min(ts for ts, cid in seen.refused_entries if cid in refused)
    assert any(ts > first and symbol == REFUSED for ts, symbol in seen.backoff_skips)


def test_replay_of_the_recorded_live_session_replans_every_cycle_identically(
    live_leg: LiveLeg,
) -> None:
    data = {item.series.symbol: item.series for item in bars()}
    report = replay_entries(_kernel(), live_leg.recorded, data, run_id=live_leg.session_id)
    assert report.mismatch is None, report.mismatch
    assert report.cycles == len(live_leg.recorded)


def test_live_cycles_running_a_millisecond_earlier_after_a_close_still_plan_alike(
    tmp_path: Path,
) -> None:
    # A bot's cycles never land at the same offset after each close: here 2 ms after the
    # entry's bar (index 50, where the TWAP slices are held), 1 ms after the others.
    legs = _run_live(tmp_path, 12, lambda index: 2 if index % 2 == 0 else 1)
    leg = next(legs)
    try:
        _assert_plans_like_the_backtest(leg)
    finally:
        legs.close()
