"""Time `tradekernel --help` and `--version`: the start-up cost every command pays.

Each row is the best of `REPEATS` wall times of a fresh `python -m tradekernel.bootstrap.cli`
subprocess (the console script runs the same `main`), so the figure is interpreter start
plus the imports that building the parser needs. The goal is under 0.3 s: building the
parser imports no command implementation (no ccxt, no container, no numpy).
"""

import subprocess
import sys
import time

REPEATS = 5
COMMANDS = (("--help",), ("--version",))


def best_wall_seconds(arguments: tuple[str, ...], repeats: int = REPEATS) -> float:
    """Return the best wall time of `repeats` CLI runs with `arguments` (each must exit 0)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "tradekernel.bootstrap.cli", *arguments],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        best = min(best, time.perf_counter() - start)
    return best


def run() -> list[tuple[str, str]]:
    """Return one (metric, value) row per timed command."""
    return [
        (f"startup: tradekernel {' '.join(arguments)}", f"{best_wall_seconds(arguments):.3f} s")
        for arguments in COMMANDS
    ]


if __name__ == "__main__":
    for metric, value in run():
        print(f"{metric}: {value}")
