"""The causality chain of a plan: its DTOs as nodes, each with the ids of what caused it.

The chain is derived from a plan (`plan_causality`), not built by the kernel: every edge
is an id a DTO already carries, so the plan hash commits to the chain, the recorded plan
stays a third smaller, and planning does not format text nobody may read.

Walking parents from an intent reaches the directive, its four plans, the signals and the
assessment, and the bar: this is what `tradekernel explain` prints. The bar and assessment
of a symbol are nodes only when something of that symbol follows from them (a signal, a
threat or a directive): a quiet symbol's assessment is in `Plan.assessments`, and the chain
stays the size of what happened, not of the universe.
"""

from collections.abc import Mapping

from tradekernel.domain.plan import CausalityLink, Plan
from tradekernel.domain.trade_plans import ExecutionDirective
from tradekernel.shared.utc_time import utc_text


def bar_node_id(symbol: str, ts_ms: int) -> str:
    return f"bar:{symbol}:{ts_ms}"


def plan_causality(
    plan: Plan, closes: Mapping[str, float] | None = None
) -> tuple[CausalityLink, ...]:
    """Return the plan's chain sorted by node id; `closes` adds the bar closes to bar nodes."""
    cycle_ts_ms = plan.cycle_ts_ms
    closes = closes if closes is not None else {}
    assessments, opportunities, threats = plan.assessments, plan.opportunities, plan.threats
    directives, executions, intents = plan.directives, plan.execution_directives, plan.intents
    links: list[CausalityLink] = []
    assessment_of: dict[str, str] = {}
    followed = {signal.symbol for signal in opportunities}
    followed.update(threat.symbol for threat in threats if threat.symbol is not None)
    followed.update(directive.symbol for directive in directives)
    for assessment in assessments:
        symbol = assessment.symbol
        if symbol not in followed:
            continue
        bar = bar_node_id(symbol, cycle_ts_ms)
        links.append(
            CausalityLink(
                node_id=bar,
                kind="bar",
                summary=_bar_text(symbol, cycle_ts_ms, closes.get(symbol)),
            )
        )
        links.append(
            CausalityLink(
                node_id=assessment.assessment_id,
                kind="assessment",
                parents=(bar,),
                summary=f"strength {assessment.strength} weakness {assessment.weakness} "
                f"regime {assessment.regime.value}",
            )
        )
        assessment_of[symbol] = assessment.assessment_id
    for signal in opportunities:
        links.append(
            CausalityLink(
                node_id=signal.signal_id,
                kind="opportunity",
                parents=(assessment_of[signal.symbol],),
                summary=f"{signal.source} {signal.side.value} confidence {signal.confidence}: "
                f"{signal.reason}",
            )
        )
    for threat in threats:
        parent = assessment_of.get(threat.symbol or "")
        links.append(
            CausalityLink(
                node_id=threat.signal_id,
                kind="threat",
                parents=(parent,) if parent else (),
                summary=f"{threat.source} severity {threat.severity}: {threat.reason}",
            )
        )
    for directive in directives:
        parents = directive.causes or (assessment_of.get(directive.symbol, ""),)
        links.append(
            CausalityLink(
                node_id=directive.directive_id,
                kind="directive",
                parents=tuple(sorted(p for p in parents if p)),
                summary=f"{directive.source}: {directive.scope.value} {directive.side.value} "
                f"{directive.symbol} confidence {directive.confidence} {directive.reason}".strip(),
            )
        )
    for execution in executions:
        did = execution.directive_id
        for kind, planner, text in (
            ("entry_plan", execution.entry.planner, _entry_text(execution)),
            ("size_plan", execution.size.planner, f"quantity {execution.size.quantity}"),
            (
                "exit_plan",
                execution.exit.planner,
                f"stop {execution.exit.stop_price} take-profit {execution.exit.take_profit_price}",
            ),
            (
                "routing_plan",
                execution.routing.planner,
                f"{execution.routing.style.value}, {len(execution.routing.slices)} slice(s)",
            ),
        ):
            links.append(
                CausalityLink(
                    node_id=f"{kind}:{did}", kind=kind, parents=(did,), summary=f"{planner}: {text}"
                )
            )
    for intent in intents:
        did = intent.directive_id
        plans = tuple(
            f"{kind}:{did}" for kind in ("entry_plan", "exit_plan", "routing_plan", "size_plan")
        )
        status = (
            f"skipped ({intent.skip_reason}: {intent.skip_detail})"
            if intent.skipped
            else "tradable"
        )
        replaced = intent.replaced_order_id
        if replaced is not None:
            status += f", replaces {replaced} (cancel-replace)"
        links.append(
            CausalityLink(
                node_id=intent.client_order_id,
                kind="intent",
                parents=(did, *plans),
                summary=f"{intent.side.value} {intent.quantity} {intent.symbol} "
                f"{intent.order_type.value} @ {intent.price or intent.stop_price or 'market'}, "
                f"{status}",
            )
        )
    return tuple(sorted(links, key=lambda link: link.node_id))


def _bar_text(symbol: str, cycle_ts_ms: int, close: float | None) -> str:
    text = f"{symbol} bar at {utc_text(cycle_ts_ms)}"
    return text if close is None else f"{text}, close {close!r}"


def _entry_text(execution: ExecutionDirective) -> str:
    layers = ", ".join(
        f"{layer.fraction} {layer.order_type.value}"
        + (f" @ {layer.price}" if layer.price is not None else "")
        for layer in execution.entry.layers
    )
    return f"{layers} (reference {execution.entry.reference_price})"
