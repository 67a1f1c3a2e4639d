"""Run the benchmarks: `python -m benchmarks.run [NAME ...]` (NAME: `backtest` for bench_backtest).

Every `benchmarks/bench_*.py` module exposes `run() -> list[tuple[str, str]]`. Modules run
in name order; a failing one prints its error and the others still run; the exit code is
1 if any failed, 2 for an unknown name.
"""

import importlib
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

PACKAGE = "benchmarks"
PREFIX = "bench_"


def discover(directory: Path) -> list[str]:
    """Return the benchmark names (module names without `bench_`), sorted."""
    return sorted(path.stem[len(PREFIX) :] for path in directory.glob(f"{PREFIX}*.py"))


def format_table(rows: Sequence[tuple[str, str, str]]) -> str:
    """Return the rows as one aligned text table with a header."""
    header = ("module", "metric", "value")
    table = [header, *rows]
    widths = [max(len(row[column]) for row in table) for column in range(3)]
    lines = []
    for number, row in enumerate(table):
        lines.append(
            f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}".rstrip()
        )
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def run_all(names: Sequence[str]) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Run the named benchmarks; return the table rows and the names that failed."""
    rows: list[tuple[str, str, str]] = []
    failed: list[str] = []
    for name in names:
        module_name = f"{PACKAGE}.{PREFIX}{name}"
        started = time.perf_counter()
        try:
            module = importlib.import_module(module_name)
            results = module.run()
        except Exception:  # one broken benchmark must not hide the others
            failed.append(name)
            print(f"{module_name} failed:", file=sys.stderr)
            traceback.print_exc()
            rows.append((name, "error", "see stderr"))
            continue
        for metric, value in results:
            rows.append((name, str(metric), str(value)))
        rows.append((name, "bench_seconds", f"{time.perf_counter() - started:.1f}"))
    return rows, failed


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen benchmarks (all by default), print the table, return the exit code."""
    wanted = list(sys.argv[1:] if argv is None else argv)
    available = discover(Path(__file__).resolve().parent)
    unknown = [name.removeprefix(PREFIX) for name in wanted]
    unknown = [name for name in unknown if name not in available]
    if unknown:
        print(
            f"unknown benchmark {', '.join(unknown)}; available: {', '.join(available)}",
            file=sys.stderr,
        )
        return 2
    names = [name.removeprefix(PREFIX) for name in wanted] or available
    rows, failed = run_all(names)
    print(format_table(rows))
    if failed:
        print(f"\n{len(failed)} benchmark(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
