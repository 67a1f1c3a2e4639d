"""Play every flow fixture against the paper venue through the full runtime.

Each `flows/*.json` fixture gives bars, the venue's behaviour, runner options and the
expected orders (in creation order) and final state; its `why` says what it proves.
The run goes through the real kernel, `PaperRunner`, the OMS and an SQLite event store
in `tmp_path`; a fixture with `restart_after_cycles` stops the first runner there and
continues with a new runner (and a new OMS rebuilt from the same SQLite file) on the
same venue, re-planning the cycle it stopped on.
"""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.fakes.clock import FakeClock
from tests.scenarios.scripted_venue import ScriptedVenue

from tradekernel.adapters.backtest.venue import BacktestVenue
from tradekernel.adapters.paper.execution import PaperExecution
from tradekernel.adapters.sqlite.database import connect
from tradekernel.adapters.sqlite.order_event_store import SqliteOrderEventStore
from tradekernel.bootstrap.backtest_job import venue_settings
from tradekernel.bootstrap.blueprints import load
from tradekernel.domain.enums import OrderStatus
from tradekernel.domain.market import Bar
from tradekernel.domain.plan import Plan
from tradekernel.orchestration.cycle.market_clock import MarketClock
from tradekernel.orchestration.cycle.result import RunResult
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.orchestration.paper.bar_source import ReplaySource
from tradekernel.orchestration.paper.pacing import Pacer
from tradekernel.orchestration.paper.runner import PaperPorts, PaperRunner, PaperSettings
from tradekernel.shared.bars import BarSeries

HERE = Path(__file__).resolve().parent
FLOWS = sorted((HERE / "flows").glob("*.json"))
SYMBOL = "BTC/USD"


class _NoSleep:
    def sleep_ms(self, duration_ms: int) -> None:
        raise AssertionError(f"a speed-0 scenario slept {duration_ms} ms")


def _series(rows: list[list[Any]]) -> BarSeries:
    bars = [
        Bar(
            symbol=SYMBOL,
            ts_ms=int(ts),
            open=Decimal(o),
            high=Decimal(h),
            low=Decimal(lo),
            close=Decimal(c),
            volume=Decimal(v),
        )
        for ts, o, h, lo, c, v in rows
    ]
    return BarSeries.from_bars(SYMBOL, bars)


class _Scenario:
    def __init__(self, fixture: dict[str, Any], tmp_path: Path) -> None:
        self.fixture = fixture
        params = {"participation": "1", "cadence_ms": 86_400_000, "gain_pct": "0.05"}
        params |= {"trail_pct": "0.5"} | fixture.get("blueprint_params", {})
        text = (HERE / "blueprints" / fixture["blueprint"]).read_text(encoding="utf-8")
        path = tmp_path / "blueprint.toml"
        path.write_text(text.format(**params), encoding="utf-8")
        self.blueprint, self.catalog = load(path)
        self.series = _series(fixture["bars"])
        venue_cfg = fixture.get("venue", {})
        self.scripted = ScriptedVenue(
            BacktestVenue(venue_settings(self.blueprint.settings)),
            reject_submits=venue_cfg.get("reject_submits", ()),
            delay_fill_bars=venue_cfg.get("delay_fill_bars", 0),
        )
        self.clock = MarketClock()
        self.venue = PaperExecution(self.scripted, self.clock)
        self.db = tmp_path / "scenario.db"
        self.plans: list[Plan] = []

    def run(self, *, max_cycles: int | None, resume_from_ms: int | None) -> RunResult:
        settings = self.blueprint.settings
        runner_cfg = self.fixture.get("runner", {})
        connection = connect(self.db)
        try:
            runner = PaperRunner(
                build_kernel(settings, self.catalog),
                ReplaySource({SYMBOL: self.series}, resume_from_ms=resume_from_ms),
                PaperPorts(
                    venue=self.venue,
                    store=SqliteOrderEventStore(connection),
                    clock=self.clock,
                    pacer=Pacer(speed=0, clock=FakeClock(), sleeper=_NoSleep()),
                ),
                PaperSettings(
                    run_id="scenario",
                    symbols=(SYMBOL,),
                    rules={SYMBOL: settings.rules_for(SYMBOL)},
                    quote_asset=settings.account.quote_asset,
                    backoff_base_ms=settings.execution.backoff_base_ms,
                    backoff_max_ms=settings.execution.backoff_max_ms,
                    entry_timeout_ms=runner_cfg.get("entry_timeout_ms", 0),
                    max_cycles=max_cycles,
                ),
                on_plan=lambda plan, *_: self.plans.append(plan),
            )
            return runner.run()
        finally:
            connection.close()

    def events(self) -> dict[str, list[OrderStatus]]:
        connection = connect(self.db)
        try:
            kinds: dict[str, list[OrderStatus]] = {}
            for event in SqliteOrderEventStore(connection).all_events():
                kinds.setdefault(event.client_order_id, []).append(event.kind)
            return kinds
        finally:
            connection.close()


