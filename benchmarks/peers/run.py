"""Side by side with peers: `python -m benchmarks.peers.run` (what `make bench-peers` runs).

Writes the generated one-minute bars to CSV once, then runs, one after another and each as
its own process, `tradekernel backtest` (every record on: SQLite records and `--out`
reports; once with an empty bar cache: cold, it parses the CSV; then again: warm, the timed
one; and warm once more with the SQLite records only, no `--out` files), vectorbt (once
with an empty numba cache: cold; then again: warm, the timed one) and backtesting.py, the
peers from `.bench-venv/`. It checks that every trade list equals ours (count, entry and
exit times, prices to the cent) and prints one table: process wall time, engine time and
peak RSS, each with its ratio to ours. Exit code 1 if a run fails or
a trade list differs.

With `--grid` it then runs the SMA period grid (`grid.py`; `--grid-side 10`: 100 points)
both ways, `tradekernel optimize --sampler grid --workers 2` and backtesting.py's
`Backtest.optimize`, prints both wall times and best points; exit code 1 if they differ.
"""

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from benchmarks.generated_bars import write_bars_csv
from benchmarks.peers.grid import BestPoint, PeriodGrid, best_from_blueprint, disagreement

REPO = Path(__file__).resolve().parents[2]
BLUEPRINT = REPO / "benchmarks" / "sma_cross_1m.toml"
PEERS_PYTHON = REPO / ".bench-venv" / "bin" / "python"
TRADEKERNEL = Path(sys.executable).parent / "tradekernel"
BARS, SEED = 1_000_000, 20240601
# `tradekernel backtest` says "run ... <seconds> s (<rate> bars/s)" about its loop.
OURS_ENGINE = re.compile(r"^run .*, ([0-9.]+) s \(", re.MULTILINE)
# `tradekernel optimize` says "best     trial <n>: <value>, run id ...".
OURS_BEST = re.compile(r"^best +trial \d+: ([-0-9.e+]+),", re.MULTILINE)

Trade = tuple[int, str, int, str]


@dataclass(frozen=True, slots=True)
class Measured:
    """One process: what it ran, and how long and how much memory it took."""

    name: str
    wall_s: float
    peak_rss_mb: float
    engine_s: float | None
    trades: list[Trade] | None
    stdout: str


def _run(name: str, argv: Sequence[str], env: dict[str, str] | None = None) -> Measured:
    """Run one process to its end; its own peak RSS comes from wait4, not from a sum."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=REPO, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        raise RuntimeError(f"{name} exited {process.returncode}:\n{stderr[-2000:]}")
    return Measured(name, wall, usage.ru_maxrss / 1024.0, None, None, stdout)


def _cents(text: str) -> str:
    return f"{Decimal(text):.2f}"


def _read_trades(path: Path) -> list[Trade]:
    """Return a trades file's closed trades (our trades.csv ends with `open` rows, marked
    at the last close; the peers leave a trade still open out of their lists)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (
                int(row["entry_time_ms"]),
                _cents(row["entry_price"]),
                int(row["exit_time_ms"]),
                _cents(row["exit_price"]),
            )
            for row in csv.DictReader(handle)
            if row.get("status", "closed") == "closed"
        ]


def _ours(
    work: Path, bars_csv: Path, name: str, env: dict[str, str], *, reports: bool = True
) -> Measured:
    """Run our backtest: SQLite records always; `reports` adds `--out` (trades.csv, ...)."""
    out = work / name.replace(" ", "-").replace(",", "").replace("(", "").replace(")", "")
    argv = [str(TRADEKERNEL), "backtest", "--config", str(BLUEPRINT)]
    argv += ["--data", f"BTC/USD={bars_csv}", "--db", str(out.with_suffix(".db")), "--quiet"]
    measured = _run(name, [*argv, "--out", str(out)] if reports else argv, env)
    found = OURS_ENGINE.search(measured.stdout)
    return Measured(
        measured.name,
        measured.wall_s,
        measured.peak_rss_mb,
        float(found.group(1)) if found else None,
        _read_trades(out / "trades.csv") if reports else None,
        measured.stdout,
    )


