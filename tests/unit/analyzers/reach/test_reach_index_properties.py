"""The compiled reach index against a plain breadth-first search, on random small graphs.

Queries run on integer arrays (`analyzers/reach/index.py`); this checks every answer against
a reference walk over the MultiDiGraph itself: the same nodes at the same hop counts, the same
conditional verdicts, paths that are real simple paths of the right kinds, and access levels
that are the strongest a reached principal holds (exactly so when the graph has no cycle).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzers.reach.labels import access_rank
from analyzers.reach.query import backward, blast_radius, forward, relevant_nodes
from analyzers.reach.types import FORWARD_KINDS, ReachPath

# A role-set node stands for its members: hops out of it are free (one never leads to another).
NODE_KINDS = ("function", "role", "data-store", "kms-key", "role-set")
# `can` twice: access choices are where the index is cleverest.
EDGE_KINDS = ("invokes", "executes-as", "can", "can", "can-assume", "escalates-to", "has-policy")
LEVELS = (None, "tagging", "list", "read", "write", "permissions-management")
SIZE = 8


@st.composite
def graphs(draw: st.DrawFn, acyclic: bool = False) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for i in range(SIZE):
        classification = draw(st.sampled_from((None, "pci", "internal")))
        g.add_node(
            f"n{i}", kind=draw(st.sampled_from(NODE_KINDS)), label=f"node {i}", classification=classification
        )
    count = draw(st.integers(0, 30))
    for e in range(count):
        u, v = draw(st.integers(0, SIZE - 1)), draw(st.integers(0, SIZE - 1))
        if (acyclic and u >= v) or (is_set(g, f"n{u}") and is_set(g, f"n{v}")):
            continue
        kind = draw(st.sampled_from(EDGE_KINDS))
        attrs: dict[str, object] = {"kind": kind, "conditional": draw(st.booleans()), "evidence": {}}
        if kind == "can":
            attrs["access"] = draw(st.sampled_from(LEVELS[1:]))
        g.add_edge(f"n{u}", f"n{v}", key=f"{kind}:{e}", **attrs)
    return g


def is_set(g: nx.MultiDiGraph, node: str) -> bool:
    return bool(g.nodes[node]["kind"] == "role-set")


def cost(g: nx.MultiDiGraph, source: str, first: bool = False) -> int:
    """A hop out of a role-set node is free, unless it is a query's first hop."""
    return 0 if is_set(g, source) and not first else 1


def reference(g: nx.MultiDiGraph, start: str, forward_: bool, hops: int, strict: bool) -> dict[str, int]:
    """0-1 breadth-first search over the MultiDiGraph itself, within `hops`."""
    dist = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        edges = g.out_edges(node, data=True) if forward_ else g.in_edges(node, data=True)
        for u, v, data in edges:
            other = v if forward_ else u
            if data["kind"] not in FORWARD_KINDS or (strict and data.get("conditional")) or other == node:
                continue
            step = dist[node] + cost(g, u, first=node == start)
            if step <= hops and step < dist.get(other, hops + 1):
                dist[other] = step
                if step == dist[node]:
                    queue.appendleft(other)
                else:
                    queue.append(other)
    return dist


def weighted(g: nx.MultiDiGraph, path: ReachPath) -> int:
    """A forward path's length in hops as queries count them."""
    return sum(cost(g, hop.source, first=i == 0) for i, hop in enumerate(path.hops))


def hops_are_edges(g: nx.MultiDiGraph, path: ReachPath) -> Iterator[bool]:
    for hop in path.hops:
        data = g.get_edge_data(hop.source, hop.target, hop.key)
        yield (
            data is not None
            and data["kind"] in FORWARD_KINDS
            and bool(data["conditional"]) == hop.conditional
        )


def strongest_held(g: nx.MultiDiGraph, node: str, dist: dict[str, int], hops: int) -> int:
    return max(
        (
            access_rank(data["access"])
            for u, _v, data in g.in_edges(node, data=True)
            if data.get("access")
            and data["kind"] in FORWARD_KINDS
            and u in dist
            and dist[u] + cost(g, u, first=u == "n0") <= hops
        ),
        default=0,
    )


