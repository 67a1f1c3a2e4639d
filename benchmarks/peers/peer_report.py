"""What each peer process reports: its trades to a CSV file, its figures as one JSON line.

Standard library only: it runs inside the peers' own virtual environment, where
tradekernel is not installed (`python -m benchmarks.peers.peer_... ` from the repository).
"""

import csv
import json
import sys
from collections.abc import Iterable
from pathlib import Path

TRADES_HEADER = ("entry_time_ms", "entry_price", "exit_time_ms", "exit_price")


def peak_rss_mb() -> float:
    """Return this process's peak resident set size in MB (VmHWM), NaN off Linux."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def report(
    trades_path: Path, trades: Iterable[tuple[int, float, int, float]], engine_s: float
) -> None:
    """Write the closed trades (times in epoch ms, prices rounded to cents) and print figures."""
    count = 0
    with trades_path.open("w", encoding="ascii", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(TRADES_HEADER)
        for entry_ms, entry_price, exit_ms, exit_price in trades:
            writer.writerow((entry_ms, f"{entry_price:.2f}", exit_ms, f"{exit_price:.2f}"))
            count += 1
    figures = {"engine_s": engine_s, "trades": count, "peak_rss_mb": peak_rss_mb()}
    sys.stdout.write(json.dumps(figures) + "\n")