def _peer(name: str, module: str, work: Path, bars_csv: Path, env: dict[str, str]) -> Measured:
    trades_csv = work / f"{module}.csv"
    measured = _run(
        name,
        [str(PEERS_PYTHON), "-m", f"benchmarks.peers.{module}", str(bars_csv), str(trades_csv)],
        env,
    )
    figures = json.loads(measured.stdout.strip().splitlines()[-1])
    return Measured(
        name,
        measured.wall_s,
        measured.peak_rss_mb,
        float(figures["engine_s"]),
        _read_trades(trades_csv),
        measured.stdout,
    )


def _best_wall(argv: Sequence[str], repeats: int = 3) -> float:
    return min(_run(argv[-1], argv).wall_s for _ in range(repeats))


def _ratio(value: float | None, ours: float | None) -> str:
    if value is None or not ours:
        return "-"
    return f"{value / ours:.2f}x"


def _agreement(run: Measured, ours: Measured) -> str:
    if run.trades is None or ours.trades is None:
        return "-"
    if run.trades == ours.trades:
        return "same"
    first = next(
        (i for i, (a, b) in enumerate(zip(run.trades, ours.trades, strict=False)) if a != b),
        min(len(run.trades), len(ours.trades)),
    )
    return f"DIFFERENT from trade {first + 1}"


