"""The SMA period grid of `make bench-peers --grid`: one grid, both sides, best points compared.

Ours is `tradekernel optimize --sampler grid` over the blueprint's two SMA periods; the
peer is backtesting.py's `Backtest.optimize` (`peer_backtesting_grid`). Both maximise the
final equity (cash plus the open position at the last close) and must pick the same
(fast, slow) point.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

FAST_PATH = "context.workers[0].period"
SLOW_PATH = "context.workers[1].period"
FAST_FIRST, FAST_STEP = 2, 2
SLOW_FIRST, SLOW_STEP = 30, 10


@dataclass(frozen=True, slots=True)
class PeriodGrid:
    """Every fast period against every slow one: `side` values each, fast always < slow."""

    fast: tuple[int, ...]
    slow: tuple[int, ...]

    @classmethod
    def square(cls, side: int) -> "PeriodGrid":
        """Return the side x side grid: fast 2, 4, ... and slow 30, 40, ..."""
        if side < 1:
            raise ValueError(f"a grid needs at least one value a side, not {side}")
        return cls(
            tuple(FAST_FIRST + FAST_STEP * i for i in range(side)),
            tuple(SLOW_FIRST + SLOW_STEP * i for i in range(side)),
        )

    @property
    def points(self) -> int:
        """Return how many (fast, slow) points the grid has."""
        return len(self.fast) * len(self.slow)

    def optimize_params(self) -> list[str]:
        """Return the `--param` arguments of `tradekernel optimize` for this grid."""
        return [
            "--param",
            f"{FAST_PATH}={self.fast[0]}:{self.fast[-1]}:{FAST_STEP}",
            "--param",
            f"{SLOW_PATH}={self.slow[0]}:{self.slow[-1]}:{SLOW_STEP}",
        ]

    def peer_args(self) -> list[str]:
        """Return the FAST and SLOW arguments of `peer_backtesting_grid`."""
        return [",".join(map(str, self.fast)), ",".join(map(str, self.slow))]


@dataclass(frozen=True, slots=True)
class BestPoint:
    """One side's best grid point and its final equity."""

    fast: int
    slow: int
    final_equity: float


def best_from_blueprint(path: Path, final_equity: float) -> BestPoint:
    """Read the best periods from the blueprint `tradekernel optimize --out` wrote."""
    workers = tomllib.loads(path.read_text(encoding="utf-8"))["context"]["workers"]
    return BestPoint(int(workers[0]["period"]), int(workers[1]["period"]), final_equity)


def disagreement(ours: BestPoint, peer: BestPoint, grid: PeriodGrid) -> str | None:
    """Return why the two best points differ, or None when both picked the same one."""
    for side in (ours, peer):
        if side.fast not in grid.fast or side.slow not in grid.slow:
            return f"({side.fast}, {side.slow}) is not a point of the grid"
    if (ours.fast, ours.slow) != (peer.fast, peer.slow):
        return (
            f"best points differ: ours ({ours.fast}, {ours.slow}), peer ({peer.fast}, {peer.slow})"
        )
    return None
