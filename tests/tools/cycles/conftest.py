"""Fixtures for the cycle analyzer tests."""

from pathlib import Path

import cycles_testkit
import pytest


@pytest.fixture
def run_json() -> cycles_testkit.RunJson:
    return cycles_testkit.run_json


@pytest.fixture
def no_default_contracts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from an empty directory so contracts/importlinter.toml is not picked up."""
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    return workdir
