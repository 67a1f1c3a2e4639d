"""The holistic kernel prepares once per run and plans as a fresh kernel per cycle did.

Before `PreparedMarket`, the holistic mode built a new `PlanningKernel` every cycle (to bind
its allocator to the cycle), and the new kernel could not use the precomputed tables: it
silently took the slow path. These tests run a real backtest of the example blueprint and
check that no cycle prepares a history again, and that the plans are those of that old
per-cycle kernel.
"""

from pathlib import Path

import attrs
import pytest
from typing_extensions import override

from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.adapters.data.loader import load_bars
from tradekernel.bootstrap.backtest_job import venue_settings
from tradekernel.bootstrap.blueprints import load
from tradekernel.domain.context import PlanningContext
from tradekernel.domain.plan import Plan
from tradekernel.orchestration.backtest.engine import BacktestEngine, BacktestRequest
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.orchestration.holistic.holistic_kernel import (
    HolisticPlanningKernel,
    holistic_allocator,
)
from tradekernel.orchestration.holistic.state import CycleMarket
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.orchestration.kernel.prepared_market import (
    PreparedHistory,
    PreparedMarket,
    prepare_history,
)
from tradekernel.shared.bars import BarSeries

ROOT = Path(__file__).resolve().parents[3]
BLUEPRINT, CATALOG = load(ROOT / "examples" / "holistic_portfolio.toml")
SETTINGS = BLUEPRINT.settings
SYMBOLS = {"ADA/BTC": "ADA-BTC", "ETH/BTC": "ETH-BTC", "TRX/BTC": "TRX-BTC"}
SERIES = {
    symbol: load_bars(ROOT / "tests" / "data" / f"bittrex_{stem}_5m.csv", symbol).series.head(2500)
    for symbol, stem in SYMBOLS.items()
}


class _FreshKernelEveryCycle(PlanningKernel):
    """The holistic mode as it was: a new kernel per cycle, bound to the cycle's market."""

    @override
    def plan(
        self, context: PlanningContext[BarSeries], market: PreparedMarket | None = None
    ) -> Plan:
        allocator = holistic_allocator(SETTINGS.allocator.params)
        quote = self.spec.intents.quote_asset
        cycle = attrs.evolve(self.spec, allocator=allocator.bound(CycleMarket.of(context, quote)))
        return PlanningKernel(cycle).plan(context)


def _run(kernel: PlanningKernel) -> tuple[str, list[Plan]]:
    plans: list[Plan] = []
    engine = BacktestEngine(
        kernel,
        BacktestVenue(venue_settings(SETTINGS)),
        on_plan=lambda plan, _digest, _text, _context: plans.append(plan),
    )
    result = engine.run(
        BacktestRequest(
            run_id="holistic",
            series=SERIES,
            rules={symbol: SETTINGS.rules_for(symbol) for symbol in SYMBOLS},
        )
    )
    return result.run_plan_hash, plans


def test_a_holistic_backtest_prepares_each_history_once(monkeypatch: pytest.MonkeyPatch) -> None:
    kernel = build_kernel(SETTINGS, CATALOG)
    assert isinstance(kernel, HolisticPlanningKernel)
    per_cycle: list[str] = []

    def counting(spec: object, series: BarSeries) -> PreparedHistory:
        per_cycle.append(series.symbol)
        return prepare_history(spec, series)  # type: ignore[arg-type]

    # The kernel's assessment stage prepares only a history its market does not hold.
    monkeypatch.setattr(
        "tradekernel.orchestration.kernel.assessment_stage.prepare_history", counting
    )
    _hash, plans = _run(kernel)
    assert any(plan.intents for plan in plans)  # the run trades: its cycles were planned
    assert per_cycle == []


def test_a_holistic_backtest_plans_as_a_fresh_kernel_per_cycle_did() -> None:
    kernel = build_kernel(SETTINGS, CATALOG)
    fresh = _FreshKernelEveryCycle(kernel.spec)
    prepared_hash, prepared_plans = _run(kernel)
    fresh_hash, fresh_plans = _run(fresh)
    assert len(prepared_plans) == len(fresh_plans) > 0
    assert prepared_hash == fresh_hash


def test_a_holistic_kernel_refuses_another_kernels_market() -> None:
    kernel = build_kernel(SETTINGS, CATALOG)
    other = build_kernel(SETTINGS, CATALOG)
    market = other.prepare(SERIES)
    assert market.prepared_by(other) and not market.prepared_by(kernel)
    context = PlanningContext[BarSeries](
        run_id="r", now_ms=int(SERIES["ADA/BTC"].ts_ms[-1]), symbols=(), history={}
    )
    with pytest.raises(ValueError, match="another kernel"):
        kernel.plan(context, market)
