"""`examples/python_api.ipynb` runs top to bottom: every code cell, in order, in one namespace."""

import json
from pathlib import Path
from typing import Any

import pytest

NOTEBOOK = Path(__file__).parents[4] / "examples" / "python_api.ipynb"


def _code_cells() -> list[str]:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    return ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]


def test_the_notebook_runs_top_to_bottom(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "__notebook__"}
    cells = _code_cells()
    assert len(cells) >= 10
    for index, source in enumerate(cells):
        # The cells are the notebook's own code, run as a kernel would run them.
        exec(compile(source, f"{NOTEBOOK.name} cell {index}", "exec"), namespace)
    assert namespace["from_frame"].plan_hash == namespace["result"].plan_hash
    assert set(namespace["sweep"]) == {5, 10, 20}
    assert namespace["paths"].report_html.is_file()
    assert "@ context.workers[0].period" in capsys.readouterr().out
