"""`tradekernel reconcile`: report the venue against the store, without trading."""

import argparse
from pathlib import Path

EXAMPLES = """examples:
  tradekernel reconcile --config examples/live/live_testnet.toml
      # exit 0: the store explains the venue; 1: it does not
"""


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "reconcile",
        help="compare the venue's orders and balances with the store (read only)",
        description="Report venue-versus-store differences; nothing is sent or written.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--config", type=Path, required=True, metavar="FILE", help="live config (TOML)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from tradekernel.bootstrap.live_job import load_live, reconcile_only
    from tradekernel.bootstrap.live_session import open_session
    from tradekernel.orchestration.live.startup_guard import guard_message

    wiring = open_session(load_live(args.config), live=True, record=False)
    try:
        report = reconcile_only(wiring)
    finally:
        wiring.close()
    if report.is_clean:
        print(f"clean    the store explains every open order and balance ({wiring.session_id})")
        return 0
    print(guard_message(report))
    return 1
