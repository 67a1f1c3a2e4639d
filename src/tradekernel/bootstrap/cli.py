"""The `tradekernel` command line: one sub-command module per command."""

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib import metadata

from tradekernel.bootstrap.gc_policy import long_run_gc
from tradekernel.domain.errors import ConfigError, DataError, TradekernelError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace], int]


def _version() -> str:
    try:
        return metadata.version("tradekernel")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="tradekernel",
        description="One deterministic planning kernel for backtest, paper and live trading.",
        epilog="Example: tradekernel backtest --out out/  (runs the bundled example)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tradekernel {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    from tradekernel.bootstrap.commands import registry

    for register in registry.REGISTRARS:
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (0 ok, 1 findings, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_OK
    try:
        with long_run_gc():
            return handler(args)
    except (ConfigError, DataError) as error:
        print(f"error: {error}", file=sys.stderr)
        print("hint: run with --help for usage and examples", file=sys.stderr)
        return EXIT_USAGE
    except TradekernelError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FINDINGS
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
