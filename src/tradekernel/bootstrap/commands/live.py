"""`tradekernel live`: trade through the venue (with --live), else a dry run on its prices."""

import argparse
import os
import sys
from pathlib import Path

from tradekernel.domain.live_policy import OrphanPolicy

EXAMPLES = """examples:
  tradekernel live --config examples/live/live_testnet.toml         # dry run: paper fills on
                                                   # the venue's live prices
  tradekernel live --config examples/live/live_testnet.toml --live  # real orders (or mode = "live")
  tradekernel live --config examples/live/live_testnet.toml --live --orphans adopt
                                                   # manage orphans found at start
keys: TRADEKERNEL_API_KEY and TRADEKERNEL_API_SECRET (or the names the config gives), never
in a file. Stop new orders: create the config's stop_file; halt: tradekernel control halt.
stop: SIGTERM or Ctrl-C ends the cycle in flight, keeps or cancels the working orders
(the config's on_stop), records the run and prints its summary; a second signal stops at once.
"""


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "live",
        help="run the bot on a venue (dry run unless --live)",
        description="Run the same planning loop live: real orders only with --live.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--config", type=Path, required=True, metavar="FILE", help="live config (TOML)"
    )
    parser.add_argument("--live", action="store_true", help="send real orders")
    parser.add_argument(
        "--orphans",
        choices=[p.value for p in OrphanPolicy],
        help="venue orders with our prefix the store lacks: refuse, adopt or cancel "
        "(default: the config's)",
    )
    parser.add_argument(
        "--adopt-holdings", action="store_true", help="take venue balances as positions"
    )
    parser.add_argument("--max-cycles", type=int, metavar="N", help="stop after N cycles")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # The live job loads ccxt: only this handler, not the parser, imports it.
    from tradekernel.bootstrap.live_job import load_live, run_live
    from tradekernel.bootstrap.live_session import open_session
    from tradekernel.bootstrap.notifications import live_notifier
    from tradekernel.bootstrap.signals import install_stop_handlers

    loaded = load_live(args.config)
    live = bool(args.live) or loaded.settings.mode == "live"
    wiring = open_session(
        loaded,
        live=live,
        orphans=OrphanPolicy(args.orphans) if args.orphans else None,
        adopt_holdings=True if args.adopt_holdings else None,
    )
    print(
        f"mode     {'LIVE: real orders' if live else 'dry run: paper fills'} ({wiring.session_id})"
    )
    restored = wiring.restored
    if restored is not None and (restored.replayed_fills or restored.replaced):
        print(
            f"restored paper venue from the store: {restored.replayed_fills} fill(s) replayed, "
            f"{len(restored.replaced)} working order(s) placed again"
        )
    for coid, why in restored.not_restored if restored is not None else ():
        print(f"warning  order {coid} not restored on the paper venue: {why}", file=sys.stderr)
    for cycle, coid in wiring.unsent_slices:
        print(
            f"warning  delayed slice {coid} (plan of {cycle}) was never sent before the "
            "restart and is not sent now",
            file=sys.stderr,
        )
    try:
        summary = run_live(
            wiring,
            cycle_seconds=loaded.settings.cycle_seconds,
            max_cycles=args.max_cycles
            if args.max_cycles is not None
            else loaded.settings.max_cycles,
            on_cycle=lambda line: print(line, file=sys.stderr, flush=True),
            on_loop=install_stop_handlers,
            notifier=live_notifier(os.environ, loaded.settings),
        )
    finally:
        wiring.close()
    print(f"summary  {summary}")
    return 0
