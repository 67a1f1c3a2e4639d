"""The incremental planner on a real SQLite file: resumable batches equal the one-shot plan."""

from decimal import Decimal as D
from pathlib import Path

from tradekernel.adapters.sqlite.portfolio_store import SqliteSequenceStore
from tradekernel.domain.account import Position
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.portfolio import PortfolioState
from tradekernel.features.portfolio.factory import create_planner
from tradekernel.features.portfolio.incremental import plan_incremental
from tradekernel.features.portfolio.presets import PRESETS

SYMBOLS = ("BTC/USDT", "ETH/USDT", "SOL/USDT", "ADA/USDT", "DOT/USDT", "LINK/USDT")
MARKS = dict(
    zip(SYMBOLS, (D("60000"), D("2500"), D("150"), D("0.5"), D("6"), D("15")), strict=True)
)


def _state() -> PortfolioState:
    return PortfolioState(
        quote_asset="USDT",
        now_ms=1_767_225_600_000,
        cash=D("3000"),
        positions=(
            Position(symbol="BTC/USDT", quantity=D("0.1"), avg_entry_price=D("40000")),
            Position(symbol="ETH/USDT", quantity=D("2"), avg_entry_price=D("3000")),
            Position(symbol="DOT/USDT", quantity=D("300"), avg_entry_price=D("7.5")),
        ),
        marks=MARKS,
        rules={
            s: SymbolRules(
                symbol=s,
                base=s.split("/")[0],
                quote="USDT",
                tick_size=D("0.0001"),
                step_size=D("0.001"),
                min_notional=D("5"),
            )
            for s in SYMBOLS
        },
        target_weights={"BTC/USDT": D("0.35"), "ETH/USDT": D("0.25"), "SOL/USDT": D("0.15")},
        scores={
            "SOL/USDT": D("0.9"),
            "ADA/USDT": D("0.75"),
            "LINK/USDT": D("0.8"),
            "DOT/USDT": D("0.7"),
        },
    )


def test_interrupted_run_resumes_and_equals_the_one_shot_plan(tmp_path: Path) -> None:
    planner = create_planner("core", PRESETS["aggressive"]())
    state = _state()
    one_shot = planner.plan(state)
    total = len(planner.generate(state).sequences)
    assert total > 40  # enough for several batches

    db = tmp_path / "plan.db"
    store = SqliteSequenceStore.open(db)
    seen: list[tuple[int, int]] = []
    stopped = plan_incremental(
        planner,
        state,
        store,
        "run-1",
        batch_size=10,
        on_progress=lambda done, n: seen.append((done, n)),
        max_batches=2,
    )
    assert stopped is None
    assert store.progress("run-1") == (20, total)
    store.close()

    # A new process: reopen the file and carry on from batch 3.
    reopened = SqliteSequenceStore.open(db)
    resumed = plan_incremental(
        planner,
        state,
        reopened,
        "run-1",
        batch_size=10,
        on_progress=lambda done, n: seen.append((done, n)),
    )
    reopened.close()
    assert resumed == one_shot
    assert seen[:2] == [(10, total), (20, total)]
    assert seen[-1] == (total, total)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert len(seen) == -(-total // 10)  # each batch reported exactly once across both runs


def test_runs_are_kept_apart_by_run_key(tmp_path: Path) -> None:
    planner = create_planner("core", PRESETS["default"]())
    store = SqliteSequenceStore.open(tmp_path / "plan.db")
    a = plan_incremental(planner, _state(), store, "a", batch_size=7)
    empty = PortfolioState(quote_asset="USDT", now_ms=0, cash=D("0"))
    b = plan_incremental(planner, empty, store, "b", batch_size=7)
    assert a == planner.plan(_state())
    assert b is not None and b.best is not None and b.best.sequence.pattern == "hold"
    assert store.progress("b") == (1, 1)
    store.close()
