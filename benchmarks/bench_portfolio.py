"""Portfolio planner figures: planner creation, a 30-holding plan, incremental == one-shot."""

import tempfile
import time
from decimal import Decimal
from pathlib import Path

from tradekernel.adapters.config.portfolio_loader import load_portfolio
from tradekernel.adapters.sqlite.portfolio_store import SqliteSequenceStore
from tradekernel.domain.account import Position
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.portfolio import PortfolioState
from tradekernel.features.portfolio.factory import create_planner
from tradekernel.features.portfolio.incremental import plan_incremental
from tradekernel.features.portfolio.presets import PRESETS

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "portfolio" / "portfolio.toml"
HOLDINGS = 30


def thirty_holdings() -> PortfolioState:
    """Return a deterministic 30-holding state with drifts, windfalls, dips and 10 watch symbols."""
    symbols = [f"C{i:02d}/USDT" for i in range(HOLDINGS + 10)]
    marks = {s: Decimal(10 + 7 * i) for i, s in enumerate(symbols)}
    positions = tuple(
        Position(
            symbol=s,
            quantity=Decimal(1000 + 37 * i) / marks[s],
            # Every third position is a windfall, every fifth a dip.
            avg_entry_price=marks[s]
            * (Decimal("0.6") if i % 3 == 0 else Decimal("1.2") if i % 5 == 0 else 1),
        )
        for i, s in enumerate(symbols[:HOLDINGS])
    )
    return PortfolioState(
        quote_asset="USDT",
        now_ms=1_767_225_600_000,
        cash=Decimal(20000),
        positions=positions,
        marks=marks,
        rules={
            s: SymbolRules(
                symbol=s,
                base=s.split("/")[0],
                quote="USDT",
                tick_size=Decimal("0.01"),
                step_size=Decimal("0.001"),
                min_notional=Decimal(5),
            )
            for s in symbols
        },
        target_weights={s: Decimal("0.02") for s in symbols[: HOLDINGS + 5]},
        scores={s: Decimal(50 + i) / 100 for i, s in enumerate(symbols)},
    )


def run() -> list[tuple[str, str]]:
    """Return the (metric, value) rows of the portfolio planner benchmark."""
    rows: list[tuple[str, str]] = []
    runs = 20
    start = time.perf_counter()
    for _ in range(runs):
        create_planner("core", PRESETS["default"]())
    rows.append(
        (
            "portfolio.create_planner_ms (target < 50)",
            f"{(time.perf_counter() - start) * 1000 / runs:.2f}",
        )
    )
    start = time.perf_counter()
    for _ in range(runs):
        load_portfolio(EXAMPLE)
    rows.append(
        (
            "portfolio.load_example_config_3_buckets_ms",
            f"{(time.perf_counter() - start) * 1000 / runs:.2f}",
        )
    )

    planner = create_planner("core", PRESETS["default"]())
    state = thirty_holdings()
    start = time.perf_counter()
    one_shot = planner.plan(state)
    total = time.perf_counter() - start
    rows.append(("portfolio.plan_30_holdings_default.total_ms", f"{total * 1000:.1f}"))
    rows.append(("portfolio.plan_30_holdings_default.sequences", str(one_shot.evaluated)))
    start = time.perf_counter()
    generation = planner.generate(state)
    view = planner.view(state)
    generated = time.perf_counter() - start
    start = time.perf_counter()
    for sequence in generation.sequences:
        planner.score(sequence, view)
    scoring = time.perf_counter() - start
    rows.append(("portfolio.plan_30_holdings_default.generation_ms", f"{generated * 1000:.1f}"))
    rows.append(
        ("portfolio.sequences_evaluated_per_s", f"{len(generation.sequences) / scoring:.0f}")
    )

    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteSequenceStore.open(Path(tmp) / "bench.db")
        start = time.perf_counter()
        incremental = plan_incremental(planner, state, store, "bench", batch_size=50)
        rows.append(
            (
                "portfolio.incremental_batch50_total_ms",
                f"{(time.perf_counter() - start) * 1000:.1f}",
            )
        )
        store.close()
    rows.append(("portfolio.incremental_equals_one_shot", str(incremental == one_shot).lower()))
    return rows


if __name__ == "__main__":
    for metric, value in run():
        print(f"{metric:55s} {value}")
