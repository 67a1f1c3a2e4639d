"""`tradekernel paper`: replay bars through the paper venue and the OMS."""

import argparse
import os
import sys
from pathlib import Path

from tradekernel.bootstrap.commands.common import (
    DEFAULT_DB,
    add_config_argument,
    add_run_id_arguments,
    add_store_argument,
    add_time_window_arguments,
    add_universe_arguments,
)

EXAMPLES = """examples (paths relative to a checkout; the data ships in the package):
  tradekernel paper --config examples/sma_cross.toml \\
      --replay src/tradekernel/data/coinbase_BTC-USD_1h.csv   # as fast as possible
  tradekernel paper --config examples/breakout_atr.toml --start 2024-03-01 \\
      --replay BTC/USDT=src/tradekernel/data/binance_BTC-USDT_4h.csv --speed 14400 --out out/
  (Ctrl-C stops after the cycle in flight; the orders stay in --db as events)
"""


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--speed {text}: not a number") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"--speed {text}: must be a finite number >= 0")
    return value


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "paper",
        help="paper-trade a blueprint on replayed bars (orders through the OMS)",
        description="Replay recorded bars through the paper venue: the backtest's matching, "
        "orders as events in the store, one kernel cycle per closed bar.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_config_argument(parser, required=True)
    parser.add_argument(
        "--replay",
        action="append",
        default=[],
        required=True,
        metavar="[SYMBOL=]SOURCE",
        help="bars to replay, a file or a store name; SOURCE binds to the blueprint's only "
        "symbol, SYMBOL=SOURCE names it (repeatable, as --data of backtest)",
    )
    add_store_argument(parser)
    add_universe_arguments(parser)
    add_time_window_arguments(parser)
    parser.add_argument(
        "--speed",
        type=_speed,
        default=0.0,
        metavar="N",
        help="0: as fast as possible (default); N: N times real time",
    )
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="also write trades.csv, summary.json, report.html"
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=DEFAULT_DB,
        metavar="FILE",
        help=f"SQLite records and order events (default: ./{DEFAULT_DB})",
    )
    add_run_id_arguments(parser)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from tradekernel.adapters.reports.skips import skip_line
    from tradekernel.adapters.reports.terminal import summary_table
    from tradekernel.adapters.reports.writer import check_output_dir
    from tradekernel.bootstrap.commands.common import load_windowed_data, with_universe_lists
    from tradekernel.bootstrap.commands.run_footer import data_lines, records_lines
    from tradekernel.bootstrap.container import configured
    from tradekernel.bootstrap.notifications import build_notifier
    from tradekernel.bootstrap.paper_job import run_paper
    from tradekernel.bootstrap.signals import install_stop_handlers

    if args.out is not None:
        check_output_dir(args.out)  # refuse a bad --out before the run, not after it
    container = configured(
        mode="paper",
        db_path=args.db,
        blueprint_path=args.config,
        refine=lambda loaded: with_universe_lists(loaded, args.allow, args.deny),
        data_store=str(args.store),
    )
    try:
        data = load_windowed_data(args.replay, container.blueprint(), args)
        outcome = run_paper(
            container.recorded_run_parts(),
            data,
            out_dir=args.out,
            speed=args.speed,
            run_id=args.run_id,
            replace=args.replace,
            progress_stream=None if args.quiet else sys.stderr,
            on_runner=install_stop_handlers,
            notifier=build_notifier(os.environ),
        )
    finally:
        container.shutdown_resources()
    result = outcome.result
    for line in data_lines(outcome.data):
        print(line)
    pace = "as fast as possible" if args.speed == 0 else f"{args.speed:g}x real time"
    print(
        f"run      {outcome.run_id} (paper replay, {pace}), {result.cycles} cycles, "
        f"{outcome.seconds:.2f} s, stopped: {result.stop_reason}"
    )
    print(f"plans    {len(result.plan_hashes)} recorded, run plan hash {result.run_plan_hash}")
    print(f"orders   {len(result.order_states)} in the event store, {len(result.fills)} fills")
    if result.rejections:
        print(f"rejected {len(result.rejections)} orders, first: {result.rejections[0][2]}")
    if result.dropped_slices:
        _, first, why = result.dropped_slices[0]
        print(f"dropped {len(result.dropped_slices)} delayed slices, first: {first} ({why})")
    skipped = skip_line(result.skipped_intents)
    if skipped is not None:
        print(skipped)
    for trade in result.open_trades:
        print(f"open     {trade.symbol}: {trade.open_qty} still held (marked at the last close)")
    print()
    print(summary_table(outcome.metrics, title="Paper summary", identity=outcome.identity), end="")
    print()
    for line in records_lines(result, outcome.db_path):
        print(line)
    if outcome.outputs is not None:
        print(
            f"outputs  {outcome.outputs.trades_csv}, {outcome.outputs.summary_json}, "
            f"{outcome.outputs.report_html}"
        )
    return 0
