"""A restarted bot resumes the peak equity its earlier sessions planned with, so a drawdown
threat does not forget a drawdown because the process restarted."""

import json
import sqlite3
from decimal import Decimal
from pathlib import Path

from tests.integration.live.live_venue import LiveFakeBinance, write_config
from tests.integration.live.runner_wiring import ShiftedClock

from tradekernel.bootstrap.live_job import load_live
from tradekernel.bootstrap.live_session import open_session
from tradekernel.domain.ports.journal import JournalEntry
from tradekernel.orchestration.cycle.context_record import recorded_peak


def _peaks(db: Path, session_suffix: str) -> list[Decimal]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT context_json FROM plans WHERE run_id LIKE ? ORDER BY cycle_ts_ms",
            (f"%{session_suffix}",),
        ).fetchall()
    return [Decimal(json.loads(text)["peak_equity"]) for (text,) in rows]


def test_a_restarted_session_plans_with_the_peak_of_the_sessions_before_it(
    tmp_path: Path, live_venue: LiveFakeBinance
) -> None:
    clock = ShiftedClock()
    config = write_config(tmp_path, live_venue.base_url)
    db = tmp_path / "bot-dry.db"
    first = open_session(load_live(config), live=False, clock=clock)
    first.runner.start()
    first.runner.cycle()
    first.close()
    assert _peaks(db, "-s1") == [Decimal(100_000)]  # flat at the start: the cash
    # Say the first session had seen its equity at 250,000 (a drawdown since).
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE plans SET context_json = json_set(context_json, '$.peak_equity', '250000.0')"
            " WHERE run_id LIKE '%-s1'"
        )
    second = open_session(load_live(config), live=False, clock=clock)
    try:
        second.runner.start()
        second.runner.cycle()
        # The new session's market resumes from that peak: any plan it makes reads it.
        assert second.runner.market.valuation()[1] == Decimal("250000.0")
    finally:
        second.close()


def _entry(context: str) -> JournalEntry:
    return JournalEntry(
        run_id="r",
        cycle_ts_ms=1,
        plan_hash="h",
        plan_json="{}",
        context_json=context,
        client_order_ids=(),
    )


def test_the_recorded_peak_is_the_highest_and_damaged_records_name_none() -> None:
    entries = [
        _entry('{"peak_equity":"100.5"}'),
        _entry('{"peak_equity":"120.25"}'),
        _entry('{"peak_equity":null}'),
        _entry("not json"),
        _entry('{"peak_equity":"banana"}'),
    ]
    assert recorded_peak(entries) == Decimal("120.25")
    assert recorded_peak([]) is None
