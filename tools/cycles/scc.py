"""Strongly connected components (iterative Tarjan) and shortest cycles (BFS)."""

from collections import deque
from collections.abc import Mapping, Set


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


def shortest_cycle_through(adjacency: Mapping[str, Set[str]], start: str) -> list[str] | None:
    """Return a shortest cycle through `start` as a closed path (`[a, b, a]`), or None."""
    if start in adjacency[start]:
        return [start, start]
    parent: dict[str, str] = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in sorted(adjacency[node]):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return [*reversed(path), start]
            if child not in parent:
                parent[child] = node
                queue.append(child)
    return None


def shortest_cycle(adjacency: Mapping[str, Set[str]], component: list[str]) -> list[str]:
    """Return one shortest cycle inside a cyclic component, closed (first node repeated last).

    Ties go to the cycle found from the alphabetically first start node.
    """
    inner = {node: adjacency[node] & set(component) for node in component}
    for node in component:
        if node in inner[node]:
            return [node, node]
    best: list[str] | None = None
    for start in component:
        cycle = shortest_cycle_through(inner, start)
        if cycle is not None and (best is None or len(cycle) < len(best)):
            best = cycle
            if len(best) == 3:  # without self-imports, a two-module cycle cannot be beaten
                break
    assert best is not None, "component has no cycle"
    return best
