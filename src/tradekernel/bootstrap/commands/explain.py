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
        epilog="example (a backtest prints this line with a real id of its run):\n"
        "  tradekernel explain tkc2c107fbbf7edab8a6a5196473f6f9 --db tradekernel.db",
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
    print(explain_order(args.db, args.client_order_id, args.run))
    return 0


def explain_order(db: Path, client_order_id: str, run_id: str | None = None) -> str:
    """Return the text `tradekernel explain` prints for an order recorded in `db`.

    Raises:
        ConfigError: no database at `db`.
        TradekernelError: the order is not recorded (in `run_id`, when given).
    """
    from tradekernel.bootstrap.container import configured
    from tradekernel.bootstrap.explanation import find_explanation
    from tradekernel.shared.utc_time import utc_text

    if not db.is_file():
        raise ConfigError(f"no database at {db}", path="--db")
    container = configured(db_path=db)
    try:
        found = find_explanation(container.run_reader(), client_order_id, run_id)
    finally:
        container.shutdown_resources()
    order, fills = found.order, found.fills
    nodes = {link.node_id: attrs.asdict(link) for link in found.chain}
    lines = [
        f"order {order.client_order_id} in run {found.run_id}, planned at cycle "
        f"{utc_text(found.cycle_ts_ms)} (epoch ms {found.cycle_ts_ms})",
        f"  {order.side.value} {order.quantity} {order.symbol} {order.order_type.value}, "
        f"status {order.status.value}, filled {order.filled_quantity}"
        + (f" @ {order.average_fill_price}" if order.average_fill_price is not None else ""),
        "causality (each line caused by the lines indented below it):",
        *_tree(nodes, client_order_id, 1, set()),
    ]
    lines.append("plans:")
    for kind in _PLAN_KINDS:
        node = nodes.get(f"{kind}:{found.directive_id}")
        if node is not None:
            lines.append(f"  {kind:<12} {node['summary']}")
    lines.append(f"fills ({len(fills)}):")
    lines.extend(
        f"  {fill.trade_id}: {fill.quantity} @ {fill.price}, fee {fill.fee} "
        f"{fill.fee_asset}, {fill.liquidity.value}, at {utc_text(fill.ts_ms)}"
        for fill in fills
    )
    lines.append(f"plan hash {found.plan_hash}")
    return "\n".join(lines)
