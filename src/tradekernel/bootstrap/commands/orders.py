"""`tradekernel orders`: the orders a database holds, open, unresolved or all."""

import argparse
import json
import os
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from tradekernel.bootstrap.commands.common import DEFAULT_DB
from tradekernel.domain.errors import ConfigError

if TYPE_CHECKING:
    from tradekernel.orchestration.live.order_listing import OrderRow

_EPILOG = """\
open: submitted, accepted, partially filled or cancel requested (working at the venue).
unresolved: created (never answered), submit ambiguous or lost (outcome not known).
Paper and live orders come from the order event log (folded as the OMS folds it);
a backtest's orders (it writes no events) from its run journal's orders table.
Sorted by created time, then client order id. Times are ISO 8601 UTC.

example:
  tradekernel orders --db live.db --status unresolved
  tradekernel orders --db runs.db --run 3f9c... --status all --format json"""

# The table's columns: (header, JSON field).
_COLUMNS = (
    ("CREATED", "created_at"),
    ("UPDATED", "updated_at"),
    ("CLIENT ID", "client_order_id"),
    ("VENUE ID", "venue_order_id"),
    ("SYMBOL", "symbol"),
    ("SIDE", "side"),
    ("TYPE", "order_type"),
    ("PRICE", "price"),
    ("QTY", "quantity"),
    ("FILLED", "filled_quantity"),
    ("STATUS", "status"),
    ("RUN", "run_id"),
    ("SOURCE", "source"),
)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "orders",
        help="list the orders of a database: open (default), unresolved or all",
        description="List the orders recorded in a tradekernel database.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, metavar="FILE")
    parser.add_argument("--run", metavar="RUN_ID", help="only this run (default: every run)")
    parser.add_argument(
        "--status",
        choices=("open", "unresolved", "all"),
        default="open",
        help="which orders (default: open)",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(handler=run)


def _decimal_text(value: Decimal | str | None) -> str | None:
    return None if value is None else str(value)


def as_record(row: "OrderRow") -> dict[str, str | int | None]:
    """Return one order as the JSON object `--format json` prints (see docs/execution.md)."""
    from tradekernel.shared.utc_time import utc_text

    order = row.order
    return {
        "client_order_id": order.client_order_id,
        "venue_order_id": order.venue_order_id,
        "symbol": order.symbol,
        "side": order.side.value,
        "order_type": order.order_type.value,
        "price": _decimal_text(order.price),
        "stop_price": _decimal_text(order.stop_price),
        "quantity": str(order.quantity),
        "filled_quantity": str(order.filled_quantity),
        "average_fill_price": _decimal_text(order.average_fill_price),
        "status": order.status.value,
        "created_at": utc_text(order.created_ms),
        "updated_at": utc_text(order.updated_ms),
        "created_ms": order.created_ms,
        "updated_ms": order.updated_ms,
        "run_id": row.run_id,
        "source": row.source,
    }


def _table(records: Sequence[dict[str, str | int | None]]) -> list[str]:
    cells = [[header for header, _ in _COLUMNS]]
    cells += [["-" if r[key] is None else str(r[key]) for _, key in _COLUMNS] for r in records]
    widths = [max(len(line[i]) for line in cells) for i in range(len(_COLUMNS))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in cells
    ]


def run(args: argparse.Namespace) -> int:
    from tradekernel.bootstrap.container import configured
    from tradekernel.orchestration.live.order_listing import (
        STATUS_CLASSES,
        RunOrders,
        order_rows,
    )
    from tradekernel.orchestration.oms.order_book import OrderBook

    if not args.db.is_file():
        raise ConfigError(f"no database at {args.db}", path="--db")
    container = configured(db_path=args.db)
    try:
        reader = container.run_reader()
        run_ids = reader.run_ids() if args.run is None else (args.run,)
        runs = [
            RunOrders(
                run_id=run_id,
                mode=reader.run_manifest(run_id).mode,
                orders=reader.orders(run_id),
            )
            for run_id in run_ids
        ]
        book = OrderBook()
        for event in container.order_event_store().all_events():
            book.fold_in(event)
    finally:
        container.shutdown_resources()
    rows = order_rows(
        book.states(), runs, statuses=STATUS_CLASSES[args.status], all_runs=args.run is None
    )
    records = [as_record(row) for row in rows]
    lines = (
        [json.dumps(records, indent=2)]
        if args.format == "json"
        else [*_table(records), f"{len(records)} order(s), --status {args.status}"]
    )
    try:
        for line in lines:
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (`| head`) left: not an error. Point stdout at devnull so the
        # interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
