"""Command line of the cycle analyzer: `python -m tools.cycles PACKAGE_DIR`."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tools.cycles.analysis import analyze
from tools.cycles.graph import build_graph
from tools.cycles.layers import DEFAULT_CONTRACTS, LayerOrder, load_layers
from tools.cycles.model import EdgeKind, InputError
from tools.cycles.render import to_json, to_text

EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2

EPILOG = """\
examples:
  python -m tools.cycles src/tradekernel
  python -m tools.cycles .venv/lib/python3.11/site-packages/ccxt --package-depth 3 \\
      --exclude 'static_dependencies' --format json

Cycles are computed on module-level imports only; TYPE_CHECKING-only and function-level
imports are counted and can be added with the --include-* flags.
exit codes: 0 clean, 1 findings (cycle, package cycle, orphan dir; oversized modules
only with --strict-size), 2 usage or input error.
"""


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.cycles",
        description="Find import cycles, package cycles, oversized modules and orphan "
        "directories in a Python package, and suggest which imports to cut.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("package_dir", metavar="PACKAGE_DIR", help="directory with __init__.py")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument(
        "--include-type-checking",
        action="store_true",
        help="count imports under `if TYPE_CHECKING:` for cycles",
    )
    parser.add_argument(
        "--include-function-level",
        action="store_true",
        help="count imports inside functions for cycles",
    )
    parser.add_argument(
        "--package-depth",
        type=_positive,
        default=2,
        metavar="N",
        help="collapse modules to N dotted parts for package cycles (default 2: a.b.c -> a.b)",
    )
    parser.add_argument(
        "--contracts",
        type=Path,
        metavar="FILE",
        help="import-linter TOML whose first layers contract orders the cuts "
        f"(default: {DEFAULT_CONTRACTS} when it exists)",
    )
    parser.add_argument("--max-module-lines", type=_positive, default=300, metavar="N")
    parser.add_argument(
        "--strict-size", action="store_true", help="count oversized modules as findings"
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip files and directories matching GLOB (relative path or name); repeatable",
    )
    return parser


def _layers(contracts: Path | None) -> LayerOrder | None:
    if contracts is not None:
        if not contracts.is_file():
            raise InputError(f"no such contracts file: {contracts}")
        return load_layers(contracts)
    if DEFAULT_CONTRACTS.is_file():
        return load_layers(DEFAULT_CONTRACTS)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the analyzer and return its exit code (0 clean, 1 findings, 2 input error)."""
    args = _parser().parse_args(argv)
    kinds = [EdgeKind.MODULE]
    if args.include_type_checking:
        kinds.append(EdgeKind.TYPE_CHECKING)
    if args.include_function_level:
        kinds.append(EdgeKind.FUNCTION)
    try:
        layers = _layers(args.contracts)
        graph = build_graph(args.package_dir, args.exclude)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INPUT
    path = Path(args.package_dir).as_posix().rstrip("/") or "/"
    report = analyze(graph, path, kinds, args.package_depth, args.max_module_lines, layers)
    text = to_json(report) + "\n" if args.format == "json" else to_text(report, args.strict_size)
    sys.stdout.write(text)
    return EXIT_FINDINGS if report.findings(args.strict_size) else EXIT_CLEAN
