"""`tradekernel new strategy NAME`: the files run as written, from a fresh directory."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import tradekernel as tk
from tradekernel.adapters.data.bundled import bundled_path
from tradekernel.bootstrap.cli import main
from tradekernel.domain.errors import ConfigError

CLI = [sys.executable, "-m", "tradekernel.bootstrap.cli"]


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_new_strategy_then_backtest_then_check_lookahead_in_a_temp_dir(tmp_path: Path) -> None:
    made = _run("new", "strategy", "momo", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "momo.py").is_file() and (tmp_path / "momo.toml").is_file()
    data = str(bundled_path())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()  # the plugin file is found relative to the blueprint, not the cwd
    config = str(tmp_path / "momo.toml")
    backtest = _run("backtest", "--config", config, "--data", data, "--quiet", cwd=elsewhere)
    assert backtest.returncode == 0, backtest.stderr
    assert "run plan hash" in backtest.stdout
    trades = next(line for line in backtest.stdout.splitlines() if line.startswith("Trades"))
    assert int(trades.split()[-1]) > 0
    lookahead = _run("check-lookahead", "--config", config, "--data", data, cwd=elsewhere)
    assert lookahead.returncode == 0, lookahead.stdout + lookahead.stderr
    assert "clean" in lookahead.stdout
    sparse = _run(
        "backtest", "--config", config, "--data", data, "--verify-sparse", "--quiet", cwd=elsewhere
    )
    assert sparse.returncode == 0, sparse.stdout + sparse.stderr
    assert "dense and sparse agree" in sparse.stdout


def test_the_users_code_is_at_most_forty_lines(tmp_path: Path) -> None:
    assert main(["new", "strategy", "small", "--dir", str(tmp_path)]) == 0
    source = (tmp_path / "small.py").read_text()
    tree = ast.parse(source)
    docstring = ast.get_docstring(tree) or ""
    code = [
        line for line in source.splitlines() if line.strip() and not line.strip().startswith("#")
    ]
    assert len(code) - len(docstring.splitlines()) <= 40


def test_the_scaffold_runs_through_the_python_api_and_its_parameters_are_checked(
    tmp_path: Path,
) -> None:
    assert main(["new", "strategy", "api_made", "--dir", str(tmp_path)]) == 0
    config = tmp_path / "api_made.toml"
    result = tk.backtest(config, data=bundled_path())
    assert result.stats["trade_count"] > 0
    with pytest.raises(ConfigError, match=r"period must be >= 1, got 0.*@ context.workers\[0\]"):
        tk.backtest(config, data=bundled_path(), overrides={"context.workers[0].period": 0})


def test_new_strategy_refuses_a_bad_name_and_existing_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "strategy", "my-strategy", "--dir", str(tmp_path)]) == 2
    assert "not a Python identifier" in capsys.readouterr().err
    assert main(["new", "strategy", "twice", "--dir", str(tmp_path)]) == 0
    assert main(["new", "strategy", "twice", "--dir", str(tmp_path)]) == 2
    assert "exists (pass --force to overwrite)" in capsys.readouterr().err
    assert main(["new", "strategy", "twice", "--dir", str(tmp_path), "--force"]) == 0
