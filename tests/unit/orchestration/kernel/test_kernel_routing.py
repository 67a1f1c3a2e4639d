"""The routing planner runs only on a RoutingRequest holding all three plans."""

from decimal import Decimal

import attrs
import pytest
from kernel_fixtures import context_at, real_series, rich_kernel

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.enums import RoutingStyle
from tradekernel.domain.trade_plans import (
    EntryPlan,
    ExitPlan,
    RoutingPlan,
    RoutingRequest,
    RoutingSlice,
    SizePlan,
)
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.orchestration.kernel.selection import PlannerChoice


class SpyRouting:
    def __init__(self) -> None:
        self.requests: list[RoutingRequest] = []

    @property
    def name(self) -> str:
        return "spy"

    def plan(self, request: RoutingRequest) -> RoutingPlan:
        assert request.entry and request.size and request.exit
        self.requests.append(request)
        return RoutingPlan(
            directive_id=request.directive.directive_id,
            planner="spy",
            style=RoutingStyle.IMMEDIATE,
            slices=(RoutingSlice(fraction=Decimal(1)),),
        )


def _kernel_with(spy: SpyRouting, *, exit_matches: bool) -> PlanningKernel:
    base = rich_kernel().spec
    exits = (
        base.exit
        if exit_matches
        else tuple(
            attrs.evolve(choice, min_confidence=Decimal(0), max_confidence=Decimal(0))
            for choice in base.exit
        )
    )
    routing = (PlannerChoice(planner=spy, name="spy"),)
    return PlanningKernel(attrs.evolve(base, exit=exits, routing=routing))


def _contexts(kernel: PlanningKernel):  # type: ignore[no-untyped-def]
    series = real_series(kernel)
    for index in range(100, 3000, 37):
        yield context_at(
            kernel, series, index, cash=Decimal("50000"), held=Decimal(0), with_order=False
        )


def test_routing_sees_every_directive_that_has_three_plans() -> None:
    spy = SpyRouting()
    kernel = _kernel_with(spy, exit_matches=True)
    directives = sum(len(kernel.plan(context).directives) for context in _contexts(kernel))
    assert directives > 0
    assert len(spy.requests) == directives


def test_routing_never_runs_when_a_plan_is_missing() -> None:
    spy = SpyRouting()
    kernel = _kernel_with(spy, exit_matches=False)
    notes = []
    for context in _contexts(kernel):
        plan = kernel.plan(context)
        notes += [d for d in plan.diagnostics if d.code == "no_planner_matches"]
        assert not plan.execution_directives
    assert spy.requests == []
    assert notes and all("no exit planner matches" in note.message for note in notes)


def test_a_routing_request_refuses_plans_of_another_directive() -> None:
    directive = StrategyDirective(
        directive_id="dir-a",
        source="t",
        symbol="X/USD",
        ts_ms=0,
        side="buy",  # type: ignore[arg-type]
        scope="new_trade",
        confidence=Decimal("0.5"),  # type: ignore[arg-type]
    )
    entry = EntryPlan(directive_id="dir-a", planner="e", layers=())
    with pytest.raises(ValueError, match="different directives"):
        RoutingRequest(
            directive=directive,
            entry=entry,
            size=SizePlan(directive_id="dir-b", planner="s", quantity=Decimal(1)),
            exit=ExitPlan(directive_id="dir-a", planner="x"),
        )
