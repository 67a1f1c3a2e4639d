"""The reference kernel for `--verify-sparse`: the same plugins, their declarations unread.

Every optional capability lets the kernel skip work on a promise: a candidate mask (a
worker cannot fire elsewhere), an activity (a planner cannot act elsewhere), a threat scope
(a worker fires only for holdings, or once per bar time), scored rows (the row gives the
assessment `assess` would). The reference kernel wraps each signal worker, strategy
planner and the aggregator in a shell that exposes only its stage protocol, so it calls
every one of them on every bar, trusting no promise. Run dense, it is the ground truth a
sparse run of the declared kernel must match.
"""

from collections.abc import Sequence

import attrs

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.ports.plugins import (
    ContextAggregator,
    OpportunityWorker,
    StrategyPlanner,
    ThreatWorker,
)
from tradekernel.domain.signals import (
    ContextAssessment,
    FeatureSnapshot,
    OpportunitySignal,
    ThreatSignal,
)
from tradekernel.domain.stage_inputs import AccountView, StrategyInputs
from tradekernel.orchestration.holistic.allocator import HolisticAllocator
from tradekernel.orchestration.holistic.holistic_kernel import HolisticPlanningKernel
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel


@attrs.frozen
class _Opportunity:
    inner: OpportunityWorker

    @property
    def name(self) -> str:
        return self.inner.name

    def evaluate(
        self, snapshot: FeatureSnapshot, assessment: ContextAssessment
    ) -> OpportunitySignal | None:
        return self.inner.evaluate(snapshot, assessment)


@attrs.frozen
class _Threat:
    inner: ThreatWorker

    @property
    def name(self) -> str:
        return self.inner.name

    def evaluate(
        self, snapshot: FeatureSnapshot, assessment: ContextAssessment, account: AccountView
    ) -> ThreatSignal | None:
        return self.inner.evaluate(snapshot, assessment, account)


@attrs.frozen
class _Strategy:
    inner: StrategyPlanner

    @property
    def name(self) -> str:
        return self.inner.name

    def plan(self, inputs: StrategyInputs) -> Sequence[StrategyDirective]:
        return self.inner.plan(inputs)


@attrs.frozen
class _Aggregator:
    inner: ContextAggregator

    def assess(self, snapshot: FeatureSnapshot, assessment_id: str) -> ContextAssessment:
        return self.inner.assess(snapshot, assessment_id)


def reference_kernel(kernel: PlanningKernel) -> PlanningKernel:
    """Return a kernel over `kernel`'s plugins that reads none of their declarations."""
    spec = attrs.evolve(
        kernel.spec,
        aggregator=_Aggregator(kernel.spec.aggregator),
        opportunities=tuple(_Opportunity(worker) for worker in kernel.spec.opportunities),
        threats=tuple(_Threat(worker) for worker in kernel.spec.threats),
        strategies=tuple(_Strategy(planner) for planner in kernel.spec.strategies),
    )
    if isinstance(spec.allocator, HolisticAllocator):
        return HolisticPlanningKernel(spec, spec.allocator)
    return PlanningKernel(spec)
