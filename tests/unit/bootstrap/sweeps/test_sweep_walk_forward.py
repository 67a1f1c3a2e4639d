"""`--walk-forward N`: each fold optimises on one span and is scored on the next."""

import itertools
from pathlib import Path

from tests.unit.bootstrap.sweeps.sweep_helpers import BARS, CONFIG, PARAMS, cli, recorded_runs

from tradekernel.adapters.data.loader import load_bars
from tradekernel.bootstrap.sweeps.walk_forward import fold_bounds


def test_the_folds_cover_the_range_in_equal_adjacent_spans() -> None:
    bars = (load_bars(BARS, "BTC/USDT"),)
    bounds = fold_bounds(bars, 3)
    assert len(bounds) == 5
    assert bounds[0] == int(bars[0].series.ts_ms[0])
    assert bounds[-1] == int(bars[0].series.ts_ms[-1]) + 1
    # Equal spans; the last one also holds the remainder of the division.
    assert len({b - a for a, b in itertools.pairwise(bounds[:-1])}) == 1


def test_each_fold_reports_and_records_its_out_of_sample_run(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    code, out, _err = cli(
        "optimize", "--config", CONFIG, "--data", BARS, *PARAMS, "--trials", "2", "--seed", "1",
        "--workers", "1", "--walk-forward", "2", "--study", "wf",
        "--storage", f"sqlite:///{tmp_path / 'o.db'}", "--db", str(db), "--quiet",
    )  # fmt: skip
    assert code == 0, out
    lines = out.splitlines()
    assert [line.split()[0] for line in lines[1:3]] == ["0", "1"]
    assert lines[3].startswith("overall OOS:")
    runs = recorded_runs(db)
    assert {"opt-wf-wf0-oos", "opt-wf-wf1-oos"} <= set(runs)
    assert {"opt-wf-wf0-0", "opt-wf-wf1-1"} <= set(runs)
    # The out-of-sample run of fold 0 starts where its in-sample span ends.
    assert runs["opt-wf-wf0-oos"]["period_start_ms"] > runs["opt-wf-wf0-0"]["period_start_ms"]
