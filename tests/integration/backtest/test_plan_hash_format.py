"""The bundled example's run plan hash, pinned under hash format 2, and its manifest."""

import sqlite3
from pathlib import Path

from backtest_blueprints import SMA_CROSS, coinbase_bars

from tradekernel.bootstrap.backtest_job import run_backtest
from tradekernel.bootstrap.container import configured
from tradekernel.orchestration.records.canonical import HASH_FORMAT_VERSION

# docs/backtesting.md, "Plan hashes and the hash-format version": format 1 gave this
# hash too (the plans are ASCII without floats, so both formats write the same bytes).
SMA_CROSS_RUN_PLAN_HASH_V2 = "08cf74f59ce6cc65ad7282e4cbae6e44e40d2f72a667c7fd1cb18063f18334c3"


def test_the_bundled_example_gives_the_documented_run_plan_hash_and_records_its_format(
    tmp_path: Path,
) -> None:
    db = tmp_path / "runs.db"
    container = configured(mode="backtest", db_path=db, blueprint_path=SMA_CROSS)
    try:
        outcome = run_backtest(
            container.recorded_run_parts(), [coinbase_bars()], out_dir=None, progress_stream=None
        )
    finally:
        container.shutdown_resources()
    assert HASH_FORMAT_VERSION == "2"
    assert outcome.result.run_plan_hash == SMA_CROSS_RUN_PLAN_HASH_V2
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT run_id, hash_format_version FROM runs").fetchall()
    assert rows == [(outcome.run_id, "2")]
