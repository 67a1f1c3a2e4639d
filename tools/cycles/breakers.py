"""Cut suggestions: which imports to remove so a cyclic component becomes acyclic."""

import itertools
from collections import Counter
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass

from tools.cycles.graph import Adjacency
from tools.cycles.scc import cyclic_components, shortest_cycle_through

# Bounds keep huge components (hundreds of modules) fast; the suggestion stays deterministic.
MAX_CUTS = 25
MAX_SAMPLED_STARTS = 100

Edge = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Cut:
    """One suggested import to remove, and why this one."""

    importer: str
    imported: str
    reason: str


@dataclass(frozen=True, slots=True)
class CutPlan:
    """The cuts for one component; `complete` is False when MAX_CUTS ran out first."""

    cuts: list[Cut]
    complete: bool


def _upward_cuts(
    graph: Mapping[str, Set[str]], rank: Callable[[str], int | None], label: Callable[[str], str]
) -> list[Cut]:
    cuts: list[Cut] = []
    for importer in sorted(graph):
        low = rank(importer)
        for imported in sorted(graph[importer]):
            high = rank(imported)
            if low is not None and high is not None and low < high:
                reason = f"upward: layer {label(importer)} imports higher layer {label(imported)}"
                cuts.append(Cut(importer, imported, reason))
    return cuts


def _best_edge(component: list[str], graph: Adjacency, sites: Callable[[Edge], int]) -> Cut:
    members = set(component)
    inner = {node: graph[node] & members for node in component}
    step = max(1, len(component) // MAX_SAMPLED_STARTS)
    starts = component[::step]
    counts: Counter[Edge] = Counter()
    for start in starts:
        cycle = shortest_cycle_through(inner, start)
        if cycle is not None:
            counts.update(itertools.pairwise(cycle))
    # Most cycles broken, then the fewest import sites to edit, then by name.
    best = min(counts, key=lambda edge: (-counts[edge], sites(edge), edge))
    reason = (
        f"on {counts[best]} of {len(starts)} shortest cycles sampled, "
        f"{sites(best)} import site(s) to edit"
    )
    return Cut(best[0], best[1], reason)


def plan_cuts(
    component: list[str],
    adjacency: Mapping[str, Set[str]],
    sites: Callable[[Edge], int],
    rank: Callable[[str], int | None] | None = None,
    label: Callable[[str], str] = str,
) -> CutPlan:
    """Choose the imports to cut so that `component` has no cycle left.

    With a layer order, every upward edge (a lower layer importing a higher one) is cut
    first; whatever cycles remain are broken greedily, each time removing the edge that
    lies on the most shortest cycles and, among those, needs the fewest import sites edited.

    Args:
        component: The nodes of one cyclic component.
        adjacency: The whole graph.
        sites: How many import statements make an edge.
        rank: Layer height of a node (0 lowest), None when the node is in no layer.
        label: The layer name of a node, for the reason text.

    Returns:
        The cuts in the order chosen.
    """
    members = set(component)
    graph: Adjacency = {node: set(adjacency[node]) & members for node in component}
    cuts: list[Cut] = []
    if rank is not None:
        for cut in _upward_cuts(graph, rank, label):
            graph[cut.importer].discard(cut.imported)
            cuts.append(cut)
    while len(cuts) < MAX_CUTS:
        remaining = cyclic_components(graph)
        if not remaining:
            return CutPlan(cuts=cuts, complete=True)
        for part in remaining:
            if len(cuts) >= MAX_CUTS:
                break
            cut = _best_edge(part, graph, sites)
            graph[cut.importer].discard(cut.imported)
            cuts.append(cut)
    return CutPlan(cuts=cuts, complete=not cyclic_components(graph))
