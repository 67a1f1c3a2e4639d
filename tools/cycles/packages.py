"""Collapse modules to packages at a depth and find the cycles between packages."""

from collections.abc import Mapping, Set
from dataclasses import dataclass

from tools.cycles.graph import Adjacency
from tools.cycles.scc import cyclic_components


def collapse(name: str, depth: int) -> str:
    """Cut a dotted name to its first `depth` parts: `a.b.c.d` at depth 2 is `a.b`."""
    return ".".join(name.split(".")[:depth])


@dataclass(frozen=True, slots=True)
class PackageCycle:
    """Packages that import each other, and the module edges that make them do so."""

    packages: list[str]
    module_edges: list[tuple[str, str]]


def package_adjacency(adjacency: Mapping[str, Set[str]], depth: int) -> Adjacency:
    """Return the package graph: an edge wherever a module of one imports a module of another."""
    packages: Adjacency = {}
    for importer, imported in adjacency.items():
        source = collapse(importer, depth)
        packages.setdefault(source, set())
        for target in imported:
            collapsed = collapse(target, depth)
            packages.setdefault(collapsed, set())
            if collapsed != source:
                packages[source].add(collapsed)
    return packages


def package_cycles(adjacency: Mapping[str, Set[str]], depth: int) -> list[PackageCycle]:
    """Find the cycles between packages at `depth`, largest first.

    Args:
        adjacency: The module graph.
        depth: How many dotted parts name a package.

    Returns:
        One entry per cyclic component of the package graph, with the module edges inside it.
    """
    cycles: list[PackageCycle] = []
    for component in cyclic_components(package_adjacency(adjacency, depth)):
        members = set(component)
        edges = sorted(
            (importer, imported)
            for importer, targets in adjacency.items()
            for imported in targets
            if collapse(importer, depth) in members
            and collapse(imported, depth) in members
            and collapse(importer, depth) != collapse(imported, depth)
        )
        cycles.append(PackageCycle(packages=component, module_edges=edges))
    return cycles
