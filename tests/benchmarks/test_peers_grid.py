"""The SMA period grid of `bench-peers --grid`: its points, its arguments, the agreement check."""

from pathlib import Path

import pytest
from benchmarks.peers.grid import BestPoint, PeriodGrid, best_from_blueprint, disagreement

from tradekernel.bootstrap.sweeps.space import parse_param


def test_the_default_grid_has_100_points_with_every_fast_below_every_slow() -> None:
    grid = PeriodGrid.square(10)

    assert grid.points == 100
    assert len(set(grid.fast)) == len(set(grid.slow)) == 10
    assert max(grid.fast) < min(grid.slow)


def test_both_sides_are_given_the_same_periods() -> None:
    grid = PeriodGrid.square(4)

    _, fast_spec, _, slow_spec = grid.optimize_params()
    ours = [parse_param(fast_spec), parse_param(slow_spec)]
    peer = [[int(v) for v in text.split(",")] for text in grid.peer_args()]

    assert [list(param.grid()) for param in ours] == peer == [[2, 4, 6, 8], [30, 40, 50, 60]]


def test_an_empty_grid_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        PeriodGrid.square(0)


def test_the_same_best_point_agrees_whatever_the_cents() -> None:
    grid = PeriodGrid.square(4)

    assert disagreement(BestPoint(8, 60, 99820.60), BestPoint(8, 60, 99820.56), grid) is None


def test_a_different_best_point_or_one_off_the_grid_is_reported() -> None:
    grid = PeriodGrid.square(4)

    assert "differ" in str(disagreement(BestPoint(8, 60, 1.0), BestPoint(6, 60, 1.0), grid))
    assert "not a point" in str(disagreement(BestPoint(10, 60, 1.0), BestPoint(10, 60, 1.0), grid))


def test_the_best_periods_are_read_from_the_written_blueprint(tmp_path: Path) -> None:
    best = tmp_path / "best.toml"
    best.write_text(
        '[[context.workers]]\ntype = "sma"\nperiod = 6\n\n'
        '[[context.workers]]\ntype = "sma"\nperiod = 50\n',
        encoding="utf-8",
    )

    assert best_from_blueprint(best, 5.0) == BestPoint(6, 50, 5.0)
