"""A sweep on a 2-worker LocalCluster over the bundled 4h bars, end to end."""

from pathlib import Path

import optuna
import pytest
from tests.unit.bootstrap.sweeps.sweep_helpers import BARS, CONFIG, PARAMS, cli, recorded_runs

import tradekernel as tk
from tradekernel.bootstrap.sweeps.space import parse_param, suggest
from tradekernel.bootstrap.sweeps.study import SweepRequest, open_study, run_id_of


def test_a_sweep_records_each_trial_once_and_its_best_toml_reproduces_it(tmp_path: Path) -> None:
    db, best = tmp_path / "runs.db", tmp_path / "best.toml"
    code, out, _err = cli(
        "optimize", "--config", CONFIG, "--data", BARS, *PARAMS, "--trials", "4", "--seed", "3",
        "--workers", "2", "--study", "local", "--storage", f"sqlite:///{tmp_path / 'o.db'}",
        "--db", str(db), "--out", str(best), "--quiet",
    )  # fmt: skip
    assert code == 0, out
    runs = recorded_runs(db)
    assert sorted(runs) == [run_id_of("local", n) for n in range(4)]
    best_run = next(line for line in out.splitlines() if line.startswith("best")).split()[6]
    code, replay, _err = cli(
        "backtest", "--config", str(best), "--data", BARS, "--run-id", best_run,
        "--db", str(tmp_path / "again.db"), "--quiet",
    )  # fmt: skip
    assert code == 0
    assert f"run plan hash {runs[best_run]['plan_hash']}" in replay
    assert recorded_runs(tmp_path / "again.db")[best_run]["metrics"] == runs[best_run]["metrics"]


def test_a_typo_in_a_param_path_exits_2_naming_it_before_anything_runs(tmp_path: Path) -> None:
    storage = tmp_path / "o.db"
    code, _out, err = cli(
        "optimize", "--config", CONFIG, "--data", BARS,
        "--param", "context.workers[0].perod=5:30", "--storage", f"sqlite:///{storage}",
        "--db", str(tmp_path / "runs.db"),
    )  # fmt: skip
    assert code == 2
    assert "perod" in err and "context.workers[0]" in err
    assert not storage.exists() and not (tmp_path / "runs.db").exists()


def test_an_unknown_objective_exits_2(tmp_path: Path) -> None:
    code, _out, err = cli("optimize", "--config", CONFIG, *PARAMS, "--objective", "sharp")
    assert code == 2 and "sharp" in err


def test_a_resumed_study_runs_what_an_interrupted_client_left_and_what_is_missing(
    tmp_path: Path,
) -> None:
    storage, db = f"sqlite:///{tmp_path / 'o.db'}", tmp_path / "runs.db"
    space = tuple(parse_param(spec) for spec in PARAMS[1::2])
    request = SweepRequest(config=CONFIG, space=space, study="resume", storage=storage, seed=1)
    kwargs = {"data": BARS, "params": list(PARAMS[1::2]), "study": "resume", "storage": storage,
              "db": db, "seed": 1, "workers": 2}  # fmt: skip
    first = tk.optimize(CONFIG, trials=2, **kwargs)
    assert list(first["number"]) == [0, 1]
    # A client stopped after asking trial 2: the trial is left running in the storage.
    stopped = open_study(request)
    left = stopped.ask()
    left.set_user_attr("run_id", run_id_of("resume", left.number))
    suggested = suggest(left, space)
    frame = tk.optimize(CONFIG, trials=4, **kwargs)
    assert list(frame["number"]) == [0, 1, 2, 3]
    assert set(frame["state"]) == {"COMPLETE"}
    assert sorted(recorded_runs(db)) == [run_id_of("resume", n) for n in range(4)]
    resumed = optuna.load_study(study_name="resume", storage=storage).trials[2]
    assert {k: resumed.params[k] for k in suggested} == suggested


@pytest.mark.parametrize("sampler", ["grid", "random"])
def test_the_grid_and_random_samplers_run(tmp_path: Path, sampler: str) -> None:
    frame = tk.optimize(
        CONFIG, BARS, {"context.workers[1].period": "7|14"}, trials=5, sampler=sampler,
        storage=f"sqlite:///{tmp_path / 'o.db'}", db=tmp_path / "runs.db", workers=1,
    )  # fmt: skip
    assert len(frame) == (2 if sampler == "grid" else 5)
