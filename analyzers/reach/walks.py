"""The graph walks behind the reachability queries: one node's edges, hops, paths, and every
simple path between two nodes.

Direct adjacency loops over the MultiDiGraph (no subgraph views, no copies); the searches that
touch the whole estate run on the compiled index (`reach_index`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import networkx as nx
import numpy as np

from analyzers.reach.index import index_for
from analyzers.reach.labels import strongest_access
from analyzers.reach.types import Hop, ReachPath


def _adjacency(graph: nx.MultiDiGraph, direction: str) -> dict[str, dict[str, dict[str, Any]]]:
    # The raw dicts: networkx's views wrap every item in a new view object, 10x slower in this loop.
    adjacency: dict[str, dict[str, dict[str, Any]]] = graph._succ if direction == "forward" else graph._pred
    return adjacency


def edges_of(
    graph: nx.MultiDiGraph, node: str, direction: str, kinds: frozenset[str]
) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(the node at the other end, edge key, edge data) for each `kinds` edge along `direction`."""
    for other, keyed in _adjacency(graph, direction)[node].items():
        for key, data in keyed.items():
            if data.get("kind") in kinds:
                yield other, key, data


def make_hop(graph: nx.MultiDiGraph, source: str, target: str, key: str, data: Mapping[str, Any]) -> Hop:
    return Hop(
        source=source,
        target=target,
        kind=str(data.get("kind") or key),
        key=key,
        access=strongest_access(data.get("access")),
        conditional=bool(data.get("conditional")),
        public=bool(data.get("public")),
        edge=data,
    )


def enumerate_paths(
    graph: nx.MultiDiGraph,
    start: str,
    goal: str,
    direction: str,
    kinds: frozenset[str],
    max_hops: int,
    limit: int | None,
) -> tuple[tuple[ReachPath, ...], bool]:
    """Every simple path between `start` and `goal` of at most `max_hops` hops, shortest first
    (length by length), stopping after `limit`; also whether more were left out.

    Pruned by each node's distance to `goal` (from the index), so only neighbours that can still
    arrive in time are looked at. Hops are counted as the queries count them: a hop out of a
    `role-set` node is free.
    """
    reverse = "backward" if direction == "forward" else "forward"
    index = index_for(graph, kinds)
    sets = index.sets  # hops out of a role-set node are free
    to_goal = index.search(goal, reverse, max_hops, strict=False, free_first=True).dist
    if to_goal[index.ids[start]] < 0:
        return (), False
    names, ids = index.names, index.ids
    adjacency = index.adjacency(direction, strict=False)
    keyed_edges = _adjacency(graph, direction)
    found: list[ReachPath] = []
    cap = None if limit is None else limit + 1
    stack: list[Hop] = []
    on_path = {start}

    forward = direction == "forward"

    def walk(node: str, remaining: int) -> bool:
        """Extend the path at `node` by exactly `remaining` hops (a hop out of a role-set node
        costs none); False once the cap is hit."""
        i = ids[node]
        others = adjacency.indices[adjacency.indptr[i] : adjacency.indptr[i + 1]]
        if node == start:  # a query's first hop always counts
            cost = np.ones(others.size, dtype=np.int64)
        elif forward:
            cost = np.full(others.size, 0 if sets[i] else 1, dtype=np.int64)
        else:
            cost = np.where(sets[others], 0, 1)
        left = remaining - cost
        distance = to_goal[others]
        usable = (distance >= 0) & (distance <= left)
        for j, after in zip(others[usable].tolist(), left[usable].tolist(), strict=True):
            other = names[j]
            if other in on_path or (other == goal and after != 0):
                continue  # (any other node is usable: it can still reach the goal in `after`)
            for key, data in keyed_edges[node][other].items():
                if data.get("kind") not in kinds:
                    continue
                source, target = (node, other) if direction == "forward" else (other, node)
                stack.append(make_hop(graph, source, target, key, data))
                if other == goal:
                    found.append(ReachPath(tuple(stack if direction == "forward" else reversed(stack))))
                else:
                    on_path.add(other)
                    keep_going = walk(other, after)
                    on_path.discard(other)
                    if not keep_going:
                        stack.pop()
                        return False
                stack.pop()
                if cap is not None and len(found) >= cap:
                    return False
        return True

    # (to_goal[start] may count a free first hop the walk counts: start one lower)
    for length in range(max(int(to_goal[ids[start]]) - int(sets.any()), 1), max_hops + 1):
        if not walk(start, length):
            break
    truncated = limit is not None and len(found) > limit
    return tuple(found[:limit]), truncated
