"""`tradekernel control`: set or show a bot's trading state (active, reducing, halted).

The command writes the same SQLite control store the running bot reads once per cycle
(`orchestration/runtime/trading_control.py`), so a change takes effect within one cycle.
"""

import argparse
from pathlib import Path

from tradekernel.bootstrap.commands.common import DEFAULT_DB
from tradekernel.bootstrap.trading_state import set_trading_state
from tradekernel.domain.errors import ConfigError
from tradekernel.domain.ports.control_store import ControlRecord
from tradekernel.domain.ports.operator_console import CONTROL_ACTIONS
from tradekernel.shared.utc_time import utc_text

ACTIONS = CONTROL_ACTIONS
DEFAULT_BOT = "default"

EXAMPLES = """examples:
  tradekernel control halt --reason "exchange maintenance"   # no orders, no cancels
  tradekernel control reduce --bot btc-1                     # reduce-only orders and cancels
  tradekernel control resume
  tradekernel control status --db runs.db

a running bot reads the state once per cycle, so a change takes effect within one cycle
"""


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "control",
        help="halt, reduce or resume a running bot, or show its trading state",
        description="Set or show the trading state a bot reads once per cycle.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("action", choices=[*ACTIONS, "status"], help="what to do")
    parser.add_argument("--reason", default="", metavar="TEXT", help="why (kept in the record)")
    parser.add_argument(
        "--db",
        type=Path,
        default=DEFAULT_DB,
        metavar="FILE",
        help=f"the bot's SQLite database (default: ./{DEFAULT_DB})",
    )
    parser.add_argument(
        "--bot", default=DEFAULT_BOT, metavar="ID", help=f"bot id (default: {DEFAULT_BOT})"
    )
    parser.set_defaults(handler=run)


def describe_control(record: ControlRecord | None, bot_id: str) -> str:
    """Return the one-line state of a bot, e.g. `bot default: halted (reason ...)`."""
    if record is None:
        return f"bot {bot_id}: active (never set)"
    reason = f", reason: {record.reason}" if record.reason else ""
    return (
        f"bot {record.bot_id}: {record.state.value} (set by {record.source} "
        f"at {utc_text(record.updated_ms)}{reason})"
    )


def run(args: argparse.Namespace) -> int:
    from tradekernel.bootstrap.container import configured

    if args.action == "status" and not args.db.is_file():
        raise ConfigError(f"no database {args.db}; nothing was ever set there", path="--db")
    # Only the store and the clock are built: no blueprint, no venue.
    container = configured(db_path=args.db)
    try:
        store = container.control_store()
        if args.action == "status":
            print(describe_control(store.read(args.bot), args.bot))
            return 0
        set_trading_state(
            store,
            bot_id=args.bot,
            state=ACTIONS[args.action],
            reason=args.reason or f"{args.action} from the command line",
            source="cli",
            now_ms=container.clock().now_ms(),
        )
        print(describe_control(store.read(args.bot), args.bot))
    finally:
        container.shutdown_resources()
    return 0
