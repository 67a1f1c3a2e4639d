"""`tradekernel ... | head`: a reader that closes the pipe early ends the run quietly (#17)."""

import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "tradekernel.bootstrap.cli"]
SMA_CROSS = Path(__file__).resolve().parents[3] / "examples" / "sma_cross.toml"
# A quick command that prints several lines with print(), as every command does (argparse's
# own --help output swallows a broken pipe by itself).
VALIDATE = ["config", "validate", str(SMA_CROSS)]


@pytest.mark.parametrize(
    "arguments", [VALIDATE, ["backtest", "--help"]], ids=["config-validate", "backtest-help"]
)
def test_a_closed_pipe_prints_no_traceback_and_exits_0(arguments: list[str]) -> None:
    # The read end is closed before the CLI writes (it needs ~0.1 s to start), so its
    # first write or flush meets a broken pipe, as under `| head -0`.
    process = subprocess.Popen([*CLI, *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    with process.stderr:
        errors = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0
    assert errors == ""


def test_a_command_piped_into_head_shows_its_first_line_and_no_traceback() -> None:
    done = subprocess.run(
        f"{sys.executable} -m tradekernel.bootstrap.cli {' '.join(VALIDATE)} | head -0; "
        f"{sys.executable} -m tradekernel.bootstrap.cli --help | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == "usage: tradekernel [-h] [--version] COMMAND ...\n"
    assert done.stderr == ""


@pytest.mark.parametrize("group", ["portfolio", "config"])
def test_a_command_group_without_its_action_prints_its_help_and_exits_2(group: str) -> None:
    done = subprocess.run([*CLI, group], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith(f"usage: tradekernel {group} [-h] ACTION ...")
    assert "positional arguments" in done.stderr
