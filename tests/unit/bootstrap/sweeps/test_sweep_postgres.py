"""A study stored in PostgreSQL, as several machines share one (`.ci/run` starts a server)."""

import os
import uuid
from pathlib import Path

import optuna
import pytest
from sqlalchemy.pool import NullPool
from tests.unit.bootstrap.sweeps.sweep_helpers import BARS, CONFIG, PARAMS

import tradekernel as tk

POSTGRES_URL = os.environ.get("TRADEKERNEL_TEST_POSTGRES_URL")


@pytest.mark.skipif(
    POSTGRES_URL is None,
    reason="no PostgreSQL server: set TRADEKERNEL_TEST_POSTGRES_URL (.ci/run starts one)",
)
def test_a_study_in_postgresql_runs_and_resumes(tmp_path: Path) -> None:
    assert POSTGRES_URL is not None
    study = f"pg-{uuid.uuid4().hex[:8]}"
    kwargs = {"params": list(PARAMS[1::2]), "study": study, "storage": POSTGRES_URL,
              "db": tmp_path / "runs.db", "seed": 4, "workers": 2}  # fmt: skip
    try:
        assert len(tk.optimize(CONFIG, BARS, trials=2, **kwargs)) == 2
        frame = tk.optimize(CONFIG, BARS, trials=3, **kwargs)
        assert list(frame["number"]) == [0, 1, 2]
        assert set(frame["state"]) == {"COMPLETE"}
    finally:
        storage = optuna.storages.RDBStorage(POSTGRES_URL, engine_kwargs={"poolclass": NullPool})
        optuna.delete_study(study_name=study, storage=storage)
