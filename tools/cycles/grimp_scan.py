"""Read a package's module-level imports with grimp's compiled scanner instead of `ast`.

grimp resolves imports by the same rule as `imports.resolve` (the exact module, else its
parent), but it does not say where an import sits. An import whose statement starts at
column 0 with `import` or `from` can only be a module-level one; every other import (in a
function, under `if TYPE_CHECKING:`, after a `;`) is left to `ast`, as is an import of a
module the analysis excludes (grimp resolves it to that module, `ast` perhaps to a parent).
On ccxt (486 modules, 778k lines) three files need `ast`; the rest costs one grimp scan.
"""

import importlib.util
import sys
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import grimp

from tools.cycles.discovery import PackageTree

# Line prefixes of a statement that cannot sit inside a block: it starts at column 0.
MODULE_LEVEL_PREFIXES = ("import ", "from ")


@dataclass(frozen=True, slots=True)
class GrimpImports:
    """grimp's resolved imports by importer: (imported module, statement line) pairs."""

    by_importer: dict[str, list[tuple[str, int]]]
    # importers with an import of a module the analysis excludes
    unresolved: frozenset[str]


@contextmanager
def _on_sys_path(directory: Path) -> Iterator[None]:
    sys.path.insert(0, str(directory))
    importlib.invalidate_caches()
    try:
        yield
    finally:
        sys.path.remove(str(directory))


def _found_at(root_name: str, package_dir: Path) -> bool:
    """Tell whether importing `root_name` would find `package_dir`, as grimp will look there."""
    spec = importlib.util.find_spec(root_name)
    locations = list(spec.submodule_search_locations or []) if spec else []
    return [Path(location).resolve() for location in locations] == [package_dir]


def scan_with_grimp(tree: PackageTree, package_dir: str) -> GrimpImports | None:
    """Return grimp's view of the package's imports, or None where grimp cannot stand in.

    grimp scans only top-level packages found on `sys.path` and its own module list; when
    the package is a sub-package, another package of that name comes first, grimp fails
    (a syntax error it reports differently), or grimp misses a module the analysis knows,
    the caller reads every file with `ast` instead.
    """
    if "." in tree.root_name:
        return None
    root = Path(package_dir).resolve()
    known = {source.name for source in tree.files}
    with _on_sys_path(root.parent):
        if not _found_at(tree.root_name, root):
            return None
        try:
            graph = grimp.build_graph(tree.root_name, cache_dir=None)
        except Exception:  # any grimp failure: the ast path reports it in our words
            return None
    if not known <= graph.modules:
        return None
    by_importer: dict[str, list[tuple[str, int]]] = defaultdict(list)
    unresolved: set[str] = set()
    for importer in known:
        for imported in graph.find_modules_directly_imported_by(importer):
            if imported not in known:
                unresolved.add(importer)
                continue
            for detail in graph.get_import_details(importer=importer, imported=imported):
                by_importer[importer].append((imported, int(detail["line_number"])))
    return GrimpImports(by_importer=dict(by_importer), unresolved=frozenset(unresolved))


def module_level_only(text: str, imports: list[tuple[str, int]]) -> bool:
    """Tell whether every import's statement line starts at column 0 with import/from."""
    # grimp counts "\n" only; str.splitlines would also break at form feeds and shift lines.
    lines = text.split("\n")
    return all(
        0 < line <= len(lines) and lines[line - 1].startswith(MODULE_LEVEL_PREFIXES)
        for _, line in imports
    )
