"""Runner-managed protective triggers on a USDⓈ-M perpetual account, through ccxt's real
`binanceusdm` class against the loopback fake venue (no order lists there): the kernel
opens a short with a stop-loss; a later bar whose HIGH crosses the stop sends one
reduce-only market BUY for exactly the short, also across a restart between the fill and
the trigger; a long's stop on the same account sells exactly the long."""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.integration.ccxt.fake_binance_usdm import FakeBinanceUsdm
from tests.integration.live.live_venue import LIMIT_EXECUTION, kline
from tests.integration.live.perp_venue import (
    HOUR_MS,
    MARKET,
    fall_then_rise,
    usdm_venue,
    write_perpetual_config,
)
from tests.integration.live.runner_wiring import ShiftedClock

from tradekernel.bootstrap.live_job import LiveWiring, load_live
from tradekernel.bootstrap.live_session import open_session
from tradekernel.shared.ids import protective_order_id

__all__ = ["usdm_venue"]

ORDER = ("POST", "/fapi/v1/order")
FIXED_RR = '[[planners.exit]]\ntype = "fixed_rr"\nstop_pct = "0.01"\nrisk_reward = "2"'
NO_EXIT = '[[planners.exit]]\ntype = "none"'
ENTRY_LIMIT = '[[planners.entry]]\ntype = "patient_limit"'
SHORT = Decimal("-0.01")
# The short opens at 49000: its 1 % stop is ABOVE, at 49490; its target below, at 48020.
STOP_CROSSED_HIGH = "49600"


def _open(
    tmp_path: Path, venue: FakeBinanceUsdm, clock: ShiftedClock, *, limit: bool = False
) -> LiveWiring:
    """Open a live session; with `limit`, patient limit entries timing out after a minute,
    their filled part closed (rollback)."""
    config = write_perpetual_config(tmp_path, venue.base_url, allow_short=True)
    for path in tmp_path.glob("*.toml"):
        text = path.read_text().replace(NO_EXIT, FIXED_RR)
        if limit and "[blueprint]" in text:
            text = text.replace('order_type = "market"', 'order_type = "limit"')
            text = text.replace('[[planners.entry]]\ntype = "market"', ENTRY_LIMIT)
            text += LIMIT_EXECUTION.format(timeout=60_000, rollback="close")
        path.write_text(text)
    return open_session(load_live(config), live=True, clock=clock)


@pytest.fixture
def short_venue(usdm_venue: FakeBinanceUsdm) -> FakeBinanceUsdm:
    falling, _ = fall_then_rise(usdm_venue.now_ms())
    usdm_venue.klines[MARKET] = falling
    usdm_venue.prices[MARKET] = Decimal("49000")
    return usdm_venue


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
def session(
    tmp_path: Path, short_venue: FakeBinanceUsdm, clock: ShiftedClock
) -> Iterator[LiveWiring]:
    wiring = _open(tmp_path, short_venue, clock)
    try:
        wiring.runner.start()
        yield wiring
    finally:
        wiring.close()


def _a_bar_crosses_the_stop(venue: FakeBinanceUsdm, clock: ShiftedClock) -> None:
    """Close two bars after the decision bar, the second after the entry filled, its high
    crossing the short's stop (its close under the stop, not crossing the averages up)."""
    rows: list[list[Any]] = venue.klines[MARKET]
    rows.append(kline(rows[-1][0] + HOUR_MS, "49000"))
    row = kline(rows[-1][0] + HOUR_MS, "49000")
    row[2], row[3] = STOP_CROSSED_HIGH, "48900"  # high, low
    rows.append(row)
    clock.shift_ms += HOUR_MS
    venue.prices[MARKET] = Decimal(STOP_CROSSED_HIGH)


def _sent(venue: FakeBinanceUsdm) -> list[dict[str, str]]:
    return [request.params for request in venue.calls(*ORDER)]