def check_forward(g: nx.MultiDiGraph, hops: int, exact_access: bool) -> None:
    result = forward(g, "n0", max_hops=hops, limit=None)
    full = reference(g, "n0", True, hops, strict=False)
    sure = reference(g, "n0", True, hops, strict=True)
    assert {r.node: r.hops for r in result.reached} == {n: d for n, d in full.items() if n != "n0"}
    for r in result.reached:
        assert r.conditional == (r.node not in sure)
        strongest = strongest_held(g, r.node, full, hops)
        assert access_rank(r.access) <= strongest
        if exact_access:
            assert access_rank(r.access) == strongest
    assert len(result.paths) == len(result.reached)
    by_end = {p.nodes[-1]: p for p in result.paths}
    assert set(by_end) == {r.node for r in result.reached}
    for node, path in by_end.items():
        assert path.nodes[0] == "n0" and len(set(path.nodes)) == len(path.nodes) and weighted(g, path) <= hops
        assert all(hops_are_edges(g, path))
        reached = result.node(node)
        assert reached is not None and path.access == reached.access  # the path gives what it says


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.integers(1, 6))
def test_forward_matches_a_plain_search(g: nx.MultiDiGraph, hops: int) -> None:
    check_forward(g, hops, exact_access=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(acyclic=True), st.integers(1, 6))
def test_forward_access_is_the_strongest_held_without_cycles(g: nx.MultiDiGraph, hops: int) -> None:
    check_forward(g, hops, exact_access=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.integers(1, 6))
def test_backward_matches_a_plain_search(g: nx.MultiDiGraph, hops: int) -> None:
    result = backward(g, "n0", max_hops=hops, limit=None)
    full = reference(g, "n0", False, hops, strict=False)
    sure = reference(g, "n0", False, hops, strict=True)
    assert {r.node: r.hops for r in result.reached} == {n: d for n, d in full.items() if n != "n0"}
    for path in result.paths:
        origin = result.node(path.nodes[0])
        assert origin is not None and path.nodes[-1] == "n0"
        assert len(set(path.nodes)) == len(path.nodes) and all(hops_are_edges(g, path))
        assert origin.access == path.hops[0].access  # a node's access is its own first hop's
        assert origin.conditional == (origin.node not in sure)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.integers(1, 5))
def test_every_path_to_a_node_is_every_simple_path(g: nx.MultiDiGraph, hops: int) -> None:
    reach = nx.MultiDiGraph()
    reach.add_nodes_from(g.nodes)
    reach.add_edges_from(
        (u, v, k) for u, v, k, d in g.edges(keys=True, data=True) if d["kind"] in FORWARD_KINDS
    )
    expected = {
        tuple(k for _u, _v, k in path)
        for path in nx.all_simple_edge_paths(reach, "n0", "n7", cutoff=SIZE)
        if sum(cost(g, u, first=i == 0) for i, (u, _v, _k) in enumerate(path)) <= hops
    }
    result = forward(g, "n0", to="n7", max_hops=hops, limit=None)
    found = [tuple(h.key for h in p.hops) for p in result.paths]
    assert len(found) == len(set(found)) and set(found) == expected
    lengths = [weighted(g, p) for p in result.paths]
    assert lengths == sorted(lengths)  # shortest first


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.sampled_from(("forward", "backward")))
def test_relevant_nodes_are_those_on_a_path_to_a_classified_node(g: nx.MultiDiGraph, direction: str) -> None:
    reach = nx.DiGraph()
    reach.add_nodes_from(g.nodes)
    reach.add_edges_from((u, v) for u, v, d in g.edges(data=True) if d["kind"] in FORWARD_KINDS)
    if direction == "backward":
        reach = reach.reverse()
    pci = {n for n, c in g.nodes(data="classification") if c == "pci"}
    expected = {n for n in g.nodes if n in pci or pci & nx.descendants(reach, n)}
    assert relevant_nodes(g, "PCI", direction) == expected  # type: ignore[arg-type]


def test_the_index_follows_a_graph_that_grows_until_it_is_frozen() -> None:
    g = nx.MultiDiGraph()
    g.add_node("a", kind="function")
    g.add_node("b", kind="role")
    g.add_edge("a", "b", key="executes-as", kind="executes-as")
    assert [r.node for r in forward(g, "a").reached] == ["b"]
    g.add_node("t", kind="data-store")
    g.add_edge("b", "t", key="can", kind="can", access="read")
    assert [r.node for r in blast_radius(g, "a").reached] == ["t"]
    nx.freeze(g)
    assert blast_radius(g, "a").node("t").access == "read"  # type: ignore[union-attr]
