"""The module import graph of a package: its modules and every resolved import site."""

import ast
import tokenize
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from tools.cycles.discovery import PackageTree, SourceFile, discover
from tools.cycles.grimp_scan import module_level_only, scan_with_grimp
from tools.cycles.imports import collect_imports, resolve
from tools.cycles.model import KIND_ORDER, EdgeKind, ImportSite, InputError, Module, OrphanDir

Adjacency = dict[str, set[str]]


@dataclass(frozen=True, slots=True)
class ImportGraph:
    """Modules of one package and the import sites between them."""

    root_name: str
    modules: dict[str, Module]
    sites: tuple[ImportSite, ...]
    orphan_dirs: tuple[OrphanDir, ...]

    def edge_kinds(self) -> dict[tuple[str, str], EdgeKind]:
        """Map each (importer, imported) pair to its strongest kind (module beats the others)."""
        kinds: dict[tuple[str, str], EdgeKind] = {}
        for site in self.sites:
            key = (site.importer, site.imported)
            old = kinds.get(key)
            if old is None or KIND_ORDER[site.kind] < KIND_ORDER[old]:
                kinds[key] = site.kind
        return kinds

    def adjacency(self, kinds: Collection[EdgeKind]) -> Adjacency:
        """Return importer -> imported modules over the sites of the given kinds."""
        adjacency: Adjacency = {name: set() for name in self.modules}
        for site in self.sites:
            if site.kind in kinds:
                adjacency[site.importer].add(site.imported)
        return adjacency

    def sites_by_edge(self, kinds: Collection[EdgeKind]) -> dict[tuple[str, str], list[ImportSite]]:
        """Group the sites of the given kinds by edge, strongest kind and earliest line first."""
        grouped: dict[tuple[str, str], list[ImportSite]] = defaultdict(list)
        for site in self.sites:
            if site.kind in kinds:
                grouped[(site.importer, site.imported)].append(site)
        for sites in grouped.values():
            sites.sort(key=lambda s: (KIND_ORDER[s.kind], s.line))
        return dict(grouped)


def _read(source: SourceFile) -> str:
    try:
        with tokenize.open(source.path) as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError, SyntaxError) as error:
        raise InputError(f"cannot read {source.display}: {error}") from None


def _ast_sites(source: SourceFile, text: str, known: Collection[str]) -> list[ImportSite]:
    try:
        parsed = ast.parse(text, filename=source.display)
    except SyntaxError as error:
        raise InputError(f"cannot parse {source.display}:{error.lineno}: {error.msg}") from None
    return [
        site
        for raw in collect_imports(parsed)
        for site in resolve(raw, source.name, source.is_package, source.display, known)
    ]


def _grimp_sites(source: SourceFile, imports: list[tuple[str, int]]) -> list[ImportSite]:
    return [
        ImportSite(source.name, imported, source.display, line, EdgeKind.MODULE)
        for imported, line in imports
    ]


def build_from_tree(tree: PackageTree, package_dir: str | None = None) -> ImportGraph:
    """Read every file of a discovered package and resolve its imports.

    With `package_dir`, grimp's compiled scanner reads the imports of every file whose
    imports all sit at module level, and `ast` the rest (see `grimp_scan`); without it, or
    where grimp cannot stand in, `ast` reads every file. Both give the same graph.

    Raises:
        InputError: If a file cannot be read or parsed.
    """
    known = {source.name for source in tree.files}
    scanned = scan_with_grimp(tree, package_dir) if package_dir is not None else None
    modules: dict[str, Module] = {}
    sites: list[ImportSite] = []
    for source in tree.files:
        text = _read(source)
        modules[source.name] = Module(
            name=source.name,
            file=source.display,
            is_package=source.is_package,
            lines=len(text.splitlines()),
        )
        imports = scanned.by_importer.get(source.name, []) if scanned else []
        if (
            scanned is not None
            and source.name not in scanned.unresolved
            and module_level_only(text, imports)
        ):
            sites.extend(_grimp_sites(source, imports))
        else:
            sites.extend(_ast_sites(source, text, known))
    return ImportGraph(
        root_name=tree.root_name,
        modules=modules,
        sites=tuple(sorted(set(sites))),
        orphan_dirs=tree.orphan_dirs,
    )


def build_graph(package_dir: str, exclude: Sequence[str] = ()) -> ImportGraph:
    """Build the import graph of the package in `package_dir`.

    Raises:
        InputError: If the directory is not a package or a file cannot be parsed.
    """
    return build_from_tree(discover(package_dir, exclude), package_dir)
