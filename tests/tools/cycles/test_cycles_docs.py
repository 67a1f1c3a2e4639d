"""The example report in docs/architecture.md is the analyzer's real output."""

import pytest
from cycles_testkit import REPO, run_text

COMMAND = "$ python -m tools.cycles tests/tools/cycles/fixtures/shopfix --max-module-lines 10"


def test_documented_example_matches_the_real_output(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    documented = doc.split(COMMAND + "\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(REPO)  # relative paths and the default contracts file, as documented

    code, out, _ = run_text(*COMMAND.split()[4:])

    assert code == 1
    assert out == documented
