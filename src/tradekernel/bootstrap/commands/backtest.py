"""`tradekernel backtest`: the main job."""

import argparse
import sys
from pathlib import Path

from tradekernel.bootstrap.commands.common import (
    DEFAULT_DB,
    add_config_argument,
    add_data_argument,
    add_run_id_arguments,
    add_time_window_arguments,
    add_universe_arguments,
)

EXAMPLES = """examples (paths relative to a checkout; the data ships in the package):
  tradekernel backtest                       # the bundled SMA-cross example on bundled BTC data
  tradekernel backtest --config examples/sma_cross.toml \\
      --data BTC/USD=src/tradekernel/data/coinbase_BTC-USD_1h.csv --out out/
  tradekernel backtest --start 2018-01-01 --end 2018-07-01T00:00Z   # a slice, ISO UTC or epoch ms
  tradekernel backtest --dense --db runs.db  # call the kernel on every bar (same trades)
  tradekernel backtest --run-id myrun --replace   # record afresh under an id already used
  tradekernel backtest --config examples/breakout_atr.toml \\
      --data src/tradekernel/data/binance_BTC-USDT_4h.csv --verify-sparse
                                             # check the sparse loop against the dense one
"""


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "backtest",
        help="run a backtest (no arguments: the bundled example on bundled real data)",
        description="Backtest a blueprint on recorded bars with the same kernel live trading uses.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_config_argument(parser, required=False)
    add_data_argument(parser, required=False)
    add_universe_arguments(parser)
    add_time_window_arguments(parser)
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="also write trades.csv, summary.json and report.html there",
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=DEFAULT_DB,
        metavar="FILE",
        help=f"SQLite records (default: ./{DEFAULT_DB})",
    )
    loop = parser.add_mutually_exclusive_group()
    loop.add_argument(
        "--dense",
        action="store_true",
        help="call the kernel on every bar instead of only where plugins can act",
    )
    loop.add_argument(
        "--verify-sparse",
        action="store_true",
        help="run dense and sparse, name the first bar where they differ (exit 1); records nothing",
    )
    add_run_id_arguments(parser)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from tradekernel.adapters.reports.skips import skip_line
    from tradekernel.adapters.reports.terminal import summary_table
    from tradekernel.adapters.reports.writer import check_output_dir
    from tradekernel.bootstrap.backtest_job import run_backtest
    from tradekernel.bootstrap.commands.common import load_windowed_data, with_universe_lists
    from tradekernel.bootstrap.commands.run_footer import data_lines, records_lines
    from tradekernel.bootstrap.container import configured

    if args.out is not None:
        check_output_dir(args.out)  # refuse a bad --out before the run, not after it
    container = configured(
        mode="backtest",
        db_path=args.db,
        blueprint_path=args.config,
        refine=lambda loaded: with_universe_lists(loaded, args.allow, args.deny),
        data_store=str(args.store),
    )
    try:
        blueprint = container.blueprint()
        data = load_windowed_data(args.data, blueprint, args)
        if args.verify_sparse:
            from tradekernel.bootstrap.sparse_verify import verify_blueprint
            from tradekernel.orchestration.backtest.sparse_check import describe_check

            check = verify_blueprint(
                blueprint,
                container.kernel(),
                data,
                new_venue=container.simulated_venue,
                run_id=args.run_id,
                progress_stream=None if args.quiet else sys.stderr,
            )
            print(
                f"verify   kernel called on {check.dense_calls} bars dense, "
                f"{check.sparse_calls} sparse"
            )
            print(describe_check(check))
            return 0 if check.difference is None else 1
        outcome = run_backtest(
            container.recorded_run_parts(),
            data,
            out_dir=args.out,
            dense=args.dense,
            run_id=args.run_id,
            replace=args.replace,
            progress_stream=None if args.quiet else sys.stderr,
        )
    finally:
        container.shutdown_resources()
    result = outcome.result
    for line in data_lines(outcome.data):
        print(line)
    print(
        f"run      {outcome.run_id} ({'dense' if args.dense else 'sparse'}), "
        f"kernel called on {result.kernel_calls} of {result.bars} bars, "
        f"{outcome.seconds:.2f} s ({result.bars / max(outcome.seconds, 1e-9):,.0f} bars/s)"
    )
    print(f"plans    {len(result.plan_hashes)} recorded, run plan hash {result.run_plan_hash}")
    if result.rejections:
        print(f"rejected {len(result.rejections)} orders, first: {result.rejections[0][2]}")
    skipped = skip_line(result.skipped_intents)
    if skipped is not None:
        print(skipped)
    for trade in result.open_trades:
        print(f"open     {trade.symbol}: {trade.open_qty} still held (marked at the last close)")
    print()
    print(
        summary_table(outcome.metrics, title="Backtest summary", identity=outcome.identity), end=""
    )
    print()
    for line in records_lines(result, outcome.db_path):
        print(line)
    if outcome.outputs is not None:
        print(
            f"outputs  {outcome.outputs.trades_csv}, {outcome.outputs.summary_json}, "
            f"{outcome.outputs.report_html}"
        )
    return 0
