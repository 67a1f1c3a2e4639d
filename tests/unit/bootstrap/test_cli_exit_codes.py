"""Storage and output failures: one `error:` line, a hint, their own exit codes."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.bootstrap import cli
from tradekernel.bootstrap.blueprints import bundled_blueprint
from tradekernel.bootstrap.cli import EXIT_OUTPUT, EXIT_STORAGE, main

README = Path(__file__).resolve().parents[3] / "README.md"


def _not_a_database(directory: Path) -> Path:
    path = directory / "notes.db"
    path.write_text("these are not the pages you are looking for\n" * 100)
    return path


def _error_and_hint(err: str) -> tuple[str, str]:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("error: ")
    assert lines[1].startswith("hint: ")
    return lines[0], lines[1]


def test_backtest_on_a_file_that_is_not_a_database_exits_3_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    db = _not_a_database(tmp_path)
    assert main(["backtest", "--quiet", "--db", db.name]) == EXIT_STORAGE == 3
    error, hint = _error_and_hint(capsys.readouterr().err)
    assert error == "error: cannot open database: file is not a database @ notes.db"
    assert "--db" in hint


def test_explain_on_a_file_that_is_not_a_database_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _not_a_database(tmp_path)
    assert main(["explain", "tkAnything", "--db", str(db)]) == EXIT_STORAGE
    error, _ = _error_and_hint(capsys.readouterr().err)
    assert error.endswith(f"@ {db}")


def test_a_database_in_a_missing_directory_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "nowhere" / "runs.db"
    assert main(["backtest", "--quiet", "--db", str(db)]) == EXIT_STORAGE
    error, _ = _error_and_hint(capsys.readouterr().err)
    assert "directory" in error and "does not exist" in error


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("taken", "the output directory is a file @ taken"),
        ("taken/run-1", "cannot create the output directory taken/run-1: a parent is a file"),
    ],
)
def test_backtest_with_an_out_path_blocked_by_a_file_exits_4_before_running(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    out: str,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken").write_text("not a directory")
    assert main(["backtest", "--quiet", "--out", out]) == EXIT_OUTPUT == 4
    error, hint = _error_and_hint(capsys.readouterr().err)
    assert error.startswith(f"error: {message}")
    assert "--out" in hint
    assert not (tmp_path / "tradekernel.db").exists()  # refused before the run started


def test_the_installed_entry_point_reports_a_bad_database_without_a_traceback(
    tmp_path: Path,
) -> None:
    db = _not_a_database(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "tradekernel.bootstrap.cli", "backtest", "--db", str(db)],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == EXIT_STORAGE
    assert result.stdout == ""
    _error_and_hint(result.stderr)


def test_the_readme_documents_every_exit_code() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Exit codes") :]
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", section, re.MULTILINE)}
    codes = {value for name, value in vars(cli).items() if name.startswith("EXIT_")}
    assert documented == codes


def test_check_lookahead_with_no_samples_exits_2_with_an_error_and_a_hint(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["--config", str(bundled_blueprint()), "--data", str(bundled_path()), "--samples", "0"]
    assert main(["check-lookahead", *args]) == 2
    error, _ = _error_and_hint(capsys.readouterr().err)
    assert error == "error: must be at least 1, got 0 @ --samples"
