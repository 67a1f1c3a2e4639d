"""Benchmark: canonical JSON of recorded plans and contexts, reference path vs direct writer.

The plans are those the SMA-cross example records in a backtest over the bundled
coinbase BTC-USD hourly bars (every plan with a directive or an intent), the contexts the
ones recorded with them, rebuilt from their records. The reference is cattrs unstructure
then `json.dumps(sort_keys=True)`; the fast path is the compiled per-class writer. Both
give the same bytes (checked here too). Figures are the best of several passes.
"""

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.adapters.data.loader import load_bars
from tradekernel.bootstrap.backtest_job import venue_settings
from tradekernel.bootstrap.blueprints import load
from tradekernel.domain.context import PlanningContext
from tradekernel.domain.plan import Plan
from tradekernel.orchestration.backtest.engine import BacktestEngine, BacktestRequest
from tradekernel.orchestration.canonical import canonical_json, reference_json
from tradekernel.orchestration.context_record import (
    context_from_json,
    context_json,
    reference_context_json,
)
from tradekernel.orchestration.kernel_factory import build_kernel
from tradekernel.shared.bars import BarSeries

SMA_CROSS = Path(__file__).resolve().parents[1] / "examples" / "sma_cross.toml"
SYMBOL = "BTC/USD"
PASSES = 7


def _recorded() -> tuple[list[Plan], list[PlanningContext[BarSeries]]]:
    blueprint, catalog = load(SMA_CROSS)
    kernel = build_kernel(blueprint.settings, catalog)
    series = kernel.prepare({SYMBOL: load_bars(bundled_path(), SYMBOL).series}).series
    plans: list[Plan] = []
    records: list[str] = []

    def record(plan: Plan, digest: str, text: str, context: str) -> None:
        plans.append(plan)
        records.append(context)

    engine = BacktestEngine(
        kernel, BacktestVenue(venue_settings(blueprint.settings)), on_plan=record
    )
    engine.run(
        BacktestRequest(
            run_id="bench",
            series=series,
            rules={SYMBOL: blueprint.settings.rules_for(SYMBOL)},
        )
    )
    return plans, [context_from_json(text, series) for text in records]


def _per_item_us(write: Callable[[Any], str], items: Sequence[Any]) -> float:
    best = float("inf")
    for _ in range(PASSES):
        started = time.perf_counter()
        for item in items:
            write(item)
        best = min(best, time.perf_counter() - started)
    return best / len(items) * 1e6


def run() -> list[tuple[str, str]]:
    """Return per-item microseconds of the reference and fast paths, and their ratio."""
    plans, contexts = _recorded()
    rows: list[tuple[str, str]] = [("recorded plans", str(len(plans)))]
    cases: list[tuple[str, Sequence[Any], Callable[[Any], str], Callable[[Any], str]]] = [
        ("plan", plans, reference_json, canonical_json),
        ("context", contexts, reference_context_json, context_json),
    ]
    for name, items, slow, fast in cases:
        if any(slow(item) != fast(item) for item in items):
            raise AssertionError(f"the fast {name} text differs from the reference")
        slow_us = _per_item_us(slow, items)
        fast_us = _per_item_us(fast, items)
        rows += [
            (f"{name} reference us", f"{slow_us:.1f}"),
            (f"{name} fast us", f"{fast_us:.1f}"),
            (f"{name} speed-up", f"{slow_us / fast_us:.1f}x"),
        ]
    return rows


if __name__ == "__main__":
    for metric, value in run():
        print(f"{metric}: {value}")
