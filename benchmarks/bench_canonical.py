"""Benchmark: canonical JSON of recorded plans and contexts, reference path vs msgspec.

The plans are those the SMA-cross example records in a backtest over the bundled
coinbase BTC-USD hourly bars (every plan with a directive or an intent), the contexts the
ones recorded with them, rebuilt from their records. The reference is hash format 1,
cattrs unstructure then `json.dumps(sort_keys=True, ensure_ascii=True)`; the fast path is
`canonical_json` (format 2, msgspec's sorted JSON encoder). On these plans (ASCII text,
no floats) both give the same bytes, checked here too. Figures are the best of several
passes.
"""

import json
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import cattrs

from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.adapters.data.loader import load_bars
from tradekernel.bootstrap.backtest_job import venue_settings
from tradekernel.bootstrap.blueprints import load
from tradekernel.domain.context import PlanningContext
from tradekernel.domain.plan import Plan
from tradekernel.orchestration.backtest.engine import BacktestEngine, BacktestRequest
from tradekernel.orchestration.cycle.context_record import context_from_json, context_json
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.orchestration.records.canonical import canonical_json
from tradekernel.shared.bars import BarSeries

SMA_CROSS = Path(__file__).resolve().parents[1] / "examples" / "sma_cross.toml"
SYMBOL = "BTC/USD"
PASSES = 7

_REFERENCE = cattrs.Converter()
_REFERENCE.register_unstructure_hook(Decimal, str)


def reference_json(value: object) -> str:
    """Return the hash-format-1 text of a value: cattrs unstructure, then json.dumps."""
    data = _REFERENCE.unstructure(value)
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def reference_context_json(context: PlanningContext[BarSeries]) -> str:
    """Return the hash-format-1 record of a context, built as format 1 built it."""
    record = {
        "run_id": context.run_id,
        "now_ms": context.now_ms,
        "symbols": list(context.symbols),
        "bars": {s: len(h) for s, h in sorted(context.history.items())},
        "last_ts_ms": {s: int(h.ts_ms[-1]) for s, h in sorted(context.history.items()) if len(h)},
        "rules": {s: _REFERENCE.unstructure(r) for s, r in sorted(context.rules.items())},
        "marks": {s: _REFERENCE.unstructure(m) for s, m in sorted(context.marks.items())},
        "balances": {a: _REFERENCE.unstructure(b) for a, b in sorted(context.balances.items())},
        "positions": {s: _REFERENCE.unstructure(p) for s, p in sorted(context.positions.items())},
        "open_orders": [_REFERENCE.unstructure(o) for o in context.open_orders],
        "trading_state": context.trading_state.value,
        "stop_new_orders": context.stop_new_orders,
        "backoff_until_ms": dict(sorted(context.backoff_until_ms.items())),
        "peak_equity": None if context.peak_equity is None else str(context.peak_equity),
    }
    return json.dumps(record, sort_keys=True, separators=(",", ":"))


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
    """Return per-item microseconds of the format-1 reference and msgspec, and their ratio."""
    plans, contexts = _recorded()
    rows: list[tuple[str, str]] = [("recorded plans", str(len(plans)))]
    cases: list[tuple[str, Sequence[Any], Callable[[Any], str], Callable[[Any], str]]] = [
        ("plan", plans, reference_json, canonical_json),
        ("context", contexts, reference_context_json, context_json),
    ]
    for name, items, slow, fast in cases:
        if any(slow(item) != fast(item) for item in items):
            raise AssertionError(f"the msgspec {name} text differs from the format-1 reference")
        slow_us = _per_item_us(slow, items)
        fast_us = _per_item_us(fast, items)
        rows += [
            (f"{name} reference us", f"{slow_us:.1f}"),
            (f"{name} msgspec us", f"{fast_us:.1f}"),
            (f"{name} speed-up", f"{slow_us / fast_us:.1f}x"),
        ]
    return rows


if __name__ == "__main__":
    for metric, value in run():
        print(f"{metric}: {value}")
