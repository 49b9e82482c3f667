"""How analyses add to the estate graph: derived edges and summary set nodes only (DESIGN.md section 3).

The builder (estate/graph/builder.py) adds every resource, principal and configured edge of an
estate. Analyses derive conclusions from them: who can assume or escalate to whom (`can-assume`,
`escalates-to`: the IAM analysis) and who can do what to which resource (`can`: the access
analysis), and they draw a fan-out too wide to list through a summary node that stands for many
principals, functions or stores (`role-set`, `function-set`, `store-set`, whose `contains` edges
lead to its members). Those go in through this module and nothing
else does, so an analysis never rewrites a node the builder made, and a reader can tell the
estate's facts from the analyses' conclusions by the edge kind.

Speed and memory: a 100,000-function estate gets millions of derived edges, 1.2 million `can`
edges among them saying some tens of thousands of distinct things. networkx's `add_edges_from`
copies each edge's attribute dict twice and builds two views per edge; here an edge goes straight
into the graph's adjacency (as networkx's own `add_edge` would put it), and attributes handed in
as `SharedAttributes` are held by every edge that says them, not copied (0.57 GB at 100,000
functions). Those are read-only: a write raises, so one edge can never change another's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NoReturn

import networkx as nx

DERIVED_EDGE_KINDS = frozenset({"can", "can-assume", "escalates-to", "contains"})
SET_NODE_KINDS = frozenset({"role-set", "function-set", "store-set"})
SERVICE_PREFIX = "service:"  # node id of a service principal: service:<name>.amazonaws.com

DerivedEdge = tuple[str, str, str, dict[str, Any]]
"""(source, target, key, attributes); the attributes' `kind` is one of DERIVED_EDGE_KINDS."""


class SharedAttributes(dict[str, Any]):
    """Edge attributes many edges hold as one object (`add_derived_edges` adopts them where
    networkx would copy): every write raises. Change an edge by building a new dict (`dict(a)`
    or `{**a, ...}` make plain, writable copies). Nested values are shared as well; nothing may
    write to them either (tests/unit/analyzers/reach/test_shared_edge_values.py)."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type[SharedAttributes], tuple[dict[str, Any]]]:
        return SharedAttributes, (dict(self),)  # (pickle would otherwise set items one by one)

    def _refused(self) -> NoReturn:
        raise TypeError("edge attributes shared by many edges are read-only: build a new dict instead")

    def __setitem__(self, key: str, value: Any) -> NoReturn:
        self._refused()

    def __delitem__(self, key: str) -> NoReturn:
        self._refused()

    def __ior__(self, other: Any) -> NoReturn:  # type: ignore[misc]
        self._refused()

    def update(self, *args: Any, **kwargs: Any) -> NoReturn:
        self._refused()

    def setdefault(self, key: str, default: Any = None) -> NoReturn:
        self._refused()

    def pop(self, key: str, *default: Any) -> NoReturn:
        self._refused()

    def popitem(self) -> NoReturn:
        self._refused()

    def clear(self) -> NoReturn:
        self._refused()


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

    Adding an edge that is there already updates its attributes (networkx's rule; into a new
    dict if either side is shared). An end the graph lacks is added as a bare `service` node
    (ids `service:...`) or `principal` node: one a derived edge reaches that the estate does not
    list (a service a role may be passed to, a principal named only in a policy). `edges` is read
    lazily, one edge after the other, so a caller may add the set node an edge leads to while
    producing it. A frozen graph refuses them (networkx's error).
    """
    if nx.is_frozen(graph):
        raise nx.NetworkXError("Frozen graph can't be modified")
    succ, pred = graph._succ, graph._pred
    new_keyed, new_attrs = graph.edge_key_dict_factory, graph.edge_attr_dict_factory
    for source, target, key, attrs in _checked(graph, edges):
        out = succ[source]
        keyed = out.get(target)
        if keyed is None:
            keyed = out[target] = pred[target][source] = new_keyed()
        held = keyed.get(key)
        if held is None:
            if type(attrs) is not SharedAttributes:
                attrs, given = new_attrs(), attrs
                attrs.update(given)
            keyed[key] = attrs
        elif type(held) is SharedAttributes or type(attrs) is SharedAttributes:
            keyed[key] = {**held, **attrs}
        else:
            held.update(attrs)
    clear = getattr(nx, "_clear_cache", None)  # (what networkx's own adders call, where it has it)
    if clear is not None:
        clear(graph)


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