def _play(fixture: dict[str, Any], tmp_path: Path) -> tuple[_Scenario, RunResult]:
    scenario = _Scenario(fixture, tmp_path)
    restart = fixture.get("runner", {}).get("restart_after_cycles")
    if restart is None:
        return scenario, scenario.run(max_cycles=None, resume_from_ms=None)
    first = scenario.run(max_cycles=restart, resume_from_ms=None)
    assert first.cycles == restart
    assert first.stop_reason.startswith("max cycles")
    # The new runner re-plans the cycle the first one stopped on.
    resume = int(fixture["bars"][restart - 1][0])
    return scenario, scenario.run(max_cycles=None, resume_from_ms=resume)


def _order_rows(scenario: _Scenario, result: RunResult) -> list[dict[str, str]]:
    bar_of = {int(row[0]): index for index, row in enumerate(scenario.fixture["bars"])}
    rows = []
    for state in result.order_states:
        rows.append(
            {
                "bar": str(bar_of[state.created_ms]),
                "side": state.spec.side.value,
                "quantity": str(state.spec.quantity),
                "filled": str(state.filled_quantity),
                "status": state.status.value,
            }
        )
    return rows


@pytest.mark.parametrize("path", FLOWS, ids=[p.stem for p in FLOWS])
def test_flow(path: Path, tmp_path: Path) -> None:
    fixture = json.loads(path.read_text(encoding="utf-8"))
    assert fixture["why"].strip(), f"{path.name} must say why it exists"
    scenario, result = _play(fixture, tmp_path)

    assert _order_rows(scenario, result) == fixture["expected_orders"]
    # Every order reached the venue at most once, whatever restarts happened.
    calls = scenario.scripted.submit_calls
    assert len(calls) == len(set(calls))
    assert len(calls) == len(fixture["expected_orders"])
    events = scenario.events()
    assert all(kinds[0] is OrderStatus.CREATED for kinds in events.values())
    expected_kinds = fixture.get("expected_event_kinds")
    if expected_kinds is not None:
        assert [[k.value for k in events[s.client_order_id]] for s in result.order_states] == (
            expected_kinds
        )

    state = fixture["expected_state"]
    held = {p.symbol: p.quantity for p in scenario.venue.positions()}
    assert held.get(SYMBOL, Decimal(0)) == Decimal(state["position"])
    assert scenario.venue.cash() == Decimal(state["cash"])
    skips = [
        {"bar": str(index), "reason": intent.skip_reason.value}
        for plan in scenario.plans
        for intent in plan.skipped_intents
        if intent.skip_reason is not None
        for index, row in enumerate(fixture["bars"])
        if int(row[0]) == plan.cycle_ts_ms
    ]
    assert skips == fixture.get("expected_skips", [])
