"""`run_backtest` end to end on the bundled data: the SQLite records and the --out files."""

import csv
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

from backtest_blueprints import SMA_CROSS, coinbase_bars

from tradekernel.bootstrap.backtest_job import BacktestOutcome, run_backtest
from tradekernel.bootstrap.container import configured


def _backtest(db: Path, out: Path | None, *, dense: bool = False) -> BacktestOutcome:
    container = configured(mode="backtest", db_path=db, blueprint_path=SMA_CROSS)
    try:
        return run_backtest(
            container.recorded_run_parts(),
            [coinbase_bars()],
            out_dir=out,
            dense=dense,
            progress_stream=None,
        )
    finally:
        container.shutdown_resources()


def test_outputs_and_records_equal_the_engine_result(tmp_path: Path) -> None:
    outcome = _backtest(tmp_path / "runs.db", tmp_path / "out")
    result = outcome.result
    assert outcome.outputs is not None

    with outcome.outputs.trades_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(result.closed_trades) == 387
    for row, trade in zip(rows, result.closed_trades, strict=True):
        assert row["symbol"] == trade.symbol
        assert row["side"] == trade.side.value
        assert int(row["entry_time_ms"]) == trade.entry_time_ms
        assert int(row["exit_time_ms"]) == trade.exit_time_ms
        for field in ("entry_price", "exit_price", "qty", "fees", "pnl"):
            assert Decimal(row[field]) == getattr(trade, field), field

    summary = json.loads(outcome.outputs.summary_json.read_text(encoding="utf-8"))
    assert summary["plan_hash"] == result.run_plan_hash
    assert summary["run_id"] == outcome.run_id
    assert summary["trade_count"] == 387
    assert Decimal(summary["final_equity"]) == result.final_equity
    assert Decimal(summary["metrics"]["fees"]) == result.fees
    html = outcome.outputs.report_html.read_text(encoding="utf-8")
    assert result.run_plan_hash in html

    connection = sqlite3.connect(tmp_path / "runs.db")
    try:
        plans = connection.execute(
            "SELECT cycle_ts_ms, plan_hash FROM plans WHERE run_id = ? ORDER BY cycle_ts_ms",
            (outcome.run_id,),
        ).fetchall()
        fills = connection.execute(
            "SELECT COUNT(*) FROM fills WHERE run_id = ?", (outcome.run_id,)
        ).fetchone()[0]
        orders = connection.execute(
            "SELECT COUNT(*) FROM orders WHERE run_id = ?", (outcome.run_id,)
        ).fetchone()[0]
        equity = connection.execute(
            "SELECT COUNT(*) FROM equity WHERE run_id = ?", (outcome.run_id,)
        ).fetchone()[0]
        stored = connection.execute(
            "SELECT cycle_ts_ms, plan_json FROM plans WHERE run_id = ?", (outcome.run_id,)
        ).fetchall()
        indexed = connection.execute(
            "SELECT client_order_id, cycle_ts_ms FROM plan_orders WHERE run_id = ?",
            (outcome.run_id,),
        ).fetchall()
    finally:
        connection.close()
    # The job hands the journal the ids of `plan.intents`: they are the ids in the JSON.
    from_json = {
        (intent["client_order_id"], cycle)
        for cycle, text in stored
        for intent in json.loads(text)["intents"]
    }
    assert {tuple(row) for row in indexed} == from_json
    assert len(indexed) == len(from_json) >= len(result.orders)
    assert [tuple(row) for row in plans] == list(result.plan_hashes)
    assert fills == len(result.fills) == 2 * 387 + (1 if result.open_trades else 0)
    assert orders == len(result.orders)
    # 20,111 bars: recorded at a stride of 2 (at most 20,000 points), the last bar included.
    assert result.bars == 20111
    assert equity == 10056  # bars 0, 2, ..., 20110


def test_a_second_run_in_the_same_database_gets_a_new_run_id_and_the_same_plan_hash(
    tmp_path: Path,
) -> None:
    outcomes = [_backtest(tmp_path / "runs.db", None, dense=dense) for dense in (False, True)]
    assert outcomes[1].run_id == outcomes[0].run_id + "-2"
    # Client order ids derive from the run id, so plan hashes differ across run ids...
    assert outcomes[0].result.run_plan_hash != outcomes[1].result.run_plan_hash
    # ...but the trades do not.
    assert outcomes[0].result.closed_trades == outcomes[1].result.closed_trades


def test_every_recorded_order_is_stamped_with_the_bar_that_sent_it(tmp_path: Path) -> None:
    outcome = _backtest(tmp_path / "runs.db", None)
    with sqlite3.connect(tmp_path / "runs.db") as connection:
        rows = connection.execute(
            "SELECT o.client_order_id, o.created_ms, p.cycle_ts_ms FROM orders o "
            "JOIN plan_orders p ON p.client_order_id = o.client_order_id "
            "WHERE o.run_id = ? AND p.run_id = ?",
            (outcome.run_id, outcome.run_id),
        ).fetchall()
    assert len(rows) == len(outcome.result.orders) > 0
    # The market clock stamps an order with the bar time it was sent at (once 0 for an
    # order of a symbol whose bars the venue had not been fed yet).
    assert all(created == cycle for _, created, cycle in rows)
