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
revisits a node; conditional edges are kept and a path with one is conditional. Each query is a
bounded breadth-first search on the graph's compiled index (`reach_index`), plus a second one over
unconditional edges only, so a node reachable without conditions is never reported as
conditional; its rows and paths are built as they are read (`reach_answer`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

import networkx as nx
import numpy as np

from analyzers.reach.answer import QueryRun
from analyzers.reach.index import index_for
from analyzers.reach.labels import access_rank, node_label
from analyzers.reach.types import FORWARD_KINDS, STORE_KINDS, Hop, ReachedNode, ReachPath, ReachResult
from analyzers.reach.walks import edges_of, enumerate_paths, make_hop

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
_DEEPEST = 32_000  # hop counts are int16


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
    run = QueryRun(graph, start, direction, kinds, max_hops)
    ids = run.select(to=to, classification=classification, node_kinds=node_kinds)
    reached, locate = run.reached_rows(ids)
    paths: Sequence[ReachPath]
    if to is not None:
        paths, truncated = (
            enumerate_paths(graph, start, to, direction, kinds, max_hops, limit) if ids.size else ((), False)
        )
    else:
        paths, truncated = run.path_rows(ids, limit)
    return ReachResult(start, direction, max_hops, to, classification, reached, paths, truncated, locate)


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
    index = index_for(graph, kinds)
    codes, table = index.codes("classification")
    code = table.get(classification.casefold())
    if code is None or not classification:
        return frozenset()
    reverse: Direction = "backward" if direction == "forward" else "forward"
    matches = np.flatnonzero(codes == code)
    unbounded = min(index.size, _DEEPEST)
    dist = index.adjacency(reverse, strict=False).distances(matches, unbounded, index.size)
    names = index.names
    return frozenset(names[i] for i in np.flatnonzero(dist >= 0).tolist())


def internet_invocable_functions(graph: nx.MultiDiGraph) -> tuple[str, ...]:
    """Functions anyone on the internet can trigger, directly or through invokers (URLs, routes)."""
    if "internet" not in graph:
        return ()
    index = index_for(graph, frozenset({"invokes"}))
    dist = index.search("internet", "forward", 4, strict=False).dist
    names, nodes = index.names, graph._node
    return tuple(
        sorted(n for n in (names[i] for i in np.flatnonzero(dist > 0)) if nodes[n].get("kind") == "function")
    )


def iter_paths(result: ReachResult) -> Iterator[tuple[ReachedNode | None, ReachPath]]:
    """Each path with the reached node it ends at (forward) or starts from (backward)."""
    for path in result.paths:
        end = path.nodes[-1] if result.direction == "forward" else path.nodes[0]
        yield result.node(end), path
