"""`tradekernel replay`: re-plan a recorded run and prove its plans are the same."""

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tradekernel.bootstrap.commands.common import (
    DEFAULT_DB,
    add_universe_arguments,
)

if TYPE_CHECKING:
    from tradekernel.bootstrap.replay_job import ReplayOutcome
    from tradekernel.bootstrap.wiring import RunIndex

EXIT_IDENTICAL = 0
EXIT_DIFFERS = 1

EXAMPLES = """examples:
  tradekernel replay                          # the latest run of ./tradekernel.db
  tradekernel replay bt-1a2b3c4d-5e6f7a8b --db runs.db
  tradekernel replay --config examples/rsi_mean_reversion.toml
      # would a changed blueprint decide otherwise?
  tradekernel replay --data BTC/USD=src/tradekernel/data/coinbase_BTC-USD_1h.csv
      # the run's data file moved

exit status: 0 every cycle identical, 1 a plan differs (the first is shown), 2 bad input
(unknown run, missing or changed data file, invalid blueprint)
"""


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "replay",
        help="re-plan a recorded run with the current kernel and compare every plan",
        description=(
            "Reload a recorded run's data (checked by sha256), rebuild every recorded "
            "context and plan it again; report identical cycles or the first difference."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("run_id", nargs="?", metavar="RUN_ID", help="default: the latest run")
    parser.add_argument(
        "--db",
        type=Path,
        default=DEFAULT_DB,
        metavar="FILE",
        help=f"SQLite records (default: ./{DEFAULT_DB})",
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="replay with this blueprint instead of the run's recorded config",
    )
    parser.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="SYMBOL=PATH",
        help="use PATH for SYMBOL instead of the recorded path (same bytes; repeatable)",
    )
    add_universe_arguments(parser)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from tradekernel.bootstrap.container import configured
    from tradekernel.orchestration.cycle.replay import describe_report

    container = configured(db_path=args.db)
    try:
        outcome = _replay(args, container.run_reader)
    finally:
        container.shutdown_resources()
    print(f"config   {outcome.blueprint.file}")
    for line in describe_report(outcome.report):
        print(line)
    return EXIT_IDENTICAL if outcome.report.identical else EXIT_DIFFERS


def _replay(args: argparse.Namespace, reader_of: Callable[[], "RunIndex"]) -> "ReplayOutcome":
    from tradekernel.bootstrap.commands.common import with_universe_lists
    from tradekernel.bootstrap.replay_job import data_overrides, run_replay

    return run_replay(
        db_path=args.db,
        reader_of=reader_of,
        run_id=args.run_id,
        config=args.config,
        data=data_overrides(args.data),
        # The run's own merged lists (its CLI lists included) unless another blueprint is
        # replayed; --allow/--deny add to them.
        refine=lambda blueprint, recorded: with_universe_lists(
            blueprint,
            [*(recorded[0] if args.config is None else ()), *args.allow],
            [*(recorded[1] if args.config is None else ()), *args.deny],
        ),
        progress_stream=None if args.quiet else sys.stderr,
    )
