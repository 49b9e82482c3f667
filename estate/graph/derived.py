"""How analyses add to the estate graph: derived edges and summary set nodes only (DESIGN.md section 3).

The builder (estate/graph/builder.py) adds every resource, principal and configured edge of an
estate. Analyses derive conclusions from them: who can assume or escalate to whom (`can-assume`,
`escalates-to`: the IAM analysis) and who can do what to which resource (`can`: the access
analysis), and they draw a fan-out too wide to list through a summary node that stands for many
principals, functions or stores (`role-set`, `function-set`, `store-set`, whose `contains` edges
lead to its members). Those go in through this module and nothing
else does, so an analysis never rewrites a node the builder made, and a reader can tell the
estate's facts from the analyses' conclusions by the edge kind.

Speed: a 10,000-function estate gets ~700,000 derived edges. They go in through one
`MultiDiGraph.add_edges_from` call per batch of (source, target, key, attributes) tuples; the
checks here are a set look-up and two membership tests per edge.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx

DERIVED_EDGE_KINDS = frozenset({"can", "can-assume", "escalates-to", "contains"})
SET_NODE_KINDS = frozenset({"role-set", "function-set", "store-set"})
SERVICE_PREFIX = "service:"  # node id of a service principal: service:<name>.amazonaws.com

DerivedEdge = tuple[str, str, str, dict[str, Any]]
"""(source, target, key, attributes); the attributes' `kind` is one of DERIVED_EDGE_KINDS."""


def add_set_node(graph: nx.MultiDiGraph, node: str, kind: str, **attrs: Any) -> None:
    """A summary node standing for many principals (`role-set`) or functions (`function-set`).

    Adding one that is already there changes nothing; a node of any other kind is refused
    (ValueError): those belong to the builder.
    """
    if kind not in SET_NODE_KINDS:
        raise ValueError(
            f"{kind!r} nodes belong to the graph builder; analyses add only {sorted(SET_NODE_KINDS)}"
        )
    held = graph.nodes.get(node)
    if held is not None:
        if held.get("kind") != kind:
            raise ValueError(f"{node!r} is already a {held.get('kind')!r} node, not a {kind!r}")
        return
    graph.add_node(node, kind=kind, **attrs)


def add_derived_edges(graph: nx.MultiDiGraph, edges: Iterable[DerivedEdge]) -> None:
    """Add `edges`, each a derived kind (else ValueError, before that edge is added).

    Adding an edge that is there already updates its attributes (networkx's rule). An end the
    graph lacks is added as a bare `service` node (ids `service:...`) or `principal` node: one a
    derived edge reaches that the estate does not list (a service a role may be passed to, a
    principal named only in a policy). `edges` is read lazily, one edge after the other, so a
    caller may add the set node an edge leads to while producing it.
    """
    graph.add_edges_from(_checked(graph, edges))


def _checked(graph: nx.MultiDiGraph, edges: Iterable[DerivedEdge]) -> Iterator[DerivedEdge]:
    nodes = graph.nodes
    for edge in edges:
        source, target, _key, attrs = edge
        if attrs.get("kind") not in DERIVED_EDGE_KINDS:
            raise ValueError(
                f"{source} -> {target}: {attrs.get('kind')!r} edges belong to the graph builder; "
                f"analyses add only {sorted(DERIVED_EDGE_KINDS)}"
            )
        if source not in nodes:
            _add_endpoint(graph, source)
        if target not in nodes:
            _add_endpoint(graph, target)
        yield edge


def _add_endpoint(graph: nx.MultiDiGraph, node: str) -> None:
    kind = "service" if node.startswith(SERVICE_PREFIX) else "principal"
    graph.add_node(node, kind=kind, label=node.rsplit("/", 1)[-1])
