"""`tradekernel plan`: one planning cycle at one bar, printed."""

import argparse
import json
from decimal import Decimal

from tradekernel.bootstrap.commands.common import (
    add_config_argument,
    add_data_argument,
    add_universe_arguments,
)
from tradekernel.domain.plan import Plan

EXAMPLES = """examples:
  tradekernel plan --config examples/sma_cross.toml --data bars.csv
  tradekernel plan --config examples/sma_cross.toml --data BTC/USD=bars.csv \
      --at 1525132800000 --format json
"""


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "plan",
        help="run one planning cycle at a bar and print the plan",
        description="Run one cycle of the kernel on recorded bars (flat account, starting cash).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_config_argument(parser, required=True)
    add_data_argument(parser, required=True)
    add_universe_arguments(parser)
    parser.add_argument(
        "--at",
        type=int,
        metavar="TIMESTAMP_MS",
        help="the bar (open time, epoch ms) to decide on; default: the last bar",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import attrs

    from tradekernel.bootstrap.backtest_job import load_data
    from tradekernel.bootstrap.commands.common import (
        data_inputs,
        load_blueprint_arg,
        with_universe_lists,
    )
    from tradekernel.bootstrap.offline_context import offline_context
    from tradekernel.orchestration.factory.kernel_factory import build_kernel
    from tradekernel.orchestration.records.canonical import canonical_json, plan_hash
    from tradekernel.orchestration.records.causality import plan_causality

    blueprint, catalog = load_blueprint_arg(args.config)
    blueprint = with_universe_lists(blueprint, args.allow, args.deny)
    data = load_data(data_inputs(args.data, blueprint, args.store), blueprint)
    kernel = build_kernel(blueprint.settings, catalog)
    context = offline_context(blueprint.settings, data, args.at, run_id="plan")
    plan = kernel.plan(context)
    digest = plan_hash(plan)
    if args.format == "json":
        closes = {symbol: float(mark.price) for symbol, mark in context.marks.items()}
        chain = [attrs.asdict(link) for link in plan_causality(plan, closes)]
        print(
            json.dumps(
                {"plan": json.loads(canonical_json(plan)), "plan_hash": digest, "causality": chain},
                sort_keys=True,
                indent=2,
            )
        )
    else:
        print(render_plan(plan, digest))
    return 0


def _score(value: Decimal) -> str:
    return f"{value:.3f}"


def render_plan(plan: Plan, digest: str) -> str:
    """Return a readable text form of a plan."""
    lines = [f"cycle {plan.cycle_ts_ms}  universe {', '.join(plan.universe.selected) or '(empty)'}"]
    for assessment in plan.assessments:
        lines.append(
            f"  context   {assessment.symbol}: strength {_score(assessment.strength)} "
            f"weakness {_score(assessment.weakness)} regime {assessment.regime.value}"
        )
    for signal in plan.opportunities:
        lines.append(
            f"  signal    {signal.symbol} {signal.source} {signal.side.value} "
            f"confidence {_score(signal.confidence)}: {signal.reason}"
        )
    for threat in plan.threats:
        lines.append(
            f"  threat    {threat.symbol or '(portfolio)'} {threat.source} "
            f"severity {_score(threat.severity)}: {threat.reason}"
        )
    for directive in plan.directives:
        lines.append(
            f"  directive {directive.directive_id} {directive.scope.value} "
            f"{directive.side.value} {directive.symbol} confidence "
            f"{_score(directive.confidence)} ({directive.source})"
        )
    if not plan.directives:
        lines.append("  no directive")
    for intent in plan.intents:
        price = intent.price or intent.stop_price or "market"
        head = (
            f"  {'skipped' if intent.skipped else 'intent '}   {intent.client_order_id} "
            f"{intent.side.value} {intent.quantity} {intent.symbol} "
            f"{intent.order_type.value} @ {price}"
        )
        if intent.skipped:
            head += f"  [{intent.skip_reason}] {intent.skip_detail}"
        lines.append(head)
    for diagnostic in plan.diagnostics:
        lines.append(f"  note      {diagnostic.stage}/{diagnostic.code}: {diagnostic.message}")
    lines.append(f"plan hash {digest}")
    return "\n".join(lines)
