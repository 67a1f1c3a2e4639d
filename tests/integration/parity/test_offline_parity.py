"""One kernel, every offline mode: dense and sparse backtests and a paper replay of one
blueprint on the same real bars plan the same cycles with the same plan hashes, and a
`replay` of each recorded run re-plans every cycle identically.

The blueprint (parity.toml) exercises every piece of state the cycle runner keeps between
cycles: the peak equity behind a drawdown threat, positions managed by break-even, partial
exits and a trailing stop, limit entries sent as TWAP slices over later bars, and the
rejection backoff after the venue refuses an entry. The test checks each of them acted,
or the equality would prove nothing.
"""

from collections.abc import Mapping
from pathlib import Path

import pytest
from tests.integration.parity.parity_legs import (
    REFUSED,
    RUN_ID,
    TRADED,
    PlanHashes,
    bars,
    behaviour,
    blueprint,
    hashes,
    recorded_plans,
)

from tradekernel.bootstrap.backtest_job import run_backtest
from tradekernel.bootstrap.container import Container, configured
from tradekernel.bootstrap.paper_job import run_paper
from tradekernel.bootstrap.replay_job import run_replay
from tradekernel.domain.enums import OrderStatus
from tradekernel.orchestration.cycle.result import RunResult


def _container(mode: str | None, db: Path) -> Container:
    return configured(mode=mode, db_path=db, blueprint_path=blueprint().file)


@pytest.fixture(scope="module")
def legs(tmp_path_factory: pytest.TempPathFactory) -> Mapping[str, tuple[RunResult, Path]]:
    """Run the three offline legs once, each into its own database, all with one run id."""
    directory = tmp_path_factory.mktemp("parity")
    runs: dict[str, tuple[RunResult, Path]] = {}
    for name, dense in (("dense", True), ("sparse", False)):
        db = directory / f"{name}.db"
        container = _container("backtest", db)
        try:
            outcome = run_backtest(
                container.recorded_run_parts(),
                bars(),
                out_dir=None,
                dense=dense,
                run_id=RUN_ID,
                progress_stream=None,
            )
        finally:
            container.shutdown_resources()
        runs[name] = (outcome.result, db)
    db = directory / "paper.db"
    container = _container("paper", db)
    try:
        paper = run_paper(
            container.recorded_run_parts(),
            bars(),
            out_dir=None,
            run_id=RUN_ID,
            progress_stream=None,
        )
    finally:
        container.shutdown_resources()
    runs["paper"] = (paper.result, db)
    return runs


LEGS = ("dense", "sparse", "paper")


def _first_difference(a: PlanHashes, b: PlanHashes) -> str:
    for index, (left, right) in enumerate(zip(a, b, strict=False)):
        if left != right:
            return f"first differing cycle #{index}: {left} vs {right}"
    return f"one is a prefix of the other ({len(a)} vs {len(b)} cycles)"


def test_dense_sparse_and_paper_record_the_same_plan_hash_sequence(
    legs: Mapping[str, tuple[RunResult, Path]],
) -> None:
    recorded = {name: hashes(recorded_plans(db)) for name, (_, db) in legs.items()}
    for name, (result, _) in legs.items():
        # What the database holds is what the runner planned.
        assert recorded[name] == list(result.plan_hashes), name
    dense = recorded["dense"]
    assert len(dense) > 100
    for name in ("sparse", "paper"):
        assert recorded[name] == dense, f"{name} vs dense: " + _first_difference(
            recorded[name], dense
        )
    results = [result for result, _ in legs.values()]
    assert len({result.run_plan_hash for result in results}) == 1
    assert len({result.fills for result in results}) == 1
    assert len({result.final_equity for result in results}) == 1
    # Paper's OMS words a refusal with the error's type first: compare what was refused.
    assert len({tuple((ts, cid) for ts, cid, _ in r.rejections) for r in results}) == 1


@pytest.mark.parametrize("name", LEGS)
def test_each_leg_fired_the_drawdown_threat_managed_positions_and_backed_off(
    legs: Mapping[str, tuple[RunResult, Path]], name: str
) -> None:
    result, db = legs[name]
    seen = behaviour(recorded_plans(db))
    assert seen.drawdown_threat_cycles > 0
    assert seen.breakevens > 0
    filled = {o.client_order_id for o in result.orders if o.status is OrderStatus.FILLED}
    assert set(seen.partial_exits) & filled
    assert set(seen.trailing_stops) & filled
    # Limit entries, sent as TWAP slices over later bars, reached the venue and some filled.
    sent = {order.client_order_id for order in result.orders}
    assert set(seen.twap_slices) & sent & set(seen.limit_entries) & filled
    assert any(o.symbol == TRADED and o.client_order_id in filled for o in result.orders)
    # The venue refused entries of TRX/WBTC at submit; later ones were skipped in backoff.
    rejected = {(ts, cid) for ts, cid, detail in result.rejections if "not quoted in" in detail}
    assert rejected
    assert rejected <= set(seen.refused_entries)
    first = min(ts for ts, _ in rejected)
    assert any(ts > first and symbol == REFUSED for ts, symbol in seen.backoff_skips)
    assert all(symbol == REFUSED for _, symbol in seen.backoff_skips)


@pytest.mark.parametrize("name", LEGS)
def test_replay_of_each_recorded_leg_replans_every_cycle_identically(
    legs: Mapping[str, tuple[RunResult, Path]], name: str
) -> None:
    _, db = legs[name]
    container = _container(None, db)
    try:
        outcome = run_replay(
            db_path=db, reader_of=container.run_reader, run_id=RUN_ID, progress_stream=None
        )
    finally:
        container.shutdown_resources()
    report = outcome.report
    assert report.mismatch is None, report.mismatch
    assert report.cycles == report.total == len(recorded_plans(db))
