"""TWAP slices in a live run: each goes out at its own bar, as in the backtest and paper
runs, never all at once; a slice that falls due while its symbol backs off is dropped.

Slices fall due in bar time in every mode: a slice is sent by the first cycle whose last
closed bar is at or after its due time, so live sends it on the bar a backtest does."""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from tests.integration.ccxt.fake_binance import Fault
from tests.integration.live.live_venue import HOUR_MS, LiveFakeBinance, blueprint, kline
from tests.integration.live.runner_wiring import ShiftedClock, posted_ids, wire_live

from tradekernel.bootstrap.live_job import LiveWiring

IMMEDIATE = '[[planners.routing]]\ntype = "immediate"'
# Three slices one hourly bar apart.
TWAP = '[[planners.routing]]\ntype = "twap"\nslices = 3\nduration_ms = 10800000'


def next_bar(clock: ShiftedClock, venue: LiveFakeBinance) -> None:
    """Let an hour pass: one more flat bar closes (no new signal on it)."""
    clock.shift_ms += HOUR_MS
    rows = venue.klines["BTCUSDT"]
    rows.append(kline(rows[-1][0] + HOUR_MS, rows[-1][4]))


# A rejection keeps the symbol's entries back for two bars (in bar time, as in every mode).
BACKOFF = "\n[execution]\nbackoff_base_ms = 7200000\nbackoff_max_ms = 14400000\n"


@pytest.fixture
def run(tmp_path: Path, live_venue: LiveFakeBinance) -> Iterator[tuple[LiveWiring, ShiftedClock]]:
    strategy = blueprint() + BACKOFF
    assert IMMEDIATE in strategy
    clock = ShiftedClock()
    wiring = wire_live(tmp_path, live_venue, clock, strategy=strategy.replace(IMMEDIATE, TWAP))
    try:
        wiring.runner.start()
        yield wiring, clock
    finally:
        wiring.close()


def test_twap_slices_are_sent_when_due_in_slice_order(
    run: tuple[LiveWiring, ShiftedClock], live_venue: LiveFakeBinance
) -> None:
    wiring, clock = run
    first = wiring.runner.cycle()
    assert len(first.submitted) == 1 and first.pending == 2
    clock.shift_ms += 30_000  # time passes, but no bar closes: slice 2 waits for its bar
    early = wiring.runner.cycle()
    assert (early.submitted, early.pending) == ((), 2)
    next_bar(clock, live_venue)
    second = wiring.runner.cycle()
    assert (len(second.submitted), second.pending) == (1, 1)
    next_bar(clock, live_venue)
    third = wiring.runner.cycle()
    assert (len(third.submitted), third.pending, third.dropped) == (1, 0, ())
    sent = [*first.submitted, *second.submitted, *third.submitted]
    assert posted_ids(live_venue) == sent  # one request per slice, in slice order
    quantities = [Decimal(p.params["quantity"]) for p in live_venue.calls("POST", "/api/v3/order")]
    assert sum(quantities) == Decimal("0.01")
    next_bar(clock, live_venue)
    assert wiring.runner.cycle().submitted == ()  # nothing is sent twice


def test_a_slice_due_during_the_symbols_rejection_backoff_is_dropped(
    run: tuple[LiveWiring, ShiftedClock], live_venue: LiveFakeBinance
) -> None:
    wiring, clock = run
    live_venue.script(
        Fault(
            kind="status",
            method="POST",
            path="/api/v3/order",
            status=400,
            body={"code": -1013, "msg": "Filter failure: LOT_SIZE"},
        )
    )
    first = wiring.runner.cycle()  # slice 1 is rejected: the symbol starts backing off
    assert len(first.submitted) == 1 and first.pending == 2
    next_bar(clock, live_venue)
    second = wiring.runner.cycle()
    assert second.submitted == () and second.pending == 1
    ((dropped, why),) = second.dropped
    assert dropped not in first.submitted and why.startswith("rejection backoff until ")
    assert posted_ids(live_venue) == list(first.submitted)


def test_a_restart_names_the_slices_the_stopped_session_never_sent(
    tmp_path: Path, live_venue: LiveFakeBinance
) -> None:
    strategy = blueprint().replace(IMMEDIATE, TWAP)
    clock = ShiftedClock()
    first = wire_live(tmp_path, live_venue, clock, strategy=strategy)
    try:
        first.runner.start()
        report = first.runner.cycle()  # slice 1 sent, slices 2 and 3 waiting
        assert report.pending == 2
        assert first.unsent_slices == ()
    finally:
        first.close()
    again = wire_live(tmp_path, live_venue, clock, strategy=strategy)
    try:
        assert len(again.unsent_slices) == 2
        cycles = {cycle for cycle, _ in again.unsent_slices}
        unsent = [coid for _, coid in again.unsent_slices]
        assert len(cycles) == 1 and len(set(unsent)) == 2
        assert not set(unsent) & set(posted_ids(live_venue))
        assert set(report.submitted) == set(posted_ids(live_venue))
        # The new session does not plan that bar again (it resumes after it): none is sent.
        again.runner.start()
        assert again.runner.cycle().submitted == ()
    finally:
        again.close()
