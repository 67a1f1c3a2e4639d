"""Run every check on an import graph and gather the findings into one report."""

import itertools
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from tools.cycles.breakers import Edge, plan_cuts
from tools.cycles.graph import ImportGraph
from tools.cycles.layers import LayerOrder
from tools.cycles.model import EdgeKind, ImportSite, Module, OrphanDir
from tools.cycles.packages import collapse, package_adjacency, package_cycles
from tools.cycles.scc import cyclic_components, shortest_cycle


@dataclass(frozen=True, slots=True)
class SccFinding:
    """A cyclic component of the module graph."""

    modules: list[str]
    shortest_cycle: list[str]
    cycle_sites: list[ImportSite]
    internal_edges: int


@dataclass(frozen=True, slots=True)
class PackageCycleFinding:
    """A cyclic component of the package graph, with one site per module edge inside it."""

    packages: list[str]
    sites: list[ImportSite]


@dataclass(frozen=True, slots=True)
class Breaker:
    """A suggested cut: `scope` is "module" or "package", `component` its 1-based index."""

    scope: str
    component: int
    importer: str
    imported: str
    reason: str
    sites: list[ImportSite]
    complete: bool


@dataclass(frozen=True, slots=True)
class Report:
    """Everything the analyzer found, sorted."""

    package: str
    path: str
    cycle_kinds: list[EdgeKind]
    package_depth: int
    max_module_lines: int
    layers_source: str | None
    layers_note: str | None
    modules: int
    packages: int
    lines: int
    edges_by_kind: dict[EdgeKind, int]
    import_sites: int
    sccs: list[SccFinding]
    package_cycles: list[PackageCycleFinding]
    breakers: list[Breaker]
    oversized: list[Module]
    orphan_dirs: tuple[OrphanDir, ...]

    @property
    def edges(self) -> int:
        """Count the distinct (importer, imported) pairs of every kind."""
        return sum(self.edges_by_kind.values())

    @property
    def modules_in_cycles(self) -> int:
        """Count the modules that sit in some cyclic component."""
        return sum(len(scc.modules) for scc in self.sccs)

    def findings(self, strict_size: bool) -> int:
        """Count the findings that make the exit code 1."""
        found = len(self.sccs) + len(self.package_cycles) + len(self.orphan_dirs)
        return found + (len(self.oversized) if strict_size else 0)


def analyze(
    graph: ImportGraph,
    path: str,
    cycle_kinds: Collection[EdgeKind],
    package_depth: int,
    max_module_lines: int,
    layers: LayerOrder | None,
) -> Report:
    """Find cycles, package cycles, cuts, oversized modules and orphan directories.

    Args:
        graph: The import graph.
        path: The package directory as the user gave it.
        cycle_kinds: Which edge kinds count for cycles (module-level always).
        package_depth: Dotted depth at which modules collapse into packages.
        max_module_lines: Modules over this many lines are listed.
        layers: The layer order for cut suggestions, if known.

    Returns:
        The report.
    """
    kinds = sorted(set(cycle_kinds), key=list(EdgeKind).index)
    layers_note = None
    if layers is not None and all(layers.rank(name) is None for name in graph.modules):
        layers_note = f"{layers.source} has no layer for {graph.root_name}"
        layers = None
    adjacency = graph.adjacency(kinds)
    by_edge = graph.sites_by_edge(kinds)
    rank = layers.rank if layers is not None else None

    def label(node: str) -> str:
        return (layers.name(node) if layers else None) or node

    sccs: list[SccFinding] = []
    breakers: list[Breaker] = []
    for number, component in enumerate(cyclic_components(adjacency), start=1):
        cycle = shortest_cycle(adjacency, component)
        members = set(component)
        sccs.append(
            SccFinding(
                modules=component,
                shortest_cycle=cycle,
                cycle_sites=[by_edge[edge][0] for edge in itertools.pairwise(cycle)],
                internal_edges=sum(len(adjacency[m] & members) for m in component),
            )
        )
        plan = plan_cuts(component, adjacency, lambda e: len(by_edge[e]), rank, label)
        breakers.extend(
            Breaker(
                "module",
                number,
                c.importer,
                c.imported,
                c.reason,
                by_edge[(c.importer, c.imported)],
                plan.complete,
            )
            for c in plan.cuts
        )

    package_sites: dict[Edge, list[ImportSite]] = {}
    for (importer, imported), sites in sorted(by_edge.items()):
        key = (collapse(importer, package_depth), collapse(imported, package_depth))
        package_sites.setdefault(key, []).extend(sites)
    found_package_cycles: list[PackageCycleFinding] = []
    packages_graph = package_adjacency(adjacency, package_depth)
    for number, found in enumerate(package_cycles(adjacency, package_depth), start=1):
        found_package_cycles.append(
            PackageCycleFinding(
                packages=found.packages, sites=[by_edge[e][0] for e in found.module_edges]
            )
        )
        plan = plan_cuts(
            found.packages, packages_graph, lambda e: len(package_sites[e]), rank, label
        )
        breakers.extend(
            Breaker(
                "package",
                number,
                c.importer,
                c.imported,
                c.reason,
                sorted(package_sites[(c.importer, c.imported)]),
                plan.complete,
            )
            for c in plan.cuts
        )

    edge_kinds = Counter(graph.edge_kinds().values())
    return Report(
        package=graph.root_name,
        path=path,
        cycle_kinds=kinds,
        package_depth=package_depth,
        max_module_lines=max_module_lines,
        layers_source=layers.source if layers else None,
        layers_note=layers_note,
        modules=len(graph.modules),
        packages=sum(m.is_package for m in graph.modules.values()),
        lines=sum(m.lines for m in graph.modules.values()),
        edges_by_kind={kind: edge_kinds.get(kind, 0) for kind in EdgeKind},
        import_sites=len(graph.sites),
        sccs=sccs,
        package_cycles=found_package_cycles,
        breakers=breakers,
        oversized=sorted(
            (m for m in graph.modules.values() if m.lines > max_module_lines),
            key=lambda m: (-m.lines, m.name),
        ),
        orphan_dirs=graph.orphan_dirs,
    )
