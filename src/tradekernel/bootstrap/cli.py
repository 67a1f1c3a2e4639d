"""The `tradekernel` command line: one sub-command module per command."""

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from importlib import metadata

from tradekernel.bootstrap.gc_policy import long_run_gc
from tradekernel.domain.errors import (
    ConfigError,
    DataError,
    OutputError,
    StorageError,
    TradekernelError,
)

# The documented exit codes (README.md, "Exit codes"); scripts branch on them.
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_STORAGE = 3
EXIT_OUTPUT = 4
EXIT_INTERRUPTED = 130

_HINTS = {
    EXIT_USAGE: "run with --help for usage and examples",
    EXIT_STORAGE: "check the --db file: a tradekernel database, writable, not open in another "
    "program; or pass another --db",
    EXIT_OUTPUT: "check that the --out path is a writable directory (not a file), "
    "or pass another --out",
}

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
        epilog="Example: tradekernel backtest --out out/  (runs the bundled example)\n\n"
        "Exit codes: 0 ok, 1 findings, 2 bad input (arguments, config, data), "
        "3 storage (--db), 4 output (--out), 130 interrupted.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tradekernel {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    from tradekernel.bootstrap.commands import registry
    from tradekernel.bootstrap.sweeps import command as optimize

    # `optimize` lives beside the sweep it runs: the sweep uses the Python API, which
    # imports the commands package, so the commands package cannot import it back.
    for register in (*registry.REGISTRARS, optimize.register):
        register(subparsers)
    for command_parser in subparsers.choices.values():
        # A command group run without its action (`tradekernel portfolio`) has no handler;
        # main prints this parser's help for it.
        command_parser.set_defaults(command_parser=command_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code.

    0 ok, 1 findings (or another refusal), 2 bad input (arguments, config, data; also a
    command group without its action, e.g. `tradekernel portfolio`, which prints the
    group's help to stderr), 3 storage (the run database), 4 output (`--out` files),
    130 interrupted. A reader that closes the pipe early (`tradekernel ... | head`) is not
    an error of the run: exit 0, no traceback.
    """
    try:
        return _run(argv)
    except BrokenPipeError:
        return _quiet_after_broken_pipe()


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version and usage errors
        _flush_stdout()
        raise exit_ from None
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        group: argparse.ArgumentParser | None = getattr(args, "command_parser", None)
        if group is None:
            parser.print_help()
            return EXIT_OK
        group.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        with long_run_gc():
            return handler(args)
    except (ConfigError, DataError) as error:
        return _print_error(error, EXIT_USAGE)
    except StorageError as error:
        return _print_error(error, EXIT_STORAGE)
    except OutputError as error:
        return _print_error(error, EXIT_OUTPUT)
    except TradekernelError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FINDINGS
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        # Flush here, inside main's BrokenPipeError handler, not at interpreter exit,
        # where a closed pipe would print "Exception ignored ... BrokenPipeError".
        _flush_stdout()


def _flush_stdout() -> None:
    sys.stdout.flush()


def _quiet_after_broken_pipe() -> int:
    """Point stdout at devnull so the interpreter's exit flush cannot fail again.

    The recipe of the Python docs ("Note on SIGPIPE" in the signal module) with exit 0, not
    1: the reader went away (`| head`), which is not an error of the run.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_OK


def _print_error(error: TradekernelError, code: int) -> int:
    print(f"error: {error}", file=sys.stderr)
    print(f"hint: {_HINTS[code]}", file=sys.stderr)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
