"""SCCs found through written packages equal a naive reachability computation."""

import itertools
import tempfile
from pathlib import Path

from cycles_testkit import run_json, write_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tools.cycles.breakers import plan_cuts
from tools.cycles.scc import (
    cyclic_components,
    shortest_cycle,
    shortest_cycle_through,
    strongly_connected_components,
)

Graph = dict[str, set[str]]


def _naive_cyclic_components(graph: Graph) -> list[list[str]]:
    """Group nodes that reach each other (via at least one edge), by plain transitive closure."""
    reach = {node: set(graph[node]) for node in graph}
    changed = True
    while changed:
        changed = False
        for node in graph:
            extra = set().union(*(reach[n] for n in reach[node])) - reach[node]
            if extra:
                reach[node] |= extra
                changed = True
    groups = {
        frozenset({node} | {other for other in reach[node] if node in reach[other]})
        for node in graph
        if node in reach[node]
    }
    return sorted((sorted(g) for g in groups), key=lambda g: (-len(g), g))


def _naive_shortest_cycle_length(graph: Graph, component: list[str]) -> int:
    members = set(component)
    best = len(component) + 1
    for start in component:
        frontier, seen, length = {start}, set(), 0
        while frontier and length < best:
            length += 1
            nxt = {c for n in frontier for c in graph[n] if c in members}
            if start in nxt:
                best = min(best, length)
                break
            seen |= frontier
            frontier = nxt - seen
    return best


graphs = st.integers(min_value=1, max_value=7).flatmap(
    lambda n: st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=n * 3).map(
        lambda edges: (n, edges)
    )
)


def _as_graph(n: int, edges: set[tuple[int, int]]) -> Graph:
    graph: Graph = {f"m{i}": set() for i in range(n)}
    for a, b in edges:
        graph[f"m{a}"].add(f"m{b}")
    return graph


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs)
def test_sccs_of_written_packages_equal_naive_reachability(graph_spec: tuple[int, set]) -> None:
    n, edges = graph_spec
    graph = _as_graph(n, edges)
    files = {"__init__.py": ""}
    for node, targets in graph.items():
        # alternate the import styles so both resolve paths are exercised
        lines = [
            f"from hypopkg import {t}" if i % 2 else f"import hypopkg.{t}"
            for i, t in enumerate(sorted(targets))
        ]
        files[f"{node}.py"] = "".join(line + "\n" for line in lines)
    with tempfile.TemporaryDirectory() as tmp:
        package = write_files(Path(tmp) / "hypopkg", files)
        code, doc = run_json(str(package))

    expected = [[f"hypopkg.{m}" for m in g] for g in _naive_cyclic_components(graph)]
    assert [s["modules"] for s in doc["sccs"]] == expected
    assert code == (1 if expected else 0)
    for scc, group in zip(doc["sccs"], _naive_cyclic_components(graph), strict=True):
        cycle = [m.removeprefix("hypopkg.") for m in scc["shortest_cycle"]]
        assert cycle[0] == cycle[-1]
        assert all(b in graph[a] for a, b in itertools.pairwise(cycle))
        assert len(cycle) - 1 == _naive_shortest_cycle_length(graph, group)


@settings(max_examples=100, deadline=None)
@given(graphs)
def test_cuts_leave_no_cycle_in_their_component(graph_spec: tuple[int, set]) -> None:
    graph = _as_graph(*graph_spec)
    for component in cyclic_components(graph):
        plan = plan_cuts(component, graph, sites=lambda _edge: 1)
        rest = {n: set(graph[n]) & set(component) for n in component}
        for cut in plan.cuts:
            assert cut.imported in rest[cut.importer]
            rest[cut.importer].discard(cut.imported)
        assert plan.complete
        assert cyclic_components(rest) == []


def test_long_cycle_needs_no_recursion() -> None:
    size = 20_000
    graph = {f"n{i:05d}": {f"n{(i + 1) % size:05d}"} for i in range(size)}

    components = strongly_connected_components(graph)

    assert len(components) == 1
    assert len(components[0]) == size
    cycle = shortest_cycle_through(graph, "n00000")
    assert cycle is not None
    assert len(cycle) == size + 1


def test_shortest_cycle_in_a_big_component_beats_the_ring_around_it() -> None:
    # A 1,500-module ring with one chord: the chord makes a 3-edge cycle somewhere inside.
    size = 1_500
    graph = {f"n{i:04d}": {f"n{(i + 1) % size:04d}"} for i in range(size)}
    graph["n0702"].add("n0700")

    cycle = shortest_cycle(graph, sorted(graph))

    assert cycle == ["n0700", "n0701", "n0702", "n0700"]


def test_self_import_is_a_cycle_of_one(tmp_path: Path) -> None:
    package = write_files(
        tmp_path / "selfpkg",
        {"__init__.py": "", "loop.py": "from selfpkg import loop\n", "ok.py": "import os\n"},
    )
    code, doc = run_json(str(package))

    assert code == 1
    assert [(s["modules"], s["shortest_cycle"]) for s in doc["sccs"]] == [
        (["selfpkg.loop"], ["selfpkg.loop", "selfpkg.loop"])
    ]
