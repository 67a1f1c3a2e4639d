"""Klines that stop advancing, through ccxt's real Binance class: the runner stops opening
positions (the plan's entry is skipped, nothing is sent) and says so; when bars flow
again it says that too and the next entry goes out."""

import json
from pathlib import Path

from tests.integration.live.live_venue import HOUR_MS, LiveFakeBinance, crossing_klines
from tests.integration.live.runner_wiring import ShiftedClock, posted_ids, wire_live

from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.run_reader import SqliteRunReader
from tradekernel.bootstrap.live_job import LiveWiring


def _skips(db: Path) -> list[list[str | None]]:
    reader = SqliteRunReader(connect(db))
    return [
        [intent.get("skip_reason") for intent in json.loads(entry.plan_json)["intents"]]
        for run in reader.run_ids()
        for entry in reader.plans(run)
    ]


def test_stale_klines_stop_entries_until_bars_flow_again(
    tmp_path: Path, live_venue: LiveFakeBinance, built: list[LiveWiring]
) -> None:
    clock = ShiftedClock()
    run = wire_live(tmp_path, live_venue, clock, extra="stale_after_bars = 2")
    built.append(run)
    # The venue's newest closed bar is three hours behind the bot's clock.
    clock.shift_ms = 3 * HOUR_MS
    run.runner.start()
    first = run.runner.cycle()
    assert first.stop_new_orders and first.submitted == ()
    assert posted_ids(live_venue) == []
    (notice,) = run.runner.data_watch.take_notices()
    assert notice.startswith("market data stale") and "no new positions" in notice
    assert _skips(tmp_path / "bot.db") == [["stop_new_orders"]]  # planned, not sent
    # The venue catches up: a new closed bar crosses again, the entry goes out.
    live_venue.klines["BTCUSDT"] = crossing_klines(clock.now_ms())
    second = run.runner.cycle()
    assert not second.stop_new_orders
    assert run.runner.data_watch.take_notices() == [
        "market data flowing again: opening positions resumed"
    ]
    (coid,) = second.submitted
    assert posted_ids(live_venue) == [coid]
    summary = json.loads(run.runner.finish("test"))
    assert summary["stale_data_periods"] == 1 and summary["data_stale"] == 0
    assert summary["heartbeat_ms"] == second.now_ms
