"""Every command line in the README and in `--help` names files that exist in a checkout."""

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from tradekernel.bootstrap.cli import build_parser
from tradekernel.bootstrap.live_config import load_live

REPO_ROOT = Path(__file__).resolve().parents[3]
INPUT_SUFFIXES = (".toml", ".csv", ".parquet")
# Flags whose value a command writes (or creates), not reads.
WRITTEN = {"--out", "--db"}


def _command_lines(text: str) -> Iterator[list[str]]:
    """Yield the words of each line that starts a `tradekernel` command (comments cut)."""
    joined = re.sub(r"\\\n\s*", " ", text)
    for line in joined.splitlines():
        found = re.match(r"\s*(?:\.venv/bin/)?tradekernel (.*)$", line)
        if found:
            yield shlex.split(found.group(1), comments=True)


def _input_paths(words: list[str]) -> Iterator[str]:
    for before, word in zip(["", *words], words, strict=False):
        if before in WRITTEN:
            continue
        path = word.partition("=")[2] if "=" in word else word
        if path.endswith(INPUT_SUFFIXES):
            yield path


def _help_texts() -> Iterator[tuple[str, str]]:
    parser = build_parser()
    yield "tradekernel", parser.epilog or ""
    stack = [parser]
    while stack:
        current = stack.pop()
        for action in current._actions:  # argparse keeps sub-parsers only here
            choices = getattr(action, "choices", None)
            if isinstance(choices, dict):
                for name, sub in sorted(choices.items()):
                    yield f"{current.prog} {name}", sub.epilog or ""
                    stack.append(sub)


def _examples() -> list[tuple[str, str]]:
    found = [
        ("README.md", path)
        for cmd in _command_lines((REPO_ROOT / "README.md").read_text(encoding="utf-8"))
        for path in _input_paths(cmd)
    ]
    for where, text in _help_texts():
        found.extend((where, path) for cmd in _command_lines(text) for path in _input_paths(cmd))
    return found


def test_the_examples_name_input_files_at_all() -> None:
    where = {place for place, _ in _examples()}
    assert {"README.md", "tradekernel backtest", "tradekernel paper", "tradekernel plan"} <= where


@pytest.mark.parametrize(("where", "path"), _examples())
def test_every_example_input_path_exists_in_a_checkout(where: str, path: str) -> None:
    assert (REPO_ROOT / path).exists(), f"{where}: {path} does not exist"


def test_the_live_example_config_loads() -> None:
    loaded = load_live(REPO_ROOT / "examples" / "live" / "live_testnet.toml")
    assert loaded.settings.mode == "dry-run"