def format_table(runs: Sequence[Measured], ours: Measured) -> str:
    """Return the side-by-side table, every figure with its ratio to ours."""
    header = ("", "wall s", "ratio", "engine s", "ratio", "peak MB", "ratio", "trades", "trades")
    rows = [header]
    for run in runs:
        engine = f"{run.engine_s:.2f}" if run.engine_s is not None else "-"
        rows.append(
            (
                run.name,
                f"{run.wall_s:.2f}",
                _ratio(run.wall_s, ours.wall_s),
                engine,
                _ratio(run.engine_s, ours.engine_s),
                f"{run.peak_rss_mb:.0f}",
                _ratio(run.peak_rss_mb, ours.peak_rss_mb),
                f"{len(run.trades):,}" if run.trades is not None else "-",
                "ours" if run is ours else _agreement(run, ours),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _grid_ours(work: Path, bars_csv: Path, grid: PeriodGrid) -> tuple[Measured, BestPoint]:
    argv = [
        str(TRADEKERNEL),
        "optimize",
        "--config",
        str(BLUEPRINT),
        "--data",
        f"BTC/USD={bars_csv}",
        *grid.optimize_params(),
        "--sampler",
        "grid",
        "--trials",
        str(grid.points),
        "--objective",
        "final_equity",
        "--workers",
        "2",
        "--storage",
        f"sqlite:///{work / 'grid-optuna.db'}",
        "--db",
        str(work / "grid.db"),
        "--out",
        str(work / "grid-best.toml"),
    ]
    measured = _run("tradekernel optimize", argv)
    found = OURS_BEST.search(measured.stdout)
    value = float(found.group(1)) if found else float("nan")
    return measured, best_from_blueprint(work / "grid-best.toml", value)


def _grid_peer(bars_csv: Path, grid: PeriodGrid, env: dict[str, str]) -> tuple[Measured, BestPoint]:
    argv = [str(PEERS_PYTHON), "-m", "benchmarks.peers.peer_backtesting_grid", str(bars_csv)]
    measured = _run("backtesting.py optimize", [*argv, *grid.peer_args()], env)
    figures = json.loads(measured.stdout.strip().splitlines()[-1])
    best = BestPoint(int(figures["fast"]), int(figures["slow"]), float(figures["final_equity"]))
    return measured, best


def _run_grid(work: Path, bars_csv: Path, side: int, env: dict[str, str]) -> int:
    """Run the period grid both ways, one process after the other; 1 if the best differ."""
    grid = PeriodGrid.square(side)
    print(f"\ngrid of {grid.points} SMA period points: fast {grid.fast}, slow {grid.slow}")
    ours, ours_best = _grid_ours(work, bars_csv, grid)
    peer, peer_best = _grid_peer(bars_csv, grid, env)
    for measured, best in ((ours, ours_best), (peer, peer_best)):
        ratio = measured.wall_s / ours.wall_s
        print(
            f"{measured.name:<24} wall {measured.wall_s:8.2f} s ({ratio:.2f}x)"
            f"  peak {measured.peak_rss_mb:6.0f} MB  best fast {best.fast} slow {best.slow}"
            f"  final equity {best.final_equity:.2f}"
        )
    why = disagreement(ours_best, peer_best, grid)
    if why is not None:
        print(f"grid: {why}", file=sys.stderr)
        return 1
    print("grid: the same best point on both sides")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run every side, print the table and the startup times; 1 if any trade list differs."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peers.run")
    parser.add_argument("--bars", type=int, default=BARS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--grid", action="store_true", help="also run the SMA period grid")
    parser.add_argument("--grid-side", type=int, default=10, metavar="K", help="K x K points")
    args = parser.parse_args(argv)
    if not PEERS_PYTHON.exists():
        print(f"error: no {PEERS_PYTHON}; run `make bench-peers`", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-peers-") as tmp:
        work = Path(tmp)
        bars_csv = work / "bars.csv"
        write_bars_csv(bars_csv, args.bars, args.seed)
        print(f"{args.bars:,} generated one-minute bars (seed {args.seed}) in {bars_csv}")
        # A numba cache of our own: the first vectorbt run compiles into it (cold), the
        # second finds it there (warm), whatever earlier runs left elsewhere.
        peer_env = {**os.environ, "NUMBA_CACHE_DIR": str(work / "numba-cache")}
        # Ours likewise: the first run parses the CSV and stores its columns in a bar cache
        # of our own (cold), the second reads them from there (warm, the figure that counts).
        our_env = {**os.environ, "TRADEKERNEL_BAR_CACHE": str(work / "bar-cache")}
        try:
            ours_cold = _ours(work, bars_csv, "tradekernel backtest, cold bar cache", our_env)
            ours = _ours(work, bars_csv, "tradekernel backtest, warm bar cache", our_env)
            # The issue's own measure: every SQLite record, no --out files (no trade list to
            # compare: it is the same blueprint on the same bars as the run above).
            ours_records = _ours(
                work, bars_csv, "tradekernel backtest, records only", our_env, reports=False
            )
            vbt_cold = _peer("vectorbt, cold JIT cache", "peer_vectorbt", work, bars_csv, peer_env)
            vbt_warm = _peer("vectorbt, warm JIT cache", "peer_vectorbt", work, bars_csv, peer_env)
            bt = _peer("backtesting.py", "peer_backtesting", work, bars_csv, peer_env)
            help_s = _best_wall([str(TRADEKERNEL), "--help"])
            version_s = _best_wall([str(TRADEKERNEL), "--version"])
            runs = [ours, ours_records, ours_cold, vbt_warm, vbt_cold, bt]
            print(format_table(runs, ours))
            print(f"\ntradekernel --help {help_s:.2f} s, --version {version_s:.2f} s (best of 3)")
            grid_status = _run_grid(work, bars_csv, args.grid_side, peer_env) if args.grid else 0
        except RuntimeError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    differ = [run.name for run in runs if run.trades is not None and run.trades != ours.trades]
    if differ:
        print(f"trade lists differ from ours: {', '.join(differ)}", file=sys.stderr)
        return 1
    return grid_status


if __name__ == "__main__":
    sys.exit(main())
