"""`tradekernel check-lookahead`: prove the context workers use only past bars."""

import argparse
from typing import TYPE_CHECKING

from tradekernel.bootstrap.commands.common import (
    add_config_argument,
    add_data_argument,
)
from tradekernel.domain.errors import ConfigError

if TYPE_CHECKING:
    from tradekernel.orchestration.kernel.lookahead import LookaheadFinding

EXIT_FINDINGS = 1


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "check-lookahead",
        help="recompute every context worker on truncated history and report look-ahead",
        description=(
            "Recompute each context worker on history truncated at sampled bars and compare "
            "with the full-history value at that bar. Any difference is a look-ahead bias. "
            "Exit 1 if any is found."
        ),
        epilog="example:\n  tradekernel check-lookahead --config examples/sma_cross.toml "
        "--data bars.csv --samples 100",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_config_argument(parser, required=True)
    add_data_argument(parser, required=True)
    parser.add_argument(
        "--samples",
        type=int,
        default=50,
        metavar="N",
        help="bars to test per symbol (default 50; the last bar always)",
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        default=0.0,
        metavar="ABS",
        help="allowed absolute difference (default 0: bit-identical)",
    )
    parser.set_defaults(handler=run)


def _print(finding: "LookaheadFinding") -> None:
    print(
        f"  LOOK-AHEAD {finding.symbol} {finding.column} at bar {finding.index} "
        f"(ts {finding.ts_ms}): full history {finding.full!r}, truncated {finding.truncated!r}"
    )


def run(args: argparse.Namespace) -> int:
    from tradekernel.bootstrap.backtest_job import load_data
    from tradekernel.bootstrap.commands.common import data_inputs, load_blueprint_arg
    from tradekernel.orchestration.factory.kernel_factory import build_kernel
    from tradekernel.orchestration.kernel.lookahead import check_lookahead

    if args.samples < 1:
        raise ConfigError(f"must be at least 1, got {args.samples}", path="--samples")
    blueprint, catalog = load_blueprint_arg(args.config)
    data = load_data(data_inputs(args.data, blueprint, args.store), blueprint)
    kernel = build_kernel(blueprint.settings, catalog)
    total_findings = 0
    for loaded in data:
        report = check_lookahead(
            kernel.spec.workers, loaded.series, samples=args.samples, tolerance=args.tolerance
        )
        status = "clean" if not report.findings else f"{len(report.findings)} finding(s)"
        print(
            f"{loaded.series.symbol}: {len(report.indices)} bars x {report.columns} columns "
            f"checked, {status}"
        )
        for finding in report.findings[:20]:
            _print(finding)
        if len(report.findings) > 20:
            print(f"  ... and {len(report.findings) - 20} more")
        total_findings += len(report.findings)
    return EXIT_FINDINGS if total_findings else 0
