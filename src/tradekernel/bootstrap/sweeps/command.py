"""`tradekernel optimize`: a parameter sweep, searched by Optuna, run on Dask distributed."""

import argparse
import sys
from pathlib import Path

from tradekernel.bootstrap.commands.common import (
    DEFAULT_DB,
    add_config_argument,
    add_data_argument,
    add_time_window_arguments,
)

EXAMPLES = """examples (docs/optimize.md; needs the `sweeps` extra):
  tradekernel optimize --config examples/sma_cross.toml \\
      --param 'context.workers[0].period=5:30' --param 'context.workers[1].period=20:120:5' \\
      --objective sharpe --min-trades 10 --trials 200 --workers 4 --out best.toml
  tradekernel optimize ... --scheduler tcp://10.0.0.5:8786 \\
      --storage postgresql://user:pw@10.0.0.5/optuna --study sma-2024   # a cluster
  (it prints how to reproduce the best trial with `tradekernel backtest --config best.toml`)
"""


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "optimize",
        help="search blueprint parameters (Optuna) with one backtest per trial (Dask)",
        description="Sweep blueprint parameters: each trial is one backtest through the "
        "same engine, recorded in the run store as opt-<study>-<trial>.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_config_argument(parser, required=False)
    add_data_argument(parser, required=False)
    add_time_window_arguments(parser)
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="PATH=RANGE",
        help="a key path and its range: LO:HI[:STEP] (integers or decimals) or A|B|C",
    )
    parser.add_argument("--objective", default="sharpe", help="a summary metric (default sharpe)")
    parser.add_argument("--direction", choices=("max", "min"), default="max")
    parser.add_argument("--min-trades", type=int, default=0, metavar="N")
    parser.add_argument("--trials", type=int, default=50, metavar="N", help="the study's total")
    parser.add_argument("--sampler", choices=("tpe", "grid", "random"), default="tpe")
    parser.add_argument("--seed", type=int, default=None, help="the sampler's seed")
    parser.add_argument("--workers", type=int, default=2, metavar="K", help="local Dask workers")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="an existing Dask scheduler")
    parser.add_argument("--study", help="study name (default: the blueprint's name)")
    parser.add_argument(
        "--storage",
        default="sqlite:///tradekernel-optuna.db",
        metavar="URL",
        help="Optuna storage, any SQLAlchemy URL (default: sqlite:///tradekernel-optuna.db)",
    )
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, metavar="FILE")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write the best blueprint there")
    parser.add_argument(
        "--walk-forward",
        type=int,
        metavar="N",
        help="N folds: optimise on each span, score the best on the next (out of sample)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from tradekernel.bootstrap.blueprints import bundled_blueprint
    from tradekernel.bootstrap.commands.common import load_blueprint_arg, load_windowed_data
    from tradekernel.bootstrap.sweeps.optimize import (
        best_blueprint_text,
        best_overrides,
        sweep,
        top_table,
    )
    from tradekernel.bootstrap.sweeps.space import parse_param
    from tradekernel.bootstrap.sweeps.study import SweepRequest, check_request
    from tradekernel.domain.errors import OutputError

    # Absolute: the workers read the file, maybe from another working directory.
    config = str((args.config if args.config is not None else bundled_blueprint()).resolve())
    blueprint, _catalog = load_blueprint_arg(Path(config))
    request = SweepRequest(
        config=config,
        space=tuple(parse_param(spec) for spec in args.param),
        objective=args.objective,
        direction=args.direction,
        min_trades=args.min_trades,
        trials=args.trials,
        sampler=args.sampler,
        study=args.study or blueprint.settings.name,
        storage=args.storage,
        db=str(args.db),
        seed=args.seed,
    )
    check_request(request)
    bars = load_windowed_data(args.data, blueprint, args)
    progress = None if args.quiet else sys.stderr
    if args.walk_forward is not None:
        from tradekernel.bootstrap.sweeps.walk_forward import fold_table, walk_forward

        folds = walk_forward(
            request, bars, args.walk_forward, workers=args.workers, scheduler=args.scheduler,
            progress=progress,
        )  # fmt: skip
        print(fold_table(folds, request.objective), end="")
        return 0
    study = sweep(
        request,
        bars,
        workers=args.workers,
        scheduler=args.scheduler,
        progress=progress,
    )
    print(f"study    {request.study} in {request.storage}, {len(study.trials)} trials")
    print(top_table(study, request.objective), end="")
    best = best_overrides(study, request.space)
    print(
        f"best     trial {study.best_trial.number}: {study.best_value:.6g}, run id "
        f"{study.best_trial.user_attrs.get('run_id')} in {args.db}"
    )
    if args.out is not None:
        try:
            args.out.write_text(best_blueprint_text(config, best), encoding="utf-8")
        except OSError as error:
            raise OutputError(f"cannot write it: {error}", path=str(args.out)) from None
        print(
            f"wrote    {args.out} (reproduce: tradekernel backtest --config {args.out} "
            f"--run-id {study.best_trial.user_attrs.get('run_id')})"
        )
    return 0
