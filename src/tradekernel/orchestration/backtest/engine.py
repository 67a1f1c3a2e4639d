"""The backtest: the cycle runner over recorded bars, with a direct desk and sparse steps.

Indicators are computed once over the whole history (`PlanningKernel.prepare`); the
runner then jumps from one bar where something can happen to the next: a bar where the
kernel can emit a directive (`PlanningKernel.activity`), or any bar while the venue holds
working orders or delayed slices wait. `dense=True` calls the kernel on every bar
instead; both give the same trades and the same plan hashes (see docs/backtesting.md).
A backtest is nothing but this configuration of the one cycle runner
(`orchestration.cycle.recorded_run.RecordedRun`).
"""

from collections.abc import Mapping

import attrs

from tradekernel.domain.blueprint import ExecutionPolicy
from tradekernel.domain.market import SymbolRules
from tradekernel.domain.ports.simulation import SimulatedVenue
from tradekernel.orchestration.cycle.decision import PlanSink
from tradekernel.orchestration.cycle.desk import DirectDesk
from tradekernel.orchestration.cycle.recorded_market import Progress
from tradekernel.orchestration.cycle.recorded_run import (
    CycleHooks,
    CycleSettings,
    RecordedRun,
    SettableClock,
)
from tradekernel.orchestration.cycle.result import RunResult
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.shared.bars import BarSeries


@attrs.frozen(kw_only=True)
class BacktestRequest:
    run_id: str
    series: Mapping[str, BarSeries]
    rules: Mapping[str, SymbolRules]
    dense: bool = False
    policy: ExecutionPolicy = attrs.Factory(ExecutionPolicy)


class BacktestEngine:
    """Drive one kernel against one simulated venue over recorded bars."""

    def __init__(
        self,
        kernel: PlanningKernel,
        venue: SimulatedVenue,
        *,
        on_plan: PlanSink | None = None,
        progress: Progress | None = None,
        clock: SettableClock | None = None,
    ) -> None:
        self._kernel = kernel
        self._venue = venue
        self._hooks = CycleHooks(on_plan=on_plan, progress=progress, clock=clock)

    def run(self, request: BacktestRequest) -> RunResult:
        """Run the backtest and return its result."""
        policy = request.policy
        runner = RecordedRun(
            self._kernel,
            request.series,
            DirectDesk(self._venue),
            CycleSettings(
                run_id=request.run_id,
                rules=request.rules,
                dense=request.dense,
                backoff_base_ms=policy.backoff_base_ms,
                backoff_max_ms=policy.backoff_max_ms,
                entry_timeout_ms=policy.entry_timeout_ms,
            ),
            self._hooks,
        )
        return runner.run()
