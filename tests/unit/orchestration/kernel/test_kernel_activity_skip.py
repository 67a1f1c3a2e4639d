"""The kernel skips a strategy planner only where its declared activity says it cannot act.

A second kernel wraps the same planners in an undeclared shell, which the kernel must call
for every symbol of every cycle; both kernels must give byte-identical plans on real data,
flat, exposed and with working orders. A recording planner checks who gets called.
"""

import tomllib
from collections.abc import Sequence
from decimal import Decimal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kernel_fixtures import CATALOG, RICH_BLUEPRINT, context_at, real_series

from tradekernel.adapters.config.blueprint_loader import parse_blueprint
from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.ports.plugins import PlannerActivity, StrategyPlanner
from tradekernel.domain.stage_inputs import StrategyInputs
from tradekernel.orchestration.factory.kernel_factory import build_kernel
from tradekernel.orchestration.kernel.activity import (
    ALWAYS,
    EXPOSED,
    POSITION,
    SIGNALS,
    may_act,
    planner_activity,
)
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.orchestration.records.canonical import canonical_json

WITH_POSITION_MANAGEMENT = (
    RICH_BLUEPRINT
    + """
[[strategy.planners]]
type = "position_management"
breakeven_trigger_pct = "0.005"
trail_pct = "0.02"
trail_column = "dc.high"
"""
)
SETTINGS = parse_blueprint(tomllib.loads(WITH_POSITION_MANAGEMENT), CATALOG, file="pm.toml")


class Undeclared:
    """The wrapped planner without its activity declaration: called on every symbol."""

    def __init__(self, inner: StrategyPlanner) -> None:
        self._inner = inner
        self.calls: list[tuple[str, int]] = []

    @property
    def name(self) -> str:
        return self._inner.name

    def plan(self, inputs: StrategyInputs) -> Sequence[StrategyDirective]:
        self.calls.append((inputs.symbol, inputs.ts_ms))
        return self._inner.plan(inputs)


DECLARED = build_kernel(SETTINGS, CATALOG)
ALWAYS_CALLED = PlanningKernel(
    attrs.evolve(DECLARED.spec, strategies=tuple(Undeclared(p) for p in DECLARED.spec.strategies))
)
SERIES = real_series(DECLARED)


def test_the_blueprint_declares_both_activities() -> None:
    declared = [planner_activity(p) for p in DECLARED.spec.strategies]
    assert declared == [SIGNALS, EXPOSED]
    assert [planner_activity(p) for p in ALWAYS_CALLED.spec.strategies] == [ALWAYS, ALWAYS]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(min_value=20, max_value=2999),
    held=st.sampled_from([Decimal(0), Decimal("0.0173")]),
    with_order=st.booleans(),
)
def test_skipping_by_declared_activity_changes_no_plan(
    index: int, held: Decimal, with_order: bool
) -> None:
    context = context_at(
        DECLARED, SERIES, index, cash=Decimal(50000), held=held, with_order=with_order
    )
    assert canonical_json(DECLARED.plan(context)) == canonical_json(ALWAYS_CALLED.plan(context))


def test_every_bar_of_a_stretch_plans_the_same_both_ways() -> None:
    directives = 0
    for index in range(1200, 1500):
        context = context_at(
            DECLARED, SERIES, index, cash=Decimal(50000), held=Decimal("0.0173"), with_order=False
        )
        plan = DECLARED.plan(context)
        directives += len(plan.directives)
        assert canonical_json(plan) == canonical_json(ALWAYS_CALLED.plan(context))
    assert directives > 0  # the stretch exercises the planners, not only the skip


@pytest.mark.parametrize(
    ("declared", "opportunity", "threat", "exposed", "expected"),
    [
        (SIGNALS, False, False, False, False),
        (SIGNALS, False, True, False, False),
        (SIGNALS, False, True, True, True),
        (SIGNALS, True, False, False, True),
        (SIGNALS, False, False, True, False),
        (POSITION, False, False, False, False),
        (POSITION, False, True, False, False),
        (POSITION, False, False, True, True),
        (POSITION, True, False, False, True),
        (EXPOSED, True, True, False, False),
        (EXPOSED, False, False, True, True),
        (EXPOSED, True, False, True, True),
        (ALWAYS, False, False, False, True),
    ],
)
def test_may_act_follows_the_documented_activity(
    declared: PlannerActivity, opportunity: bool, threat: bool, exposed: bool, expected: bool
) -> None:
    assert may_act(declared, opportunity, threat, exposed) is expected
