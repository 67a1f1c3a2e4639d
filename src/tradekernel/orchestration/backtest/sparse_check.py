"""Check a blueprint's sparse backtest against the dense one, and name the first difference.

The sparse loop calls the kernel only where the plugins' declarations (candidate masks,
planner activity) say something can happen, and the kernel itself calls a plugin only
where its declarations allow. For plugins that keep their promises this changes no plan.
A plugin whose mask hides a bar where it fires breaks that, silently. `verify_sparse`
runs the reference kernel (`reference_kernel`: the same plugins, no declaration read)
dense, and the user's kernel sparse, as a plain `tradekernel backtest` does; the first
bar where their plans (or fills) part is the bar a declaration lied about.
"""

from collections.abc import Callable, Sequence

import attrs

from tradekernel.domain.orders import Fill
from tradekernel.domain.plan import Plan
from tradekernel.domain.ports.simulation import SimulatedVenue
from tradekernel.orchestration.backtest.engine import BacktestEngine, BacktestRequest
from tradekernel.orchestration.backtest.reference_kernel import reference_kernel
from tradekernel.orchestration.cycle.recorded_market import Progress
from tradekernel.orchestration.cycle.result import RunResult
from tradekernel.orchestration.kernel.planning_kernel import PlanningKernel
from tradekernel.shared.utc_time import utc_text


@attrs.frozen(kw_only=True)
class RecordedPlan:
    """One recorded plan: its cycle time, hash, and the symbols it directs or orders."""

    ts_ms: int
    plan_hash: str
    symbols: tuple[str, ...]


class PlanRecorder:
    """A backtest plan sink that keeps each recorded plan's time, hash and symbols."""

    def __init__(self) -> None:
        self.plans: list[RecordedPlan] = []

    def __call__(self, plan: Plan, digest: str, _plan_json: str, _context_json: str) -> None:
        """Record `plan` (the engine's `PlanSink` signature)."""
        symbols = {d.symbol for d in plan.directives} | {i.symbol for i in plan.intents}
        self.plans.append(
            RecordedPlan(ts_ms=plan.cycle_ts_ms, plan_hash=digest, symbols=tuple(sorted(symbols)))
        )


@attrs.frozen(kw_only=True)
class SparseDifference:
    """The first bar where the runs differ: a plan only one made, two hashes, or fills."""

    ts_ms: int
    symbols: tuple[str, ...]
    what: str


@attrs.frozen(kw_only=True)
class SparseCheck:
    """The outcome: the dense run's plan count and run hash, and the first difference."""

    plans: int
    run_plan_hash: str
    dense_calls: int
    sparse_calls: int
    difference: SparseDifference | None


def _only(run: str, plan: RecordedPlan) -> SparseDifference:
    other = "sparse" if run == "dense" else "dense"
    return SparseDifference(
        ts_ms=plan.ts_ms,
        symbols=plan.symbols,
        what=f"a plan only the {run} run made (hash {plan.plan_hash}); the {other} run "
        "has none at this bar",
    )


def plan_difference(
    dense: Sequence[RecordedPlan], sparse: Sequence[RecordedPlan]
) -> SparseDifference | None:
    """Return the earliest bar where the two plan sequences (each in time order) differ."""
    d = s = 0
    while d < len(dense) and s < len(sparse):
        one, two = dense[d], sparse[s]
        if one.ts_ms < two.ts_ms:
            return _only("dense", one)
        if two.ts_ms < one.ts_ms:
            return _only("sparse", two)
        if one.plan_hash != two.plan_hash:
            return SparseDifference(
                ts_ms=one.ts_ms,
                symbols=tuple(sorted({*one.symbols, *two.symbols})),
                what=f"two different plans (dense hash {one.plan_hash}, "
                f"sparse hash {two.plan_hash})",
            )
        d, s = d + 1, s + 1
    if d < len(dense):
        return _only("dense", dense[d])
    if s < len(sparse):
        return _only("sparse", sparse[s])
    return None


def _describe_fill(fill: Fill | None) -> str:
    if fill is None:
        return "none"
    return f"{fill.side.value} {fill.quantity} @ {fill.price} ({fill.client_order_id})"


def fill_difference(dense: Sequence[Fill], sparse: Sequence[Fill]) -> SparseDifference | None:
    """Return the first fill (in execution order) where the two runs differ, or None."""
    for number in range(max(len(dense), len(sparse))):
        one = dense[number] if number < len(dense) else None
        two = sparse[number] if number < len(sparse) else None
        if one == two:
            continue
        first = min((f for f in (one, two) if f is not None), key=lambda f: f.ts_ms)
        return SparseDifference(
            ts_ms=first.ts_ms,
            symbols=(first.symbol,),
            what=f"fill {number + 1} differs (dense {_describe_fill(one)}, "
            f"sparse {_describe_fill(two)})",
        )
    return None


def compare_runs(
    dense: RunResult,
    sparse: RunResult,
    dense_plans: Sequence[RecordedPlan],
    sparse_plans: Sequence[RecordedPlan],
) -> SparseCheck:
    """Return the check of two runs of one backtest; plans are compared before fills."""
    # Equal plan sequences chain to equal run plan hashes: the plans decide, then fills.
    difference = plan_difference(dense_plans, sparse_plans)
    if difference is None:
        difference = fill_difference(dense.fills, sparse.fills)
    return SparseCheck(
        plans=len(dense.plan_hashes),
        run_plan_hash=dense.run_plan_hash,
        dense_calls=dense.kernel_calls,
        sparse_calls=sparse.kernel_calls,
        difference=difference,
    )


def verify_sparse(
    kernel: PlanningKernel,
    new_venue: Callable[[], SimulatedVenue],
    request: BacktestRequest,
    progress_of: Callable[[str], Progress | None] = lambda _mode: None,
) -> SparseCheck:
    """Run the reference kernel dense and `kernel` sparse, on fresh venues; compare them.

    `progress_of("dense")` and then `progress_of("sparse")` give each run's progress
    callback (None for none).
    """
    runs: list[tuple[RunResult, list[RecordedPlan]]] = []
    for dense in (True, False):
        recorder = PlanRecorder()
        progress = progress_of("dense" if dense else "sparse")
        engine = BacktestEngine(
            reference_kernel(kernel) if dense else kernel,
            new_venue(),
            on_plan=recorder,
            progress=progress,
        )
        runs.append((engine.run(attrs.evolve(request, dense=dense)), recorder.plans))
    (dense_result, dense_plans), (sparse_result, sparse_plans) = runs
    return compare_runs(dense_result, sparse_result, dense_plans, sparse_plans)


def describe_check(check: SparseCheck) -> str:
    """Return the one-line verdict: agreement with the plan count and hash, or the bar."""
    difference = check.difference
    if difference is None:
        return f"dense and sparse agree: {check.plans} plans, run plan hash {check.run_plan_hash}"
    symbols = f", {', '.join(difference.symbols)}" if difference.symbols else ""
    return (
        f"dense and sparse differ first at {utc_text(difference.ts_ms)} "
        f"(epoch ms {difference.ts_ms}{symbols}): {difference.what}"
    )
