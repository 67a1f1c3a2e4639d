"""grimp's scanner stands in for `ast` without changing a single site, kind or finding."""

from pathlib import Path

import pytest
from cycles_testkit import REPO, SHOPFIX, write_files
from tools.cycles.analysis import analyze
from tools.cycles.discovery import discover
from tools.cycles.graph import ImportGraph, build_from_tree
from tools.cycles.grimp_scan import scan_with_grimp
from tools.cycles.model import EdgeKind
from tools.cycles.render import to_json, to_text

# Cycles at every kind, imports in every kind of block, and lines grimp cannot classify.
MIXED_FILES = {
    "__init__.py": "",
    "a.py": "from mixpkg import b\nimport mixpkg.c ; import mixpkg.d\n",
    "b.py": "from . import a\n",
    "c.py": (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING: from mixpkg import d\n"
        "if not TYPE_CHECKING:\n"
        "    pass\n"
        "else:\n"
        "    import mixpkg.e\n"
    ),
    "d.py": (
        "import typing\n"
        "try:\n"
        "    from mixpkg import c\n"
        "except ImportError:\n"
        "    c = None\n"
        "class Holder:\n"
        "    from mixpkg.sub import leaf\n"
        "match 1:\n"
        "    case 1:\n"
        "        import mixpkg.a\n"
        "if typing.TYPE_CHECKING:\n"
        "    import mixpkg.b\n"
    ),
    "e.py": (
        "\x0c\n"  # a form feed: str.splitlines counts it, grimp does not
        "def late():\n"
        "    with open(__file__):\n"
        "        from mixpkg import c\n"
        "    return c\n"
        "x = [1 for _ in ()]\n"
        "from mixpkg.sub import *\n"
    ),
    "sub/__init__.py": "from .. import e\n",
    "sub/leaf.py": "from mixpkg.hidden import thing\nimport mixpkg.hidden\n",
    "sub/hidden.py": "",
    "hidden/__init__.py": "",
}

# Every site of MIXED_FILES as `ast` reads it, written down by hand.
MIXED_SITES = {
    ("mixpkg.a", "mixpkg.b", 1, "module"),
    ("mixpkg.a", "mixpkg.c", 2, "module"),
    ("mixpkg.a", "mixpkg.d", 2, "module"),
    ("mixpkg.b", "mixpkg.a", 1, "module"),
    ("mixpkg.c", "mixpkg.d", 2, "type_checking"),
    ("mixpkg.c", "mixpkg.e", 6, "type_checking"),
    ("mixpkg.d", "mixpkg.c", 3, "module"),
    ("mixpkg.d", "mixpkg.sub.leaf", 7, "module"),
    ("mixpkg.d", "mixpkg.a", 10, "module"),
    ("mixpkg.d", "mixpkg.b", 12, "type_checking"),
    ("mixpkg.e", "mixpkg.c", 4, "function"),
    ("mixpkg.e", "mixpkg.sub", 7, "module"),
    ("mixpkg.sub", "mixpkg.e", 1, "module"),
    ("mixpkg.sub.leaf", "mixpkg.hidden", 1, "module"),
    ("mixpkg.sub.leaf", "mixpkg.hidden", 2, "module"),
}


def _both(package: Path, exclude: tuple[str, ...] = ()) -> tuple[ImportGraph, ImportGraph]:
    tree = discover(str(package), exclude)
    return build_from_tree(tree), build_from_tree(tree, str(package))


def _reports(graph: ImportGraph, path: Path) -> tuple[str, str]:
    report = analyze(graph, str(path), list(EdgeKind), 2, 300, None)
    return to_json(report), to_text(report, strict_size=True)


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    return write_files(tmp_path / "mixpkg", MIXED_FILES)


def test_grimp_scan_gives_the_same_sites_and_findings_as_ast(mixed: Path) -> None:
    by_ast, by_grimp = _both(mixed)

    assert {(s.importer, s.imported, s.line, s.kind.value) for s in by_ast.sites} == MIXED_SITES
    assert by_grimp == by_ast
    assert _reports(by_grimp, mixed) == _reports(by_ast, mixed)
    assert '"sccs": []' not in _reports(by_grimp, mixed)[0]  # the known cycles are found


def test_grimp_reads_the_plain_modules_and_ast_only_the_unclear_ones(mixed: Path) -> None:
    scanned = scan_with_grimp(discover(str(mixed)), str(mixed))

    assert scanned is not None
    assert scanned.by_importer["mixpkg.b"] == [("mixpkg.a", 1)]
    assert scanned.unresolved == frozenset()


def test_an_import_of_an_excluded_module_is_resolved_by_ast(mixed: Path) -> None:
    # grimp resolves `import mixpkg.hidden` to the excluded package; ast, knowing it not,
    # to nothing: the importer is left to ast so the two agree.
    tree = discover(str(mixed), ["hidden"])
    scanned = scan_with_grimp(tree, str(mixed))
    by_ast, by_grimp = _both(mixed, ("hidden",))

    assert scanned is not None
    assert "mixpkg.sub.leaf" in scanned.unresolved
    assert by_grimp == by_ast


def test_a_sub_package_falls_back_to_ast(mixed: Path) -> None:
    sub = mixed / "sub"

    assert scan_with_grimp(discover(str(sub)), str(sub)) is None
    by_ast, by_grimp = _both(sub)
    assert by_grimp == by_ast


def test_grimp_scan_equals_ast_on_the_fixture_and_on_tradekernel() -> None:
    for package in (SHOPFIX, REPO / "src" / "tradekernel"):
        by_ast, by_grimp = _both(package)

        assert by_grimp == by_ast, package
        assert _reports(by_grimp, package) == _reports(by_ast, package)
