"""Cross-check: the ast edge set equals the one grimp builds for the same package."""

from pathlib import Path

import grimp
import pytest
from cycles_testkit import FIXTURES, SHOPFIX, write_files
from tools.cycles.graph import build_graph


def _grimp_edges(package: str) -> set[tuple[str, str]]:
    graph = grimp.build_graph(package, cache_dir=None)
    return {
        (importer, imported)
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
    }


def _our_edges(package_dir: Path) -> set[tuple[str, str]]:
    # Every kind (module, TYPE_CHECKING, function): grimp records them all, self-imports too.
    return {(s.importer, s.imported) for s in build_graph(str(package_dir)).sites}


def test_ast_edges_equal_grimp_edges_on_the_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(FIXTURES))

    ours = _our_edges(SHOPFIX)

    assert ours == _grimp_edges("shopfix")
    assert len(ours) == 13


def test_ast_modules_equal_grimp_modules_on_the_fixture(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.syspath_prepend(str(FIXTURES))

    assert set(build_graph(str(SHOPFIX)).modules) == set(
        grimp.build_graph("shopfix", cache_dir=None).modules
    )


def test_ast_edges_equal_grimp_edges_on_tricky_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = write_files(
        tmp_path / "trickpkg",
        {
            "__init__.py": "from . import sub\n",
            "sub/__init__.py": "from .deep.leaf import VALUE\n",
            "sub/deep/__init__.py": "",
            "sub/deep/leaf.py": "import trickpkg.sub\nVALUE = 1\n",
            "sub/sibling.py": (
                "from ..sub import deep, sibling\n"
                "from trickpkg.sub.deep import leaf as alias\n"
                "from trickpkg import *\n"
                "import os.path\n"
                "import trickpkg.sub.deep.leaf.VALUE\n"
                "from trickpkg.loose.tool import run\n"
                "from trickpkg.loose.nested.x import y\n"
            ),
            "loose/tool.py": "def run():\n    return 1\n",
            "other.py": (
                "def late():\n"
                "    from trickpkg.sub import sibling\n"
                "    return sibling\n"
                "class Holder:\n"
                "    import trickpkg.sub.deep.leaf\n"
            ),
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    ours = _our_edges(package)

    assert ours == _grimp_edges("trickpkg")
    # `import a.b.leaf.VALUE` drops one level to the module; an import through a directory
    # without __init__.py (trickpkg.loose) resolves to nothing, not to trickpkg.
    assert ("trickpkg.sub.sibling", "trickpkg.sub.deep.leaf") in ours
    assert ("trickpkg.other", "trickpkg.sub.sibling") in ours  # function-level counts too
    assert not any(imported.startswith("trickpkg.loose") for _, imported in ours)
