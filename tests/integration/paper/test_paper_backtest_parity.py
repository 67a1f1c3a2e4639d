"""A paper replay at speed 0 trades and plans exactly like a backtest of the same bars.

Same blueprint, same real bars, same run id: the trades (symbol, side, times, prices,
quantity, fees, pnl), the fills, the sequence of plan hashes and the equity curve (bit
for bit) agree with both the dense and the sparse backtest, although the paper run goes
through the OMS and an SQLite event store and rebuilds its indicators as bars arrive.
"""

from collections.abc import Sequence
from pathlib import Path

import pytest
from dependency_injector import providers
from tests.integration.backtest.backtest_blueprints import (
    MANAGED,
    SMA_CROSS_BTC,
    TWAP_LIMIT,
    kernel_for,
    load_text,
    run_engine,
    toml_list,
)

from tradekernel.adapters.config.blueprint_loader import LoadedBlueprint
from tradekernel.adapters.data.loader import load_bars
from tradekernel.adapters.data.report import LoadedBars
from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.order_event_store import SqliteOrderEventStore
from tradekernel.adapters.sqlite.run_reader import SqliteRunReader
from tradekernel.bootstrap.container import configured
from tradekernel.bootstrap.paper_job import PaperOutcome, run_paper
from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.trades import ClosedTrade

DATA = Path(__file__).resolve().parents[2] / "data"
ETH_BTC = DATA / "binance_ETH-BTC_1h.csv"
RUN_ID = "parity-run"


def _eth() -> list[LoadedBars]:
    return [load_bars(ETH_BTC, "ETH/BTC")]


def _paper(blueprint: LoadedBlueprint, data: Sequence[LoadedBars], db: Path) -> PaperOutcome:
    container = configured(mode="paper", db_path=db)
    container.blueprint.override(providers.Object(blueprint))
    container.kernel.override(providers.Object(kernel_for(blueprint)))
    try:
        return run_paper(
            container.recorded_run_parts(), data, out_dir=None, run_id=RUN_ID, progress_stream=None
        )
    finally:
        container.shutdown_resources()


def _trade_rows(trades: Sequence[ClosedTrade]) -> list[tuple[object, ...]]:
    return [
        (
            t.symbol,
            t.side,
            t.entry_time_ms,
            t.entry_price,
            t.exit_time_ms,
            t.exit_price,
            t.qty,
            t.fees,
            t.pnl,
        )
        for t in trades
    ]


BLUEPRINTS = {
    "sma_cross": SMA_CROSS_BTC.format(symbols=toml_list(["ETH/BTC"]), quantity="10"),
    "managed": MANAGED.format(
        timeframe="1h",
        symbols=toml_list(["ETH/BTC"]),
        quote="BTC",
        cash="1000",
        quantity="10",
        atr_threshold="0.01",
    ),
    "twap_limit": TWAP_LIMIT.format(
        timeframe="1h",
        symbols=toml_list(["ETH/BTC"]),
        quote="BTC",
        cash="1000",
        quantity="10",
        duration_ms=3 * 3_600_000,
    ),
}


@pytest.mark.parametrize("name", sorted(BLUEPRINTS))
def test_paper_replay_matches_dense_and_sparse_backtest_on_binance_eth_btc(
    tmp_path: Path, name: str
) -> None:
    blueprint = load_text(tmp_path, name, BLUEPRINTS[name])
    dense = run_engine(blueprint, _eth(), dense=True, run_id=RUN_ID)
    sparse = run_engine(blueprint, _eth(), dense=False, run_id=RUN_ID)
    paper = _paper(blueprint, _eth(), tmp_path / "paper.db").result

    # The data must make the strategy trade, or the comparison proves nothing.
    assert len(dense.closed_trades) >= 3
    assert dense.rejections == ()
    for backtest in (dense, sparse):
        assert _trade_rows(paper.closed_trades) == _trade_rows(backtest.closed_trades)
        assert paper.fills == backtest.fills
        assert paper.plan_hashes == backtest.plan_hashes
        assert paper.run_plan_hash == backtest.run_plan_hash
        assert paper.open_trades == backtest.open_trades
        assert paper.fees == backtest.fees
        assert paper.final_equity == backtest.final_equity
    assert paper.cycles == dense.bars
    assert paper.equity.tobytes() == dense.equity.tobytes()
    assert paper.equity_ts.tobytes() == dense.equity_ts.tobytes()
    assert [(o.client_order_id, o.status, o.filled_quantity) for o in paper.orders] == [
        (o.client_order_id, o.status, o.filled_quantity) for o in dense.orders
    ]


def test_paper_replay_records_plans_contexts_and_order_events_in_sqlite(tmp_path: Path) -> None:
    blueprint = load_text(tmp_path, "sma", BLUEPRINTS["sma_cross"])
    db = tmp_path / "paper.db"
    outcome = _paper(blueprint, _eth(), db)
    connection = connect(db)
    try:
        entries = SqliteRunReader(connection).plans(RUN_ID)
        events = SqliteOrderEventStore(connection).all_events()
        equity = SqliteRunReader(connection).equity(RUN_ID)
    finally:
        connection.close()
    assert [(e.cycle_ts_ms, e.plan_hash) for e in entries] == list(outcome.result.plan_hashes)
    assert all(e.context_json.startswith("{") for e in entries)
    # Every order starts with CREATED, stored before the venue heard of it.
    by_order: dict[str, list[OrderStatus]] = {}
    for event in events:
        by_order.setdefault(event.client_order_id, []).append(event.kind)
    assert by_order
    assert all(kinds[0] is OrderStatus.CREATED for kinds in by_order.values())
    assert {o.client_order_id for o in outcome.result.orders} == set(by_order)
    assert all(kinds[-1] is OrderStatus.FILLED for kinds in by_order.values())
    # One telemetry snapshot per cycle, in market time.
    assert len(equity) == outcome.result.cycles
    assert equity[0].ts_ms == int(outcome.result.equity_ts[0])
