"""A trailing stop that moves, in every offline mode: the stop is moved, never stacked.

SMA-cross entries on real ETH/BTC 5m bars (tests/data), managed by `position_management`
with a break-even and a trailing stop kept as a working stop order (`trail_order`). Each
leg (dense and sparse backtest, paper) must plan the same cycles with the same hashes,
move its stop by cancel-replace many times, let some stops fill, and never hold two
working stops of the symbol at once.
"""

import json
from collections.abc import Mapping
from pathlib import Path

import pytest
from tests.integration.parity.parity_legs import (
    DATA_DIR,
    hashes,
    recorded_plans,
    run_offline_legs,
)

from tradekernel.adapters.data.loader import load_bars
from tradekernel.bootstrap.cli import main
from tradekernel.domain.enums import OrderStatus, OrderType
from tradekernel.orchestration.cycle.result import RunResult

SYMBOL = "ETH/BTC"
RUN_ID = "moving-stops"
BLUEPRINT = """
[blueprint]
name = "moving_stops"
description = "SMA cross entries, break-even and a trailing stop order that moves"
timeframe = "5m"

[universe]
symbols = ["ETH/BTC"]

[account]
quote_asset = "BTC"
starting_cash = "1"

[fees]
maker = "0.0005"
taker = "0.001"
slippage_bps = "2"

[[context.workers]]
type = "sma"
key = "sma_fast"
period = 10

[[context.workers]]
type = "sma"
key = "sma_slow"
period = 30

[[context.workers]]
type = "donchian"
key = "don"
period = 20

[[signals.opportunities]]
type = "ma_crossover"
fast = "sma_fast"
slow = "sma_slow"

[[strategy.planners]]
type = "weighted"
use_context = false
w_weak = "0"
w_threat = "0"
entry_threshold = "0"
exit_confidence = "0.99"
quantity = "3"

[[strategy.planners]]
type = "position_management"
breakeven_trigger_pct = "0.005"
trail_pct = "0.01"
trail_column = "don.high"
trail_order = true

[[planners.entry]]
type = "market"

[[planners.exit]]
type = "none"

[[planners.routing]]
type = "immediate"

[allocation]
type = "budget"
"""
LEGS = ("dense", "sparse", "paper")


@pytest.fixture(scope="module")
def legs(tmp_path_factory: pytest.TempPathFactory) -> Mapping[str, tuple[RunResult, Path]]:
    directory = tmp_path_factory.mktemp("moving_stops")
    blueprint = directory / "moving_stops.toml"
    blueprint.write_text(BLUEPRINT)
    data = [load_bars(DATA_DIR / "bittrex_ETH-BTC_5m.csv", SYMBOL)]
    return run_offline_legs(directory, blueprint, data, RUN_ID)


def test_every_leg_plans_the_same_cycles_and_fills(
    legs: Mapping[str, tuple[RunResult, Path]],
) -> None:
    recorded = {name: hashes(recorded_plans(db, RUN_ID)) for name, (_, db) in legs.items()}
    assert len(recorded["dense"]) > 100
    assert recorded["sparse"] == recorded["dense"]
    assert recorded["paper"] == recorded["dense"]
    results = [result for result, _ in legs.values()]
    assert len({result.fills for result in results}) == 1
    assert len({result.final_equity for result in results}) == 1


@pytest.mark.parametrize("name", LEGS)
def test_the_stop_is_moved_by_cancel_replace_and_never_stacked(
    legs: Mapping[str, tuple[RunResult, Path]], name: str
) -> None:
    result, db = legs[name]
    moves: list[tuple[str, str]] = []
    for entry in recorded_plans(db, RUN_ID):
        working = json.loads(entry.context_json)["open_orders"]
        stops = [o for o in working if o["side"] == "sell" and o["order_type"] == "stop"]
        assert len(stops) <= 1, (entry.cycle_ts_ms, stops)
        for intent in json.loads(entry.plan_json)["intents"]:
            if intent.get("replaces") and not intent["skipped"]:
                moves.append((intent["replaces"], intent["client_order_id"]))
    assert len(moves) > 10
    orders = {order.client_order_id: order for order in result.orders}
    stops = [o for o in result.orders if o.order_type is OrderType.STOP]
    # Every move cancelled the stop it replaced; some stops were hit and sold.
    for replaced, _ in moves:
        assert orders[replaced].status in {OrderStatus.CANCELLED, OrderStatus.FILLED}
    assert sum(orders[r].status is OrderStatus.CANCELLED for r, _ in moves) > 10
    assert any(o.status is OrderStatus.FILLED for o in stops)
    assert sum(not o.status.is_terminal for o in stops) <= 1


def test_explain_shows_the_stop_a_moved_stop_replaced(
    legs: Mapping[str, tuple[RunResult, Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, db = legs["paper"]
    replaced, moved = next(
        (intent["replaces"], intent["client_order_id"])
        for entry in recorded_plans(db, RUN_ID)
        for intent in json.loads(entry.plan_json)["intents"]
        if intent.get("replaces") and not intent["skipped"]
    )
    assert main(["explain", moved, "--db", str(db), "--run", RUN_ID]) == 0
    out = capsys.readouterr().out
    assert f"replaces {replaced} (cancel-replace)" in out
