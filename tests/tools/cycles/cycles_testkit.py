"""Helpers for the cycle analyzer tests (a uniquely named module, imported by the tests)."""

import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
if str(REPO) not in sys.path:
    # `tools` is not installed; `python -m pytest` adds the cwd to sys.path, `pytest` does not.
    sys.path.insert(0, str(REPO))

FIXTURES = Path(__file__).parent / "fixtures"
SHOPFIX = FIXTURES / "shopfix"

RunJson = Callable[..., tuple[int, dict[str, Any]]]


def write_files(root: Path, files: Mapping[str, str]) -> Path:
    """Write `{relative path: text}` under root and return root."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run_text(*args: str) -> tuple[int, str, str]:
    """Run the analyzer in-process; return (exit code, stdout, stderr)."""
    import contextlib
    import io

    from tools.cycles.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def run_json(*args: str) -> tuple[int, dict[str, Any]]:
    """Run the analyzer in-process with --format json; return (exit code, document)."""
    code, out, _ = run_text(*args, "--format", "json")
    document: dict[str, Any] = json.loads(out)
    return code, document