def test_a_shorts_stop_crossed_by_the_bars_high_buys_back_exactly_the_short_once(
    session: LiveWiring, short_venue: FakeBinanceUsdm, clock: ShiftedClock
) -> None:
    (entry,) = session.runner.cycle().submitted
    assert short_venue.positions[MARKET][0] == SHORT
    session.runner.cycle()
    assert len(_sent(short_venue)) == 1  # nothing rests at the venue, nothing touched yet
    _a_bar_crosses_the_stop(short_venue, clock)
    report = session.runner.cycle()
    exit_id = protective_order_id(entry, 0)
    assert report.submitted == (exit_id,)
    _, bought = _sent(short_venue)
    assert (bought["newClientOrderId"], bought["side"], bought["type"]) == (
        exit_id,
        "BUY",
        "MARKET",
    )
    assert (bought["quantity"], bought["reduceOnly"]) == ("0.01", "true")
    assert short_venue.positions[MARKET][0] == 0
    clock.shift_ms += 60_000
    session.runner.cycle()
    assert len(_sent(short_venue)) == 2  # once: the exit ended, the entry is forgotten


def test_a_restart_between_the_fill_and_the_trigger_still_fires_once(
    tmp_path: Path, short_venue: FakeBinanceUsdm, clock: ShiftedClock
) -> None:
    first = _open(tmp_path, short_venue, clock)
    try:
        first.runner.start()
        (entry,) = first.runner.cycle().submitted
    finally:
        first.close()
    assert short_venue.positions[MARKET][0] == SHORT
    _a_bar_crosses_the_stop(short_venue, clock)
    second = _open(tmp_path, short_venue, clock)
    try:
        second.runner.start()
        second.runner.cycle()
        second.runner.cycle()
    finally:
        second.close()
    _, bought = _sent(short_venue)
    assert bought["newClientOrderId"] == protective_order_id(entry, 0)
    assert (bought["side"], bought["quantity"], bought["reduceOnly"]) == ("BUY", "0.01", "true")
    assert short_venue.positions[MARKET][0] == 0
    assert len(_sent(short_venue)) == 2


def test_a_longs_stop_crossed_by_the_bars_low_sells_exactly_the_long_reduce_only(
    tmp_path: Path, usdm_venue: FakeBinanceUsdm, clock: ShiftedClock
) -> None:
    usdm_venue.prices[MARKET] = Decimal("51000")  # the long's 1 % stop is at 50490
    wiring = _open(tmp_path, usdm_venue, clock)
    try:
        wiring.runner.start()
        (entry,) = wiring.runner.cycle().submitted
        assert usdm_venue.positions[MARKET][0] == Decimal("0.01")
        rows: list[list[Any]] = usdm_venue.klines[MARKET]
        # The next bar (closing after the fill): its low crosses the stop.
        row = kline(rows[-1][0] + HOUR_MS, "51000")
        row[2], row[3] = "51100", "50400"  # high, low
        rows.append(row)
        clock.shift_ms += HOUR_MS
        usdm_venue.prices[MARKET] = Decimal("50400")
        wiring.runner.cycle()
        wiring.runner.cycle()
    finally:
        wiring.close()
    _, sold = _sent(usdm_venue)
    assert sold["newClientOrderId"] == protective_order_id(entry, 0)
    assert (sold["side"], sold["quantity"], sold["reduceOnly"]) == ("SELL", "0.01", "true")
    assert usdm_venue.positions[MARKET][0] == 0


def test_a_rollback_of_a_partly_filled_short_entry_buys_back_exactly_the_filled_part(
    tmp_path: Path, short_venue: FakeBinanceUsdm, clock: ShiftedClock
) -> None:
    wiring = _open(tmp_path, short_venue, clock, limit=True)
    try:
        wiring.runner.start()
        (entry,) = wiring.runner.cycle().submitted
        assert _sent(short_venue)[0]["side"] == "SELL"
        short_venue.fill(entry, Decimal("0.004"))
        wiring.runner.cycle()
        assert short_venue.positions[MARKET][0] == Decimal("-0.004")
        clock.shift_ms += 61_000  # the entry times out: cancelled, the filled part closed
        wiring.runner.cycle()
        (follow_up,) = wiring.runner.supervisor.follow_ups
        assert follow_up.kind == "rollback"
    finally:
        wiring.close()
    rollback = _sent(short_venue)[-1]
    assert (rollback["side"], rollback["quantity"], rollback["reduceOnly"]) == (
        "BUY",
        "0.004",
        "true",
    )
    assert short_venue.positions[MARKET][0] == 0
