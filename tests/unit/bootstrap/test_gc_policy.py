"""The long-run collector settings apply inside a command and are restored after it."""

import argparse
import gc

import pytest

from tradekernel.bootstrap.blueprints import bundled_blueprint
from tradekernel.bootstrap.cli import main
from tradekernel.bootstrap.commands import config_validate
from tradekernel.bootstrap.gc_policy import LONG_RUN_THRESHOLD, long_run_gc


def test_inside_the_threshold_is_raised_and_startup_objects_are_frozen() -> None:
    before = gc.get_threshold()
    with long_run_gc():
        assert gc.get_threshold() == (LONG_RUN_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_settings_are_restored_when_the_command_fails() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), long_run_gc(threshold=1234):
        assert gc.get_threshold()[0] == 1234
        raise RuntimeError("boom")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_cli_command_runs_under_the_policy_and_leaves_the_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[int, int]] = []

    def observing(args: argparse.Namespace) -> int:
        seen.append((gc.get_threshold()[0], gc.get_freeze_count()))
        return 0

    monkeypatch.setattr(config_validate, "run", observing)
    before = gc.get_threshold()
    assert main(["config", "validate", str(bundled_blueprint())]) == 0
    assert len(seen) == 1
    assert seen[0][0] == LONG_RUN_THRESHOLD and seen[0][1] > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
