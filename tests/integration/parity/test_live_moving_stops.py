"""A trailing stop that moves, live: the live runner through ccxt's real Binance class
against the loopback venue (the backtest's matching) moves its stop by cancel-replace
(`edit_order`) and never holds two stops, plans every cycle with the backtest's plan
hashes (its directives size from the position: the live fold reads a fill at its order's
decimal places, as the backtest books it), and a replay of the session re-plans it alike.
"""

import json
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from tests.integration.backtest.test_moving_stops import BLUEPRINT, SYMBOL
from tests.integration.ccxt.conftest import API_KEY, API_SECRET
from tests.integration.parity.backtest_binance import BacktestBinance
from tests.integration.parity.parity_legs import (
    DATA_DIR,
    recorded_plans,
)
from tests.integration.parity.test_live_parity import (
    BAR_MS,
    LIVE_CONFIG,
    WARM_UP,
    BarClock,
    assert_live_plans_like_the_backtest,
)

from tradekernel.adapters.data.loader import load_bars
from tradekernel.bootstrap.backtest_job import venue_settings
from tradekernel.bootstrap.blueprints import load
from tradekernel.bootstrap.live_job import load_live
from tradekernel.bootstrap.live_session import open_session
from tradekernel.domain.ports.journal import JournalEntry
from tradekernel.orchestration.cycle.replay import replay_entries
from tradekernel.orchestration.factory.kernel_factory import build_kernel

LIVE_BARS = 300
REPLACE = ("POST", "/api/v3/order/cancelReplace")


@attrs.frozen(kw_only=True, eq=False)
class Leg:
    recorded: list[JournalEntry]
    venue: BacktestBinance
    session_id: str
    directory: Path
    last_ms: int


@pytest.fixture(scope="module")
def leg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Leg]:
    directory = tmp_path_factory.mktemp("live-moving-stops")
    blueprint = directory / "moving_stops.toml"
    blueprint.write_text(BLUEPRINT)
    config = directory / "live.toml"
    clock = BarClock()
    loaded, _ = load(blueprint)
    venue = BacktestBinance(
        api_key=API_KEY,
        secret=API_SECRET,
        settings=venue_settings(loaded.settings),
        markets={"ETHBTC": (SYMBOL, "ETH", "BTC")},
        bar_ms=BAR_MS,
        market_clock=clock.now_ms,
    ).start()
    series = load_bars(DATA_DIR / "bittrex_ETH-BTC_5m.csv", SYMBOL).series
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRADEKERNEL_API_KEY", API_KEY)
        patch.setenv("TRADEKERNEL_API_SECRET", API_SECRET)
        try:
            config.write_text(
                LIVE_CONFIG.format(base_url=venue.base_url).replace("parity.toml", blueprint.name)
            )
            wiring = open_session(load_live(config), live=True, clock=clock)
            try:
                for index in range(WARM_UP + LIVE_BARS):
                    clock.ms = int(series.ts_ms[index]) + BAR_MS + 1
                    venue.close_bar(series.bar_at(index))
                    if index == WARM_UP:
                        wiring.runner.start()
                    if index >= WARM_UP:
                        wiring.runner.cycle()
            finally:
                wiring.close()
            recorded = recorded_plans(directory / "bot.db", wiring.session_id)
            yield Leg(
                recorded=recorded,
                venue=venue,
                session_id=wiring.session_id,
                directory=directory,
                last_ms=int(series.ts_ms[WARM_UP + LIVE_BARS - 1]),
            )
        finally:
            venue.stop()


def test_the_live_stop_is_moved_by_edit_order_and_never_stacked(leg: Leg) -> None:
    for entry in leg.recorded:
        working = json.loads(entry.context_json)["open_orders"]
        stops = [o for o in working if o["side"] == "sell" and o["order_type"] == "stop"]
        assert len(stops) <= 1, (entry.cycle_ts_ms, stops)
    moves = leg.venue.calls(*REPLACE)
    assert len(moves) >= 3
    placed = {r.params["newClientOrderId"] for r in leg.venue.calls("POST", "/api/v3/order")}
    for move in moves:
        # Each request moves a stop the bot placed or moved before, and names the new one.
        assert move.params["type"] == "STOP_LOSS"
        placed.add(move.params["newClientOrderId"])
    assert all(move.params["cancelOrigClientOrderId"] in placed for move in moves)
    stops = [o for o in leg.venue.venue.open_orders() if o.order_type.value == "stop"]
    assert len(stops) <= 1


def test_the_live_moving_stop_plans_like_the_backtest(leg: Leg) -> None:
    data = [load_bars(DATA_DIR / "bittrex_ETH-BTC_5m.csv", SYMBOL)]
    live = assert_live_plans_like_the_backtest(
        leg.recorded, leg.directory, leg.last_ms, leg.directory / "moving_stops.toml", data
    )
    # Stop moves (intents replacing a working stop, sized from the position) are compared.
    moves = [i for e in live for i in json.loads(e.plan_json)["intents"] if "replaces" in i]
    assert len(moves) >= 3


def test_replay_of_the_live_moving_stop_session_replans_every_cycle_identically(
    leg: Leg,
) -> None:
    loaded, catalog = load(leg.directory / "moving_stops.toml")
    data = {SYMBOL: load_bars(DATA_DIR / "bittrex_ETH-BTC_5m.csv", SYMBOL).series}
    report = replay_entries(
        build_kernel(loaded.settings, catalog), leg.recorded, data, run_id=leg.session_id
    )
    assert report.mismatch is None, report.mismatch
    assert report.cycles == len(leg.recorded)
