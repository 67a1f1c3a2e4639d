"""`tradekernel explain`: an order's causality chain, from the fills back to the bar."""

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from tradekernel.bootstrap.commands.common import DEFAULT_DB
from tradekernel.domain.errors import ConfigError

_PLAN_KINDS = ("entry_plan", "size_plan", "exit_plan", "routing_plan")


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "explain",
        help="print why an order exists: bar, context, signals, directive, plans, intent, fills",
        description="Explain an order from the SQLite records back to the bar that caused it.",
        epilog="example:\n  tradekernel explain tk3fA9... --db tradekernel.db",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("client_order_id", metavar="CLIENT_ORDER_ID")
    parser.add_argument("--run", metavar="RUN_ID", help="the run (default: the latest holding it)")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, metavar="FILE")
    parser.set_defaults(handler=run)


def _tree(nodes: Mapping[str, Any], node_id: str, depth: int, seen: set[str]) -> list[str]:
    node = nodes.get(node_id)
    if node is None or node_id in seen:
        return []
    seen.add(node_id)
    lines = [f"{'  ' * depth}{node['kind']:<12} {node_id}: {node['summary']}"]
    for parent in node["parents"]:
        if not any(parent.startswith(kind) for kind in _PLAN_KINDS):
            lines.extend(_tree(nodes, parent, depth + 1, seen))
    return lines


def run(args: argparse.Namespace) -> int:
    from tradekernel.bootstrap.container import configured
    from tradekernel.bootstrap.explanation import explain_order

    if not args.db.is_file():
        raise ConfigError(f"no database at {args.db}", path="--db")
    container = configured(db_path=args.db)
    try:
        found = explain_order(container.run_reader(), args.client_order_id, args.run)
    finally:
        container.shutdown_resources()
    run_id, order, fills, chain = found.run_id, found.order, found.fills, found.chain
    nodes = {link.node_id: attrs.asdict(link) for link in chain}
    print(f"order {order.client_order_id} in run {run_id}, planned at cycle {found.cycle_ts_ms}")
    print(
        f"  {order.side.value} {order.quantity} {order.symbol} {order.order_type.value}, "
        f"status {order.status.value}, filled {order.filled_quantity}"
        + (f" @ {order.average_fill_price}" if order.average_fill_price is not None else "")
    )
    print("causality (each line caused by the lines indented below it):")
    for line in _tree(nodes, args.client_order_id, 1, set()):
        print(line)
    directive = found.directive_id
    print("plans:")
    for kind in _PLAN_KINDS:
        node = nodes.get(f"{kind}:{directive}")
        if node is not None:
            print(f"  {kind:<12} {node['summary']}")
    print(f"fills ({len(fills)}):")
    for fill in fills:
        print(
            f"  {fill.trade_id}: {fill.quantity} @ {fill.price}, fee {fill.fee} "
            f"{fill.fee_asset}, {fill.liquidity.value}, at {fill.ts_ms}"
        )
    print(f"plan hash {found.plan_hash}")
    return 0
