"""Our own tree: no import cycle at module level, no directory hidden from import analysis."""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _analyze(*flags: str) -> tuple[int, dict[str, object]]:
    result = subprocess.run(
        [sys.executable, "-m", "tools.cycles", "src/tradekernel", "--format", "json", *flags],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode in {0, 1}, result.stderr
    document: dict[str, object] = json.loads(result.stdout)
    return result.returncode, document


def test_tradekernel_has_no_import_cycles_and_no_orphan_dirs() -> None:
    code, doc = _analyze()

    assert doc["sccs"] == [], json.dumps(doc["sccs"], indent=2)
    assert doc["orphan_dirs"] == [], doc["orphan_dirs"]
    assert doc["package_cycles"] == [], json.dumps(doc["package_cycles"], indent=2)
    assert code == 0
    summary = doc["summary"]
    assert isinstance(summary, dict)
    assert summary["modules"] > 20  # the analyzer really walked the tree
    assert doc["layers_source"] == "contracts/importlinter.toml"
