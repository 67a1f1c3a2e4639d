"""`run_backtest` end to end on the bundled data: the SQLite records and the --out files."""

import csv
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from backtest_blueprints import SMA_CROSS, coinbase_bars

from tradekernel.bootstrap.backtest_job import BacktestOutcome, run_backtest
from tradekernel.bootstrap.container import configured
from tradekernel.bootstrap.time_window import cut_to_window
from tradekernel.domain.errors import ConfigError
from tradekernel.shared.utc_time import parse_utc_time


def _backtest(
    db: Path,
    out: Path | None,
    *,
    dense: bool = False,
    run_id: str | None = None,
    replace: bool = False,
    end: str | None = None,
) -> BacktestOutcome:
    container = configured(mode="backtest", db_path=db, blueprint_path=SMA_CROSS)
    data = cut_to_window([coinbase_bars()], None, None if end is None else parse_utc_time(end))
    try:
        return run_backtest(
            container.recorded_run_parts(),
            data,
            out_dir=out,
            dense=dense,
            run_id=run_id,
            replace=replace,
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
        assert row["status"] == "closed"
        assert row["entry_order_id"] == trade.entry_order_id
        assert row["exit_order_id"] == trade.exit_order_id
        assert {row["entry_order_id"], row["exit_order_id"]} <= {
            order.client_order_id for order in result.orders
        }
        for field in ("entry_price", "exit_price", "qty", "fees", "pnl"):
            assert Decimal(row[field]) == getattr(trade, field), field

    summary = json.loads(outcome.outputs.summary_json.read_text(encoding="utf-8"))
    assert summary["plan_hash"] == result.run_plan_hash
    assert summary["run_id"] == outcome.run_id
    assert summary["metrics"]["trade_count"] == 387
    assert summary["metrics"]["final_equity"] == pytest.approx(float(result.final_equity))
    assert summary["metrics"]["fees"] == pytest.approx(float(result.fees))
    assert summary["strategy"] == "sma_cross"
    assert summary["symbols"] == ["BTC/USD"]
    assert summary["period_start"] == "2017-07-01T11:00:00Z"
    assert summary["period_end"] == "2019-10-17T09:00:00Z"
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


def test_a_second_derived_run_id_gets_a_suffix_and_the_same_trades(tmp_path: Path) -> None:
    outcomes = [_backtest(tmp_path / "runs.db", None, dense=dense) for dense in (False, True)]
    assert outcomes[1].run_id == outcomes[0].run_id + "-2"
    # Client order ids derive from the run id, so plan hashes differ across run ids...
    assert outcomes[0].result.run_plan_hash != outcomes[1].result.run_plan_hash

    # ...but the trades do not, apart from the ids of their orders.
    def without_ids(outcome: BacktestOutcome) -> list[object]:
        return [
            attrs.evolve(trade, entry_order_id="", exit_order_id="")
            for trade in outcome.result.closed_trades
        ]

    assert without_ids(outcomes[0]) == without_ids(outcomes[1])


def test_a_recorded_run_id_is_refused_unless_replaced_and_replacing_keeps_the_hash(
    tmp_path: Path,
) -> None:
    db = tmp_path / "runs.db"
    first = _backtest(db, None, run_id="myrun", end="2018-01-01")
    with pytest.raises(ConfigError, match=r"'myrun' is already recorded.*--replace"):
        _backtest(db, None, run_id="myrun", end="2018-01-01")
    again = _backtest(db, None, run_id="myrun", replace=True, end="2018-01-01")
    fresh = _backtest(tmp_path / "fresh.db", None, run_id="myrun", end="2018-01-01")
    assert again.run_id == "myrun"
    # Same inputs, same id: the same run plan hash as in a fresh database.
    assert first.result.run_plan_hash == again.result.run_plan_hash == fresh.result.run_plan_hash
    with sqlite3.connect(db) as connection:
        runs = connection.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
        plans = connection.execute("SELECT COUNT(*) FROM plans").fetchone()[0]
        fills = connection.execute("SELECT COUNT(*) FROM fills").fetchone()[0]
    assert runs == 1
    assert plans == len(again.result.plan_hashes)
    assert fills == len(again.result.fills)


def test_trades_csv_adds_up_to_the_equity_change_with_a_position_still_open(
    tmp_path: Path,
) -> None:
    # Cut where the SMA cross holds BTC: the last row is the open position, at the last close.
    outcome = _backtest(tmp_path / "runs.db", tmp_path / "out", end="2018-01-01T05:00")
    result = outcome.result
    assert outcome.outputs is not None
    assert len(result.open_trades) == 1
    with outcome.outputs.trades_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(result.closed_trades) + 1
    last = rows[-1]
    assert last["status"] == "open"
    assert last["exit_order_id"] == ""
    assert last["entry_order_id"] == result.open_trades[0].entry_order_id
    assert Decimal(last["exit_price"]) == result.final_marks["BTC/USD"]
    assert last["exit_time"] == "2018-01-01T04:00:00Z"
    # pnl is net of fees per row, so the rows sum to the equity change exactly.
    starting_cash = outcome.metrics.starting_cash
    assert sum(Decimal(row["pnl"]) for row in rows) == result.final_equity - starting_cash
    summary = json.loads(outcome.outputs.summary_json.read_text(encoding="utf-8"))
    assert summary["metrics"]["open_trade_count"] == 1


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
