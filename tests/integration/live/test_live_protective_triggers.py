"""Runner-managed protective triggers in a live run through ccxt's real Binance class
against the loopback venue, the adapter told the venue books no order lists (as every
venue but Binance spot): no OCO rests at the venue; a later bar crossing the stop sends one
reduce-only market sell for the holding, once, also across a restart between the fill and
the trigger."""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.integration.live.live_venue import HOUR_MS, LiveFakeBinance, kline
from tests.integration.live.runner_wiring import POST_ORDER, ShiftedClock, event_kinds, wire_live
from tests.integration.live.test_live_protective_exits import HELD, POST_OCO, _strategy

from tradekernel.adapters.ccxt.execution import CcxtExecution
from tradekernel.bootstrap.live_job import LiveWiring
from tradekernel.domain.enums import OrderStatus
from tradekernel.shared.ids import protective_order_id

STOP_CROSSED = Decimal(50400)  # under the 1 % stop at 50490


@pytest.fixture
def venue(live_venue: LiveFakeBinance, monkeypatch: pytest.MonkeyPatch) -> LiveFakeBinance:
    monkeypatch.setattr(CcxtExecution, "books_order_lists", property(lambda self: False))
    live_venue.prices["BTCUSDT"] = Decimal(51000)  # the entry fills at the decision close
    return live_venue


def _session(tmp_path: Path, venue: LiveFakeBinance, clock: ShiftedClock) -> LiveWiring:
    return wire_live(tmp_path, venue, clock, strategy=_strategy())


def _a_bar_crosses_the_stop(venue: LiveFakeBinance, clock: ShiftedClock) -> None:
    """Close the bar after the decision bar with a low under the stop (close above it)."""
    rows: list[list[Any]] = venue.klines["BTCUSDT"]
    open_ms = rows[-1][0] + HOUR_MS
    row = kline(open_ms, "50900")
    row[2], row[3] = "51200", f"{STOP_CROSSED}"  # high, low
    rows.append(row)
    clock.shift_ms += HOUR_MS
    venue.prices["BTCUSDT"] = STOP_CROSSED


def _sells(venue: LiveFakeBinance) -> list[dict[str, str]]:
    return [r.params for r in venue.calls(*POST_ORDER) if r.params["side"] == "SELL"]


@pytest.fixture
def run(tmp_path: Path, venue: LiveFakeBinance) -> Iterator[tuple[LiveWiring, ShiftedClock]]:
    clock = ShiftedClock()
    wiring = _session(tmp_path, venue, clock)
    try:
        wiring.runner.start()
        yield wiring, clock
    finally:
        wiring.close()


def test_no_oco_rests_and_a_bar_crossing_the_stop_sells_the_holding_once(
    run: tuple[LiveWiring, ShiftedClock], venue: LiveFakeBinance, tmp_path: Path
) -> None:
    wiring, clock = run
    (entry,) = wiring.runner.cycle().submitted
    assert venue.orders[entry].status == "FILLED"
    wiring.runner.cycle()
    assert venue.calls(*POST_OCO) == [] and _sells(venue) == []
    _a_bar_crosses_the_stop(venue, clock)
    report = wiring.runner.cycle()
    exit_id = protective_order_id(entry, 0)
    assert report.submitted == (exit_id,)
    (sell,) = _sells(venue)
    assert (sell["newClientOrderId"], sell["type"]) == (exit_id, "MARKET")
    assert Decimal(sell["quantity"]) == HELD
    assert event_kinds(tmp_path / "bot.db", exit_id)[-1] is OrderStatus.FILLED
    assert wiring.runner.market.book().held("BTC/USDT") == 0
    wiring.runner.cycle()
    clock.shift_ms += 60_000
    wiring.runner.cycle()
    assert len(_sells(venue)) == 1 and venue.calls(*POST_OCO) == []


def test_a_restart_between_the_fill_and_the_trigger_still_triggers_once(
    tmp_path: Path, venue: LiveFakeBinance
) -> None:
    clock = ShiftedClock()
    first = _session(tmp_path, venue, clock)
    try:
        first.runner.start()
        (entry,) = first.runner.cycle().submitted
    finally:
        first.close()
    assert venue.orders[entry].status == "FILLED"
    _a_bar_crosses_the_stop(venue, clock)
    second = _session(tmp_path, venue, clock)
    try:
        second.runner.start()
        report = second.runner.cycle()
        second.runner.cycle()
    finally:
        second.close()
    exit_id = protective_order_id(entry, 0)
    assert report.submitted == (exit_id,)
    assert [s["newClientOrderId"] for s in _sells(venue)] == [exit_id]
    # A third session finds the exit stored and filled: nothing is sent again.
    third = _session(tmp_path, venue, clock)
    try:
        assert third.runner.start().orphans == ()
        third.runner.cycle()
        assert third.runner.market.book().held("BTC/USDT") == 0
    finally:
        third.close()
    assert len(_sells(venue)) == 1 and venue.calls(*POST_OCO) == []
