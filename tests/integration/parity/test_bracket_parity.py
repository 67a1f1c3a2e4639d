"""The one-kernel parity test on a blueprint with brackets (tests/integration/brackets/
sma_brackets.toml: an SMA cross whose entries get a stop-loss and a take-profit as one OCO):
dense and sparse backtests and a paper replay plan the same cycles, place the same
protective orders and close the same trades; a replay of each recorded leg re-plans every
cycle identically; paper's OMS records each protective order's life."""

from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import pytest
from tests.integration.brackets.test_reference_loop import BLUEPRINT, DATA, SYMBOL

from tradekernel.adapters.data.loader import load_bars
from tradekernel.bootstrap.backtest_job import run_backtest
from tradekernel.bootstrap.container import configured
from tradekernel.bootstrap.paper_job import run_paper
from tradekernel.bootstrap.replay_job import run_replay
from tradekernel.domain.enums import ExitReason, OrderStatus, OrderType
from tradekernel.orchestration.cycle.result import RunResult
from tradekernel.shared.ids import protected_entry_id

RUN_ID = "bracket-parity"


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bracket-parity")


@pytest.fixture(scope="module")
def legs(directory: Path) -> Mapping[str, RunResult]:
    bars = [load_bars(DATA, SYMBOL)]
    runs: dict[str, RunResult] = {}
    for name, dense in (("dense", True), ("sparse", False)):
        container = configured(
            mode="backtest", db_path=directory / f"{name}.db", blueprint_path=BLUEPRINT
        )
        try:
            runs[name] = run_backtest(
                container.recorded_run_parts(),
                bars,
                out_dir=None,
                dense=dense,
                run_id=RUN_ID,
                progress_stream=None,
            ).result
        finally:
            container.shutdown_resources()
    container = configured(mode="paper", db_path=directory / "paper.db", blueprint_path=BLUEPRINT)
    try:
        runs["paper"] = run_paper(
            container.recorded_run_parts(), bars, out_dir=None, run_id=RUN_ID, progress_stream=None
        ).result
    finally:
        container.shutdown_resources()
    return runs


def test_dense_sparse_and_paper_agree_on_plans_orders_and_trades(
    legs: Mapping[str, RunResult],
) -> None:
    dense = legs["dense"]
    assert len(dense.plan_hashes) >= 40
    for name in ("sparse", "paper"):
        other = legs[name]
        assert other.plan_hashes == dense.plan_hashes, name
        assert other.fills == dense.fills, name
        assert other.closed_trades == dense.closed_trades, name
        assert other.final_equity == dense.final_equity, name
        assert [(o.client_order_id, o.status) for o in other.orders] == [
            (o.client_order_id, o.status) for o in dense.orders
        ], name


def test_paper_oms_records_protective_orders_filled_and_withdrawn(
    legs: Mapping[str, RunResult],
) -> None:
    states = [
        s for s in legs["paper"].order_states if protected_entry_id(s.client_order_id) is not None
    ]
    assert states
    assert all(s.spec.order_type is OrderType.OCO and s.spec.reduce_only for s in states)
    ends = Counter(s.status for s in states)
    # Filled: a stop or a target closed the position; cancelled: a cross down withdrew it.
    assert ends[OrderStatus.FILLED] > 0
    assert ends[OrderStatus.CANCELLED] > 0
    reasons = Counter(t.exit_reason for t in legs["paper"].closed_trades)
    assert ends[OrderStatus.FILLED] == reasons[ExitReason.STOP] + reasons[ExitReason.TARGET]
    assert ends[OrderStatus.CANCELLED] == reasons[ExitReason.SIGNAL]


@pytest.mark.parametrize("name", ["dense", "sparse", "paper"])
def test_replay_of_each_recorded_leg_replans_every_cycle_identically(
    legs: Mapping[str, RunResult], directory: Path, name: str
) -> None:
    db = directory / f"{name}.db"
    container = configured(mode=None, db_path=db, blueprint_path=BLUEPRINT)
    try:
        report = run_replay(
            db_path=db, reader_of=container.run_reader, run_id=RUN_ID, progress_stream=None
        ).report
    finally:
        container.shutdown_resources()
    assert report.mismatch is None, report.mismatch
    assert report.cycles == report.total > 0


def test_no_protective_order_is_stacked(legs: Mapping[str, RunResult]) -> None:
    # One protective order per entry (no partial fills here), never two working at once.
    orders = legs["dense"].orders
    protective = [o for o in orders if protected_entry_id(o.client_order_id) is not None]
    entries = {protected_entry_id(o.client_order_id) for o in protective}
    assert len(entries) == len(protective)
    assert all(o.client_order_id.endswith("-p0") for o in protective)
