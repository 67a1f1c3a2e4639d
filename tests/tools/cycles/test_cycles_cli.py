"""Exit codes, JSON schema, determinism and input errors of `python -m tools.cycles`."""

import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cycles_testkit import REPO, SHOPFIX, run_json, run_text, write_files


def _clean_package(root: Path) -> Path:
    return write_files(
        root / "cleanpkg",
        {
            "__init__.py": "",
            "a.py": "from cleanpkg import b\n\nX = b.Y\n",
            "b.py": "Y = 1\n",
        },
    )


def test_clean_package_exits_zero(tmp_path: Path) -> None:
    code, out, err = run_text(str(_clean_package(tmp_path)))

    assert code == 0
    assert err == ""
    assert "Result: 0 finding(s), exit 0" in out


def test_findings_exit_one(tmp_path: Path) -> None:
    package = write_files(
        tmp_path / "cyc",
        {"__init__.py": "", "a.py": "from cyc import b\n", "b.py": "from cyc import a\n"},
    )
    assert run_text(str(package))[0] == 1


def test_orphan_dir_alone_is_a_finding(tmp_path: Path) -> None:
    package = _clean_package(tmp_path)
    write_files(package, {"loose/tool.py": "import os\n"})

    code, doc = run_json(str(package))

    assert code == 1
    assert doc["sccs"] == []
    assert [d["python_files"] for d in doc["orphan_dirs"]] == [1]


def test_oversized_module_is_a_finding_only_with_strict_size(tmp_path: Path) -> None:
    package = _clean_package(tmp_path)
    write_files(package, {"big.py": "".join(f"V{i} = {i}\n" for i in range(301))})

    code, doc = run_json(str(package))
    strict_code, _ = run_json(str(package), "--strict-size")

    assert code == 0
    assert doc["oversized_modules"] == [
        {"module": "cleanpkg.big", "file": f"{package.as_posix()}/big.py", "lines": 301}
    ]
    assert strict_code == 1


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing", "no such directory"),
        (lambda p: write_files(p / "plain", {"m.py": "x = 1\n"}), "not a package"),
        (lambda p: write_files(p, {"f.py": ""}) / "f.py", "not a directory"),
        (
            lambda p: write_files(p / "broken", {"__init__.py": "", "bad.py": "def (:\n"}),
            "cannot parse",
        ),
    ],
    ids=["missing-dir", "not-a-package", "a-file", "syntax-error"],
)
def test_input_errors_exit_two_with_one_line_and_no_traceback(
    tmp_path: Path, make: Any, message: str
) -> None:
    target = make(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "tools.cycles", str(target)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    package = write_files(tmp_path / "broken", {"__init__.py": "", "bad.py": "x = 1\ndef (:\n"})
    code, _, err = run_text(str(package))

    assert code == 2
    assert f"{package.as_posix()}/bad.py:2" in err


def test_missing_contracts_file_is_an_input_error(tmp_path: Path) -> None:
    code, _, err = run_text(str(_clean_package(tmp_path)), "--contracts", "nope.toml")
    assert code == 2
    assert err == "error: no such contracts file: nope.toml\n"


def test_bad_option_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run_text(str(_clean_package(tmp_path)), "--package-depth", "0")
    assert exit_info.value.code == 2


def test_help_shows_an_example() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tools.cycles", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert "python -m tools.cycles src/tradekernel" in result.stdout
    assert "--include-type-checking" in result.stdout


def test_json_document_follows_schema_version_1() -> None:
    _, doc = run_json(str(SHOPFIX), "--max-module-lines", "10")

    assert doc["schema_version"] == 1
    assert set(doc) >= {
        "summary",
        "sccs",
        "package_cycles",
        "breakers",
        "oversized_modules",
        "orphan_dirs",
    }
    summary = doc["summary"]
    for key in ("modules", "packages", "lines", "edges", "sccs", "modules_in_cycles"):
        assert isinstance(summary[key], int), key
    assert summary["edges"] == sum(
        summary[f"edges_{k}"] for k in ("module", "type_checking", "function")
    )
    site_keys = {"importer", "imported", "file", "line", "kind"}
    for scc in doc["sccs"]:
        assert scc["modules"] == sorted(scc["modules"])
        cycle = scc["shortest_cycle"]
        assert cycle[0] == cycle[-1]  # closed: the first module is repeated last
        assert len(scc["edges"]) == len(cycle) - 1
        for edge, (importer, imported) in zip(scc["edges"], itertools.pairwise(cycle), strict=True):
            assert set(edge) == site_keys
            assert (edge["importer"], edge["imported"]) == (importer, imported)
            assert isinstance(edge["line"], int)
    for cycle in doc["package_cycles"]:
        assert cycle["packages"] == sorted(cycle["packages"])
        assert all(set(e) == site_keys for e in cycle["edges"])
    for breaker in doc["breakers"]:
        assert breaker["scope"] in {"module", "package"}
        assert all(set(e) == site_keys for e in breaker["import_sites"])
    for module in doc["oversized_modules"]:
        assert set(module) == {"module", "file", "lines"}
    for orphan in doc["orphan_dirs"]:
        assert set(orphan) == {"path", "python_files"}


def test_output_is_identical_on_a_second_run() -> None:
    assert run_text(str(SHOPFIX)) == run_text(str(SHOPFIX))
    assert run_json(str(SHOPFIX)) == run_json(str(SHOPFIX))


class _ReversedScandir:
    """`os.scandir` with its entries in reverse order, to shake file-system order."""

    def __init__(self, real: Any, path: Any) -> None:
        with real(path) as iterator:
            self._entries = iter(sorted(iterator, key=lambda e: e.name, reverse=True))

    def __enter__(self) -> "_ReversedScandir":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __iter__(self) -> "_ReversedScandir":
        return self

    def __next__(self) -> "os.DirEntry[str]":
        return next(self._entries)


def test_output_does_not_depend_on_file_system_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "shopfix"
    shutil.copytree(SHOPFIX, copy)
    forward = run_text(str(copy))
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path=".": _ReversedScandir(real, path))
    backward = run_text(str(copy))

    assert backward == forward
    assert "shopfix.billing.invoice" in forward[1]
