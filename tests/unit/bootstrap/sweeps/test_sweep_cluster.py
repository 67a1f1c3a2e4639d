"""A sweep through `--scheduler`: a real `dask scheduler` and two `dask worker` processes
on loopback, one of them killed mid-study."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import optuna
import pytest
from distributed import Client
from tests.unit.bootstrap.sweeps.sweep_helpers import BARS, CONFIG, PARAMS, cli, recorded_runs

from tradekernel.adapters.data.loader import load_bars
from tradekernel.bootstrap.sweeps.space import parse_param
from tradekernel.bootstrap.sweeps.study import SweepRequest, run_id_of, run_study

DASK = str(Path(sys.executable).parent / "dask")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """A scheduler and two workers (no nanny: a killed worker stays dead)."""

    def __init__(self, tmp: Path) -> None:
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        port = self.address.rsplit(":", 1)[1]
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": tmp}
        self.scheduler = subprocess.Popen(
            [DASK, "scheduler", "--host", "127.0.0.1", "--port", port, "--dashboard-address",
             ":0", "--no-show"], **quiet,
        )  # fmt: skip
        self.workers = [
            subprocess.Popen(
                [
                    DASK,
                    "worker",
                    self.address,
                    "--nthreads",
                    "1",
                    "--no-nanny",
                    "--dashboard-address",
                    ":0",
                    "--local-directory",
                    str(tmp),
                ],
                **quiet,
            )
            for _ in range(2)
        ]

    def stop(self) -> None:
        for process in (*self.workers, self.scheduler):
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    started = Cluster(tmp_path)
    try:
        with Client(started.address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
        yield started
    finally:
        started.stop()


def test_a_sweep_runs_on_an_existing_cluster(tmp_path: Path, cluster: Cluster) -> None:
    db = tmp_path / "runs.db"
    code, out, _err = cli(
        "optimize", "--config", CONFIG, "--data", BARS, *PARAMS, "--trials", "4", "--seed", "5",
        "--scheduler", cluster.address, "--study", "remote",
        "--storage", f"sqlite:///{tmp_path / 'o.db'}", "--db", str(db), "--quiet",
    )  # fmt: skip
    assert code == 0, out
    assert sorted(recorded_runs(db)) == [run_id_of("remote", n) for n in range(4)]


def test_a_killed_worker_leaves_every_trial_completed_exactly_once(
    tmp_path: Path, cluster: Cluster
) -> None:
    db = tmp_path / "runs.db"
    request = SweepRequest(
        config=CONFIG, space=tuple(parse_param(spec) for spec in PARAMS[1::2]), trials=8,
        study="killed", storage=f"sqlite:///{tmp_path / 'o.db'}", db=str(db), seed=2,
    )  # fmt: skip
    told: list[int] = []
    victim = cluster.workers[0]

    def on_told(_study: object, number: int, outcome: object) -> None:
        told.append(number)
        if len(told) == 1:
            os.kill(victim.pid, signal.SIGKILL)  # mid-study: other trials are in flight
            victim.wait(timeout=30)

    bars = (load_bars(BARS, "BTC/USDT"),)
    started = time.monotonic()
    with Client(cluster.address, timeout=60) as client:
        study = run_study(request, bars, client, on_told=on_told)
    assert victim.returncode == -signal.SIGKILL
    assert sorted(told) == list(range(8)) and len(told) == 8  # told exactly once each
    assert all(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials)
    assert sorted(recorded_runs(db)) == sorted(run_id_of("killed", n) for n in range(8))
    assert time.monotonic() - started < 300
