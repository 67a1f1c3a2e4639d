"""Every command's `--help` shows at least one example invocation."""

import re

import pytest

from tradekernel.bootstrap.cli import main

COMMANDS = [
    [],
    ["backtest"],
    ["plan"],
    ["explain"],
    ["orders"],
    ["check-lookahead"],
    ["config"],
    ["config", "validate"],
    ["portfolio"],
    ["portfolio", "plan"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c) or "top")
def test_help_of_every_command_shows_an_example(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: tradekernel")
    assert "example" in out.lower()
    assert "tradekernel " + " ".join(command) in out.replace("  ", " ")


def test_no_command_prints_the_top_level_help_and_lists_the_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    for command in ("backtest", "plan", "explain", "check-lookahead", "config"):
        assert re.search(rf"^    {command}\b", out, re.MULTILINE), command
