"""Names that say one thing: no top-level class or function name in two modules.

Rule (conventions.md 16, "two classes never share a name"): every class and function
defined at module level in `src/tradekernel` (private `_x` names included, and names
defined under a top-level `if`/`try`, e.g. `if TYPE_CHECKING:`) has one home. Methods are
not top level, so dunders and protocol methods (`submit`, `__enter__`) do not count.

Two kinds of repeats are not duplicates:

- Role names (`ROLE_NAMES`): a name that a family of modules each define for the same
  job, by convention, where the module is the namespace. Each role is limited to the
  modules that play it (a glob relative to `src/tradekernel`); the same name anywhere
  else is a duplicate. `main` is a role of `__main__` modules only.
- `ALLOWED_DUPLICATES`: known duplicates on their way out, each limited to the modules
  that hold it today, so a third copy still fails. It is meant to be empty: delete an
  entry as soon as its duplicate is gone.
"""

import ast
import fnmatch
from collections.abc import Iterator, Mapping
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "tradekernel"

# name -> (where the role is played, what the role is)
ROLE_NAMES: Mapping[str, tuple[tuple[str, ...], str]] = {
    "main": (("__main__.py", "*/__main__.py"), "the entry point of `python -m package`"),
    "register": (
        ("bootstrap/commands/*.py",),
        "a command module adds its sub-parser; commands/registry.py lists the modules",
    ),
    "run": (("bootstrap/commands/*.py",), "a command module's handler, set by its register"),
    "_outputs": (
        ("features/context/*.py",),
        "the `provides=` callback of the module's context worker PluginSpec",
    ),
    "_requires": (
        ("features/context/*.py", "features/signals/*.py"),
        "the `requires=` callback of the module's plugin PluginSpec",
    ),
    "_satisfies_the_port": (
        ("adapters/*.py", "orchestration/*.py"),
        "mypy's structural check that the module's adapter still matches its port",
    ),
}

# name -> the modules allowed to hold it until the duplicate is removed
ALLOWED_DUPLICATES: Mapping[str, frozenset[str]] = {}

_DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _top_level_names(body: list[ast.stmt]) -> Iterator[str]:
    for node in body:
        if isinstance(node, _DEFINITIONS):
            yield node.name
        elif isinstance(node, ast.If):
            yield from _top_level_names(node.body)
            yield from _top_level_names(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _top_level_names(block)
            for handler in node.handlers:
                yield from _top_level_names(handler.body)


def definitions(root: Path) -> dict[str, list[str]]:
    """Return each top-level name -> the modules (paths relative to `root`) defining it."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        module = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name in sorted(set(_top_level_names(tree.body))):
            found.setdefault(name, []).append(module)
    return found


def _plays_role(name: str, module: str) -> bool:
    role = ROLE_NAMES.get(name)
    return role is not None and any(fnmatch.fnmatch(module, glob) for glob in role[0])


def duplicates(
    found: Mapping[str, list[str]], allowed: Mapping[str, frozenset[str]]
) -> dict[str, list[str]]:
    """Return the names defined in more than one module that no rule explains."""
    result: dict[str, list[str]] = {}
    for name, modules in sorted(found.items()):
        counted = [module for module in modules if not _plays_role(name, module)]
        if len(counted) < 2:
            continue
        if set(counted) <= allowed.get(name, frozenset()):
            continue
        result[name] = counted
    return result


def _report(found: Mapping[str, list[str]]) -> str:
    lines = [f"{name}: {', '.join(modules)}" for name, modules in found.items()]
    return "names defined in more than one module (rename one so each says what it is):\n" + (
        "\n".join(lines)
    )


def test_no_top_level_name_is_defined_in_two_modules() -> None:
    found = duplicates(definitions(SRC), ALLOWED_DUPLICATES)
    assert found == {}, _report(found)


def test_every_role_name_is_played_where_the_role_says() -> None:
    found = definitions(SRC)
    for name, (globs, _job) in ROLE_NAMES.items():
        players = [m for m in found.get(name, []) if any(fnmatch.fnmatch(m, g) for g in globs)]
        # A role kept in the table after its modules are gone would exempt a future copy.
        assert players or name == "main", f"role {name!r} is played by no module"


def _write(root: Path, module: str, text: str) -> None:
    path = root / module
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_check_finds_a_planted_duplicate_class_and_private_function(tmp_path: Path) -> None:
    _write(tmp_path, "a.py", "class Ledger: ...\ndef _clamp(): ...\n")
    _write(tmp_path, "b/c.py", "if True:\n    class Ledger: ...\n\ndef _clamp(): ...\n")
    _write(tmp_path, "b/d.py", "class Other:\n    def _clamp(self): ...\n")  # a method
    assert duplicates(definitions(tmp_path), {}) == {
        "Ledger": ["a.py", "b/c.py"],
        "_clamp": ["a.py", "b/c.py"],
    }


def test_a_role_name_outside_its_modules_and_a_third_allowed_copy_are_found(
    tmp_path: Path,
) -> None:
    _write(tmp_path, "bootstrap/commands/backtest.py", "def run(): ...\n")
    _write(tmp_path, "bootstrap/commands/paper.py", "def run(): ...\n")
    _write(tmp_path, "orchestration/loop.py", "def run(): ...\n")
    _write(tmp_path, "x.py", "class Holding: ...\n")
    _write(tmp_path, "y.py", "class Holding: ...\n")
    _write(tmp_path, "z.py", "class Holding: ...\n")
    found = definitions(tmp_path)
    assert duplicates(found, {"Holding": frozenset({"x.py", "y.py"})}) == {
        "Holding": ["x.py", "y.py", "z.py"]
    }
    _write(tmp_path, "orchestration/other.py", "def run(): ...\n")
    assert duplicates(definitions(tmp_path), {"Holding": frozenset({"x.py", "y.py", "z.py"})}) == {
        "run": ["orchestration/loop.py", "orchestration/other.py"]
    }
