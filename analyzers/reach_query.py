"""Reachability queries over the estate graph: who reaches what, along which hops, with which access.

One implementation serves the library, `lambdascope reach` and the Reachability pane:

- `forward(graph, start)`: from `internet`, an account, a principal or an invoker, every node it
  reaches (functions it can trigger, roles it runs as or becomes, data stores and the access on
  them), with one explained path per node, or every path to `to`.
- `backward(graph, start)`: for a store, role or function, everyone who reaches it and how.
- `blast_radius(graph, node)`: the data stores a node reaches, each with the strongest access
  level and the shortest path that gives it.
- `next_hops(graph, node, direction)`: one node's hops, for a tree expanded on demand.

Only the edge kinds that mean reach are followed (`invokes`, `executes-as`, `can`, `can-assume`,
`escalates-to`); configuration edges (`has-policy`, `in-subnet`, ...) are not. A path never
revisits a node; conditional edges are kept and a path with one is conditional. Nothing is
precomputed: each query is a bounded breadth-first search (plus a second one over unconditional
edges only, so a node reachable without conditions is never reported as conditional).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx

from analyzers.reach_graph import Search, bfs, edges_of, enumerate_paths, make_hop, path_to
from analyzers.reach_nodes import access_rank, node_label, strongest_access
from analyzers.reach_types import FORWARD_KINDS, STORE_KINDS, Hop, ReachedNode, ReachPath, ReachResult

__all__ = [
    "FORWARD_KINDS",
    "STORE_KINDS",
    "Direction",
    "Hop",
    "ReachPath",
    "ReachResult",
    "ReachedNode",
    "backward",
    "blast_radius",
    "classifications",
    "forward",
    "internet_invocable_functions",
    "next_hops",
    "relevant_nodes",
]

Direction = Literal["forward", "backward"]
DEFAULT_LIMIT = 100


def _matches(data: Mapping[str, Any], classification: str | None, node_kinds: frozenset[str] | None) -> bool:
    if node_kinds is not None and data.get("kind") not in node_kinds:
        return False
    if classification is None:
        return True
    return str(data.get("classification") or "").casefold() == classification.casefold()


@dataclass(slots=True)
class _Choice:
    """How a reached node's reported path ends: the previous node, the edge, and which search's
    parents lead to the previous node (the unconditional one when it can)."""

    prev: str
    key: str
    data: Mapping[str, Any]
    via_unconditional: bool
    length: int
    conditional: bool
    access: str | None


def _default_choice(node: str, full: Search, strict: Search) -> _Choice:
    search = strict if node in strict.dist else full
    prev, key, data = search.parent[node]
    access = strongest_access(data.get("access"))
    return _Choice(prev, key, data, search is strict, search.dist[node], node not in strict.dist, access)


def _on_path(search: Search, node: str, target: str) -> bool:
    while node != search.start:
        if node == target:
            return True
        node = search.parent[node][0]
    return node == target


def _forward_choice(node: str, full: Search, strict: Search, max_hops: int) -> _Choice:
    """The path that gives `node` the strongest access, then unconditional, then shortest."""
    best = _default_choice(node, full, strict)
    score = (access_rank(best.access), not best.conditional, -best.length)
    for prev, key, data in full.access_edges.get(node, ()):
        if prev == node:
            continue
        access = strongest_access(data.get("access"))
        use_strict = prev in strict.dist and strict.dist[prev] < max_hops
        search = strict if use_strict else full
        if search.dist[prev] >= max_hops:
            continue
        conditional = not use_strict or bool(data.get("conditional"))
        candidate = (access_rank(access), not conditional, -(search.dist[prev] + 1))
        if candidate > score and not _on_path(search, prev, node):
            score = candidate
            best = _Choice(prev, key, data, use_strict, search.dist[prev] + 1, conditional, access)
    return best


def _reached(
    nodes: Mapping[str, Mapping[str, Any]], node: str, full: Search, strict: Search, choice: _Choice
) -> ReachedNode:
    data = nodes[node]
    return ReachedNode(
        node=node,
        kind=str(data.get("kind") or "node"),
        label=str(data.get("label") or node),
        classification=data.get("classification"),
        subkind=data.get("subkind"),
        hops=full.dist[node],
        access=choice.access,
        conditional=node not in strict.dist,
    )


def _choice_path(
    graph: nx.MultiDiGraph, node: str, choice: _Choice, full: Search, strict: Search
) -> ReachPath:
    search = strict if choice.via_unconditional else full
    head = path_to(graph, search, choice.prev)
    forward = search.direction == "forward"
    source, target = (choice.prev, node) if forward else (node, choice.prev)
    last = make_hop(graph, source, target, choice.key, choice.data)
    return ReachPath((*head.hops, last)) if forward else ReachPath((last, *head.hops))


def _query(
    graph: nx.MultiDiGraph,
    start: str,
    direction: Direction,
    *,
    max_hops: int,
    classification: str | None,
    to: str | None,
    kinds: frozenset[str],
    limit: int | None,
    node_kinds: frozenset[str] | None = None,
) -> ReachResult:
    if start not in graph:
        raise KeyError(start)
    full = bfs(graph, start, direction, kinds, max_hops, unconditional_only=False)
    strict = (
        bfs(graph, start, direction, kinds, max_hops, unconditional_only=True)
        if full.saw_conditional
        else full
    )
    nodes: Mapping[str, Mapping[str, Any]] = graph._node  # the raw dict: the view is slow per item
    choices: dict[str, _Choice] = {}
    filtered = classification is not None or node_kinds is not None
    for node in full.dist:
        if node == start or (to is not None and node != to):
            continue
        if filtered and not _matches(nodes[node], classification, node_kinds):
            continue
        if node in full.access_edges:
            choices[node] = _forward_choice(node, full, strict, max_hops)
        else:
            choices[node] = _default_choice(node, full, strict)
    reached = sorted(
        (_reached(nodes, n, full, strict, c) for n, c in choices.items()),
        key=lambda r: (r.hops, r.kind, r.label, r.node),
    )
    if to is not None:
        paths, truncated = (
            enumerate_paths(graph, start, to, direction, kinds, max_hops, limit) if choices else ((), False)
        )
    else:
        order = sorted(
            choices,
            key=lambda n: (-access_rank(choices[n].access), choices[n].conditional, choices[n].length, n),
        )
        truncated = limit is not None and len(order) > limit
        paths = tuple(_choice_path(graph, n, choices[n], full, strict) for n in order[:limit])
    return ReachResult(start, direction, max_hops, to, classification, tuple(reached), paths, truncated)


def forward(
    graph: nx.MultiDiGraph,
    start: str,
    *,
    max_hops: int = 6,
    classification: str | None = None,
    to: str | None = None,
    kinds: frozenset[str] = FORWARD_KINDS,
    limit: int | None = DEFAULT_LIMIT,
) -> ReachResult:
    """Everything `start` reaches within `max_hops` hops along `kinds` edges.

    `reached` has every such node (restricted to `classification` when given) with its shortest
    hop count and the strongest access level a path gives on it; `paths` has, per node, the path
    giving that access (unconditional, then shortest, when equal), strongest first; with `to`,
    every simple path to `to` instead, shortest first. At most `limit` paths (`truncated` says so).
    """
    return _query(
        graph, start, "forward", max_hops=max_hops, classification=classification, to=to, kinds=kinds,
        limit=limit,
    )  # fmt: skip


def backward(
    graph: nx.MultiDiGraph,
    start: str,
    *,
    max_hops: int = 6,
    classification: str | None = None,
    to: str | None = None,
    kinds: frozenset[str] = FORWARD_KINDS,
    limit: int | None = DEFAULT_LIMIT,
) -> ReachResult:
    """Everyone who reaches `start` within `max_hops` hops, and how: `reached` are the origins
    (every node with a path to `start`), each path runs from its origin to `start` in edge order,
    and a node's access is that of its (shortest) path's hop into `start`. With `to`, every
    simple path from `to` to `start`."""
    return _query(
        graph, start, "backward", max_hops=max_hops, classification=classification, to=to, kinds=kinds,
        limit=limit,
    )  # fmt: skip


def blast_radius(
    graph: nx.MultiDiGraph,
    node: str,
    *,
    max_hops: int = 6,
    kinds: frozenset[str] = FORWARD_KINDS,
    store_kinds: frozenset[str] = STORE_KINDS,
    classification: str | None = None,
) -> ReachResult:
    """The data stores (and keys) `node` reaches, each with its strongest access level and the
    shortest path giving it; every store has its path (no limit)."""
    return _query(
        graph, node, "forward", max_hops=max_hops, classification=classification, to=None, kinds=kinds,
        limit=None, node_kinds=store_kinds,
    )  # fmt: skip


def next_hops(
    graph: nx.MultiDiGraph,
    node: str,
    direction: Direction = "forward",
    *,
    kinds: frozenset[str] = FORWARD_KINDS,
    exclude: frozenset[str] = frozenset(),
) -> tuple[Hop, ...]:
    """`node`'s hops one step on (forward: its out-edges; backward: its in-edges), skipping nodes
    in `exclude` (the path so far). Unconditional first, then strongest access, then by name."""
    hops = [
        make_hop(graph, *((node, other) if direction == "forward" else (other, node)), key, data)
        for other, key, data in edges_of(graph, node, direction, kinds)
        if other not in exclude and other != node
    ]
    far = "target" if direction == "forward" else "source"
    return tuple(
        sorted(
            hops,
            key=lambda h: (h.conditional, -access_rank(h.access), h.kind, node_label(graph, getattr(h, far))),
        )
    )


def classifications(graph: nx.MultiDiGraph) -> tuple[str, ...]:
    """The distinct data classifications tagged in the estate, sorted."""
    found = {str(c) for _n, c in graph.nodes(data="classification") if c}
    return tuple(sorted(found, key=str.casefold))


def relevant_nodes(
    graph: nx.MultiDiGraph,
    classification: str,
    direction: Direction = "forward",
    *,
    kinds: frozenset[str] = FORWARD_KINDS,
) -> frozenset[str]:
    """The nodes on some path towards (forward) or from (backward) a node of `classification`:
    what a classification filter keeps in a tree expanded hop by hop."""
    matches = [
        n
        for n, c in graph.nodes(data="classification")
        if c and str(c).casefold() == classification.casefold()
    ]
    reverse: Direction = "backward" if direction == "forward" else "forward"
    seen = set(matches)
    frontier = list(matches)
    while frontier:
        following = []
        for node in frontier:
            for other, _key, _data in edges_of(graph, node, reverse, kinds):
                if other not in seen:
                    seen.add(other)
                    following.append(other)
        frontier = following
    return frozenset(seen)


def internet_invocable_functions(graph: nx.MultiDiGraph) -> tuple[str, ...]:
    """Functions anyone on the internet can trigger, directly or through invokers (URLs, routes)."""
    if "internet" not in graph:
        return ()
    search = bfs(graph, "internet", "forward", frozenset({"invokes"}), max_hops=4, unconditional_only=False)
    return tuple(sorted(n for n in search.dist if graph.nodes[n].get("kind") == "function"))


def iter_paths(result: ReachResult) -> Iterator[tuple[ReachedNode | None, ReachPath]]:
    """Each path with the reached node it ends at (forward) or starts from (backward)."""
    for path in result.paths:
        end = path.nodes[-1] if result.direction == "forward" else path.nodes[0]
        yield result.node(end), path
