"""A trailing stop that moves, live: the live runner through ccxt's real Binance class
against the loopback venue (the backtest's matching) moves its stop by cancel-replace
(`edit_order`) and never holds two stops, plans every cycle with the backtest's plan
hashes (its directives size from the position: the live fold reads a fill at its order's
decimal places, as the backtest books it), and a replay of the session re-plans it alike.
"""

import json
from collections.abc import Iterator

import pytest
from tests.integration.backtest.test_moving_stops import BLUEPRINT, SYMBOL
from tests.integration.parity.parity_legs import DATA_DIR
from tests.integration.parity.symbol_live_leg import SymbolData, SymbolLeg, run_symbol_live
from tests.integration.parity.test_live_parity import BAR_MS, WARM_UP

LIVE_BARS = 300
REPLACE = ("POST", "/api/v3/order/cancelReplace")


@pytest.fixture(scope="module")
def leg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SymbolLeg]:
    data = SymbolData(
        blueprint_name="moving_stops.toml",
        blueprint_text=BLUEPRINT,
        bars=DATA_DIR / "bittrex_ETH-BTC_5m.csv",
        symbol=SYMBOL,
        market=("ETHBTC", "ETH", "BTC"),
        bar_ms=BAR_MS,
    )
    directory = tmp_path_factory.mktemp("live-moving-stops")
    yield from run_symbol_live(directory, data, warm_up=WARM_UP, count=LIVE_BARS)


def test_the_live_stop_is_moved_by_edit_order_and_never_stacked(leg: SymbolLeg) -> None:
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
    assert leg.most_stops == 1  # read after every cycle: never two stops at once


def test_the_live_moving_stop_plans_like_the_backtest(leg: SymbolLeg) -> None:
    live = leg.assert_plans_like_the_backtest()
    # Stop moves (intents replacing a working stop, sized from the position) are compared.
    moves = [i for e in live for i in json.loads(e.plan_json)["intents"] if "replaces" in i]
    assert len(moves) >= 3


def test_replay_of_the_live_moving_stop_session_replans_every_cycle_identically(
    leg: SymbolLeg,
) -> None:
    leg.assert_replays_identically()
