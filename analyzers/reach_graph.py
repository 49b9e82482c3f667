"""The graph walks behind the reachability queries: bounded BFS, hops, and path enumeration.

Direct adjacency loops over the MultiDiGraph (no subgraph views, no copies), so a query on a
10,000-function estate stays in tens of milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from analyzers.reach_nodes import access_rank, evidence_summary, strongest_access
from analyzers.reach_types import Hop, ReachPath

Parent = tuple[str, str, Mapping[str, Any]]  # (node nearer the start, edge key, edge data)


@dataclass(slots=True)
class Search:
    """A bounded BFS tree: hop counts and, per node, the edge it was first reached by.

    `access_edges` holds every access-bearing edge (`can`) seen from a node within reach,
    by target, so a query can pick the strongest grant without rescanning in-edges;
    `saw_conditional` says whether any followed edge was conditional.
    """

    start: str
    direction: str
    dist: dict[str, int] = field(default_factory=dict)
    parent: dict[str, Parent] = field(default_factory=dict)
    access_edges: dict[str, list[Parent]] = field(default_factory=dict)
    saw_conditional: bool = False


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


def _edge_score(data: Mapping[str, Any]) -> tuple[bool, int]:
    return (not data.get("conditional"), access_rank(strongest_access(data.get("access"))))


def bfs(
    graph: nx.MultiDiGraph,
    start: str,
    direction: str,
    kinds: frozenset[str],
    max_hops: int,
    *,
    unconditional_only: bool,
) -> Search:
    """Breadth-first from `start`; between parallel edges the unconditional, strongest one is kept.

    The first layer is ordered strongest access first, so deeper nodes inherit the strongest
    first hop among their shortest paths (which is what a backward query reports as access).
    """
    search = Search(start, direction, {start: 0})
    adjacency = _adjacency(graph, direction)
    dist, parent, access_edges = search.dist, search.parent, search.access_edges
    collect = direction == "forward" and not unconditional_only
    frontier = [start]
    for depth in range(1, max_hops + 1):
        following: list[str] = []
        for node in frontier:
            for other, keyed in adjacency[node].items():
                if other in dist:
                    if collect:  # a grant on a node reached already may still be the strongest
                        for key, data in keyed.items():
                            if data.get("access") and data.get("kind") in kinds:
                                access_edges.setdefault(other, []).append((node, key, data))
                    continue
                best: tuple[str, Mapping[str, Any]] | None = None
                for key, data in keyed.items():
                    if data.get("kind") not in kinds or (unconditional_only and data.get("conditional")):
                        continue
                    if collect and data.get("access"):
                        access_edges.setdefault(other, []).append((node, key, data))
                    if best is None or _edge_score(data) > _edge_score(best[1]):
                        best = (key, data)
                if best is not None:
                    dist[other] = depth
                    parent[other] = (node, best[0], best[1])
                    following.append(other)
                    if best[1].get("conditional"):
                        search.saw_conditional = True
        if depth == 1:
            following.sort(key=lambda n: -access_rank(strongest_access(parent[n][2].get("access"))))
        frontier = following
        if not frontier:
            break
    return search


def make_hop(graph: nx.MultiDiGraph, source: str, target: str, key: str, data: Mapping[str, Any]) -> Hop:
    return Hop(
        source=source,
        target=target,
        kind=str(data.get("kind") or key),
        key=key,
        access=strongest_access(data.get("access")),
        conditional=bool(data.get("conditional")),
        public=bool(data.get("public")),
        evidence=evidence_summary(data),
    )


def path_to(graph: nx.MultiDiGraph, search: Search, node: str) -> ReachPath:
    """The BFS tree's path between the search's start and `node`, in edge order."""
    hops: list[Hop] = []
    while node != search.start:
        prev, key, data = search.parent[node]
        if search.direction == "forward":
            hops.append(make_hop(graph, prev, node, key, data))
        else:
            hops.append(make_hop(graph, node, prev, key, data))
        node = prev
    if search.direction == "forward":
        hops.reverse()
    return ReachPath(tuple(hops))


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

    Pruned by each node's distance to `goal`, so only nodes that can still arrive are explored.
    """
    reverse = "backward" if direction == "forward" else "forward"
    to_goal = bfs(graph, goal, reverse, kinds, max_hops, unconditional_only=False).dist
    if start not in to_goal:
        return (), False
    found: list[ReachPath] = []
    cap = None if limit is None else limit + 1
    stack: list[Hop] = []
    on_path = {start}

    def walk(node: str, remaining: int) -> bool:
        """Extend the path at `node` by exactly `remaining` hops; False once the cap is hit."""
        for other, key, data in edges_of(graph, node, direction, kinds):
            if other in on_path or to_goal.get(other, max_hops + 1) > remaining - 1:
                continue
            if (other == goal) != (remaining == 1):
                continue
            ends = (node, other) if direction == "forward" else (other, node)
            stack.append(make_hop(graph, *ends, key, data))
            if other == goal:
                found.append(ReachPath(tuple(stack if direction == "forward" else reversed(stack))))
            else:
                on_path.add(other)
                keep_going = walk(other, remaining - 1)
                on_path.discard(other)
                if not keep_going:
                    stack.pop()
                    return False
            stack.pop()
            if cap is not None and len(found) >= cap:
                return False
        return True

    for length in range(to_goal[start], max_hops + 1):
        if not walk(start, length):
            break
    truncated = limit is not None and len(found) > limit
    return tuple(found[:limit]), truncated
