"""Strongly connected components (iterative Tarjan) and shortest cycles (BFS)."""

from collections import deque
from collections.abc import Mapping, Set

MAX_EXACT_STARTS = 300


def strongly_connected_components(adjacency: Mapping[str, Set[str]]) -> list[list[str]]:
    """Return every strongly connected component, each sorted, without recursion.

    Args:
        adjacency: node -> successors; every successor must be a key.

    Returns:
        All components (singletons included), each sorted, in no particular order.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    successors = {node: sorted(nexts) for node, nexts in adjacency.items()}
    for start in sorted(adjacency):
        if start in index:
            continue
        # Each frame: (node, position of the next successor to look at).
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, position = work[-1]
            if position == 0 and node not in index:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            nexts = successors[node]
            if position < len(nexts):
                work[-1] = (node, position + 1)
                child = nexts[position]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def cyclic_components(adjacency: Mapping[str, Set[str]]) -> list[list[str]]:
    """Return the components that hold a cycle (size > 1, or a self-import), largest first."""
    found = [
        c for c in strongly_connected_components(adjacency) if len(c) > 1 or c[0] in adjacency[c[0]]
    ]
    return sorted(found, key=lambda c: (-len(c), c))


def shortest_cycle_through(
    adjacency: Mapping[str, Set[str]], start: str, shorter_than: int | None = None
) -> list[str] | None:
    """Return a shortest cycle through `start` as a closed path (`[a, b, a]`), or None.

    Args:
        adjacency: node -> successors.
        start: The node the cycle must pass through.
        shorter_than: Only look for cycles with fewer edges than this (prunes the search).
    """
    if start in adjacency[start]:
        return [start, start]
    parent: dict[str, str] = {start: start}
    depth: dict[str, int] = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if shorter_than is not None and depth[node] + 1 >= shorter_than:
            return None  # breadth-first: every later node is at least this deep
        for child in sorted(adjacency[node]):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return [*reversed(path), start]
            if child not in parent:
                parent[child] = node
                depth[child] = depth[node] + 1
                queue.append(child)
    return None


def shortest_cycle(adjacency: Mapping[str, Set[str]], component: list[str]) -> list[str]:
    """Return one shortest cycle inside a cyclic component, closed (first node repeated last).

    Exact for components of up to MAX_EXACT_STARTS modules (a breadth-first search from each);
    larger ones search from that many evenly spaced modules, which bounds the time on huge
    components. Ties go to the cycle found from the alphabetically first start node.
    """
    members = set(component)
    inner = {node: adjacency[node] & members for node in component}
    for node in component:
        if node in inner[node]:
            return [node, node]
    step = -(-len(component) // MAX_EXACT_STARTS)  # ceiling division
    best: list[str] | None = None
    for start in component[::step]:
        limit = None if best is None else len(best) - 1
        cycle = shortest_cycle_through(inner, start, shorter_than=limit)
        if cycle is not None:
            best = cycle
            if len(best) == 3:  # without self-imports, a two-module cycle cannot be beaten
                break
    assert best is not None, "component has no cycle"
    return best
