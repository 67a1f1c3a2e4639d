"""The trade-planning stage: entry, size and exit planners per directive, then routing.

Entry, size and exit planners are chosen by confidence (and hints) and never see each
other's output; the routing planner runs only on a `RoutingRequest` holding all three.
A directive no planner matches, or one a planner refuses, leaves a diagnostic.
"""

from collections.abc import Sequence

from tradekernel.domain.directives import StrategyDirective
from tradekernel.domain.plan import Diagnostic
from tradekernel.domain.signals import FeatureSnapshot
from tradekernel.domain.stage_inputs import AccountView
from tradekernel.domain.trade_plans import ExecutionDirective, RoutingRequest
from tradekernel.orchestration.kernel.kernel_spec import KernelSpec
from tradekernel.orchestration.kernel.selection import choose


def trade_plans(
    spec: KernelSpec,
    directives: Sequence[StrategyDirective],
    snapshots: dict[str, FeatureSnapshot],
    account: AccountView,
    diagnostics: list[Diagnostic],
) -> list[ExecutionDirective]:
    """Return the execution directive of every directive some planners accept, in order."""
    executions: list[ExecutionDirective] = []
    for directive in directives:
        snapshot = snapshots[directive.symbol]
        entry = choose(spec.entry, directive)
        size = choose(spec.size, directive)
        exit_ = choose(spec.exit, directive)
        if entry is None or size is None or exit_ is None:
            missing = [
                name
                for name, choice in (("entry", entry), ("size", size), ("exit", exit_))
                if choice is None
            ]
            diagnostics.append(_no_planner(directive, ", ".join(missing)))
            continue
        routing = choose(spec.routing, directive)
        if routing is None:
            diagnostics.append(_no_planner(directive, "routing"))
            continue
        try:
            request = RoutingRequest(
                directive=directive,
                entry=entry.planner.plan(directive, snapshot),
                size=size.planner.plan(directive, snapshot, account),
                exit=exit_.planner.plan(directive, snapshot),
            )
            routing_plan = routing.planner.plan(request)
        except ValueError as error:
            # A planner refusing its inputs drops this directive, not the whole cycle.
            diagnostics.append(
                Diagnostic(
                    stage="trade_planning",
                    code="planner_error",
                    symbol=directive.symbol,
                    message=f"directive {directive.directive_id}: {error}",
                )
            )
            continue
        executions.append(
            ExecutionDirective(
                directive=directive,
                entry=request.entry,
                size=request.size,
                exit=request.exit,
                routing=routing_plan,
            )
        )
    return executions


def _no_planner(directive: StrategyDirective, stages: str) -> Diagnostic:
    return Diagnostic(
        stage="trade_planning",
        code="no_planner_matches",
        symbol=directive.symbol,
        message=(
            f"no {stages} planner matches directive {directive.directive_id} "
            f"(confidence {directive.confidence}, timing {directive.entry.timing.value})"
        ),
    )
