"""Every import-linter contract catches a planted violation of itself, on a copy of the tree.

Each case copies `src/tradekernel` into `tmp_path`, adds one new module that breaks exactly
one contract, and runs lint-imports with the copy first on PYTHONPATH. New modules (rather
than edits of existing ones) keep the cases independent of what the tree holds today.
"""

import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CONTRACTS_FILE = REPO / "contracts" / "importlinter.toml"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACT_NAMES: dict[str, str] = {
    c["id"]: c["name"]
    for c in tomllib.loads(CONTRACTS_FILE.read_text(encoding="utf-8"))["tool"]["importlinter"][
        "contracts"
    ]
}
# An upward import between top-level layers also closes a cycle between those siblings
# whenever the higher layer imports the lower one, which it normally does.
SIBLING_CYCLE = frozenset({"acyclic-siblings"})


@dataclass(frozen=True)
class Plant:
    """New files (relative to the tradekernel copy) that break `contract`."""

    contract: str
    files: Mapping[str, str]
    also_broken: frozenset[str] = field(default_factory=frozenset)


PLANTS = {
    "layers": Plant(
        "layers", {"domain/zz_planted.py": "import tradekernel.adapters\n"}, SIBLING_CYCLE
    ),
    "layers-type-checking-import": Plant(
        "layers",
        {
            "domain/zz_planted.py": (
                "from typing import TYPE_CHECKING\n\n"
                "if TYPE_CHECKING:\n"
                "    import tradekernel.orchestration\n"
            )
        },
        SIBLING_CYCLE,
    ),
    "features-independent": Plant(
        "features-independent",
        {"features/signals/zz_planted.py": "import tradekernel.features.context\n"},
    ),
    "adapters-independent": Plant(
        "adapters-independent",
        {"adapters/sqlite/zz_planted.py": "import tradekernel.adapters.clock\n"},
    ),
    "pure-core": Plant("pure-core", {"shared/zz_planted.py": "import cattrs\n"}),
    "pure-core-sqlite3-in-features": Plant(
        "pure-core",
        {"features/zz_planted.py": "import sqlite3\n"},
        frozenset({"protected-sqlite3"}),
    ),
    "pure-orchestration": Plant(
        "pure-orchestration", {"orchestration/zz_planted.py": "import random\n"}
    ),
    "pure-orchestration-ccxt": Plant(
        "pure-orchestration",
        {"orchestration/zz_planted.py": "import ccxt\n"},
        frozenset({"protected-ccxt"}),
    ),
    "domain-stdlib-attrs": Plant("domain-stdlib-attrs", {"domain/zz_planted.py": "import numpy\n"}),
    "protected-ccxt": Plant("protected-ccxt", {"adapters/sqlite/zz_planted.py": "import ccxt\n"}),
    "protected-sqlite3": Plant(
        "protected-sqlite3", {"adapters/ccxt/zz_planted.py": "import sqlite3\n"}
    ),
    "protected-dependency-injector": Plant(
        "protected-dependency-injector",
        {"bootstrap/zz_planted.py": "import dependency_injector\n"},
    ),
    "acyclic-siblings": Plant(
        "acyclic-siblings",
        {
            "shared/zz_cycle_a/__init__.py": "",
            "shared/zz_cycle_a/one.py": "import tradekernel.shared.zz_cycle_b.two\n",
            "shared/zz_cycle_b/__init__.py": "",
            "shared/zz_cycle_b/two.py": "import tradekernel.shared.zz_cycle_a.one\n",
        },
    ),
}


@dataclass(frozen=True)
class LintResult:
    code: int
    output: str
    kept: frozenset[str]
    broken: frozenset[str]


def _copy_tree(tmp_path: Path) -> Path:
    source_root = tmp_path / "src"
    shutil.copytree(
        REPO / "src" / "tradekernel",
        source_root / "tradekernel",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    return source_root


def _env(source_root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(source_root)
    env["COLUMNS"] = "200"
    return env


def _lint(source_root: Path) -> LintResult:
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(CONTRACTS_FILE)],
        cwd=source_root.parent,
        env=_env(source_root),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # rich wraps long names; fold the whitespace back before matching names.
    flat = re.sub(r"\s+", " ", result.stdout)
    kept = frozenset(i for i, name in CONTRACT_NAMES.items() if f"{name} KEPT" in flat)
    broken = frozenset(i for i, name in CONTRACT_NAMES.items() if f"{name} BROKEN" in flat)
    return LintResult(result.returncode, result.stdout + result.stderr, kept, broken)


def test_every_contract_has_a_planted_violation() -> None:
    assert {plant.contract for plant in PLANTS.values()} == set(CONTRACT_NAMES)


def test_the_copy_not_the_installed_package_is_imported(tmp_path: Path) -> None:
    source_root = _copy_tree(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", "import tradekernel; print(tradekernel.__file__)"],
        cwd=source_root.parent,
        env=_env(source_root),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert Path(result.stdout.strip()) == source_root / "tradekernel" / "__init__.py"


def test_unmodified_tree_keeps_every_contract(tmp_path: Path) -> None:
    result = _lint(_copy_tree(tmp_path))

    assert result.code == 0, result.output
    assert result.kept == set(CONTRACT_NAMES), result.output
    assert result.broken == set()


@pytest.mark.parametrize("case", sorted(PLANTS))
def test_planted_violation_breaks_its_contract(tmp_path: Path, case: str) -> None:
    plant = PLANTS[case]
    source_root = _copy_tree(tmp_path)
    for relative, text in plant.files.items():
        target = source_root / "tradekernel" / relative
        assert not target.exists(), f"{relative} exists: pick another planted name"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    result = _lint(source_root)

    assert result.code == 1, result.output
    assert plant.contract in result.broken, result.output
    assert result.broken <= {plant.contract} | plant.also_broken, result.output
    assert result.kept == set(CONTRACT_NAMES) - result.broken, result.output
