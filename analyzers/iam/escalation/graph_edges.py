"""The escalation edges drawn into the estate graph, so reachability can chain through them.

Each `EscalationEdge` becomes an `escalates-to:<method>` edge, and a trust-based one (assume role,
a service assuming its role) a `can-assume` edge beside it. They go in through the graph's
derived-edge API (estate/graph/derived.py), in one batch.
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from analyzers.iam.escalation.edge_record import EdgeEvidence, EscalationEdge
from analyzers.iam.escalation.methods import SERVICE_ASSUMES
from estate.graph.derived import DerivedEdge, add_derived_edges, add_set_node

ROLE_FANOUT = 250
"""A principal's edges by one method to more principals than this are drawn through a `role-set`
node, shared by every principal whose edges by that method are the same: ninety developers who
may each update every function's code would otherwise be 450,000 edges on a 10,000-function
estate (and quadratic beyond). Reach queries and rules walk through the set node like any other;
the IAM analysis' own edges and paths are unchanged."""

_ASSUMING = frozenset({"sts-assume-role", SERVICE_ASSUMES.id})


def add_iam_edges(graph: nx.MultiDiGraph, edges: list[EscalationEdge]) -> None:
    """`escalates-to:<method>` edges (and `can-assume` for trust-based ones) into the estate graph;
    fan-outs above ROLE_FANOUT go through `role-set` nodes."""
    add_derived_edges(graph, _graph_edges(graph, edges))


def _graph_edges(graph: nx.MultiDiGraph, edges: list[EscalationEdge]) -> Iterator[DerivedEdge]:
    """The graph edges, in order; a role-set node is added as its first edge is produced (so the
    graph's node order is that of the edges)."""
    groups: dict[tuple[str, str], list[EscalationEdge]] = {}
    for edge in edges:
        groups.setdefault((edge.source, edge.method.id), []).append(edge)
    sets: dict[tuple[object, ...], str] = {}
    for (source, method_id), group in groups.items():
        if len(group) <= ROLE_FANOUT or method_id in _ASSUMING:
            for edge in group:
                yield from _edge(edge)
            continue
        signature = (method_id, tuple((e.target, e.via, id(e.grants), e.conditional) for e in group))
        hub = sets.get(signature)
        if hub is None:
            hub = sets[signature] = f"role-set:{method_id}:{len(sets) + 1}"
            add_set_node(graph, hub, "role-set", label=f"{len(group):,} principals ({method_id})")
            for edge in group:
                yield from _edge(edge, holder=hub)
        yield _into_set(source, hub, group)


def _edge(edge: EscalationEdge, holder: str | None = None) -> Iterator[DerivedEdge]:
    """The edge from its caller, or (`holder`) from a role-set node standing for its callers."""
    source = edge.source if holder is None else holder
    method = edge.method
    evidence = EdgeEvidence(edge, holder)
    keys = list(dict.fromkeys(h.key for h in edge.hinges)) if edge.hinges else []
    attrs: dict[str, object] = {
        "kind": "escalates-to",
        "method": method.id,
        "yields": method.yields.value,
        "via": edge.via,
        "conditional": edge.conditional,
        "condition_keys": keys,
        "evidence": evidence,
    }
    yield source, edge.target, f"escalates-to:{method.id}", attrs
    if method.id in _ASSUMING:
        assume = {"kind": "can-assume", "conditional": edge.conditional, "condition_keys": keys}
        yield source, edge.target, "can-assume", {**assume, "evidence": evidence}


def _into_set(source: str, hub: str, group: list[EscalationEdge]) -> DerivedEdge:
    """`source` -> the role-set node standing for its `group` of edges by one method."""
    first = group[0]
    method = first.method
    attrs: dict[str, object] = {
        "kind": "escalates-to",
        "method": method.id,
        "yields": method.yields.value,
        "via": None,
        # the set's edges say which targets need conditions; none needed to enter it
        "conditional": all(e.conditional for e in group),
        "condition_keys": [],
        "target_count": len(group),
        "evidence": {
            "method": method.id,
            "title": method.title,
            "from": source,
            "to": hub,
            "targets": len(group),
            "sample_targets": [e.target for e in group[:10]],
            "permissions (first target)": [g.to_json() for g in first.grants],
            "note": "each edge from the set names the function or role used and its permissions",
        },
    }
    return source, hub, f"escalates-to:{method.id}", attrs
