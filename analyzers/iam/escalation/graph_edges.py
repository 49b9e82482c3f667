"""The escalation edges drawn into the estate graph, so reachability can chain through them.

A fan of up to ROLE_FANOUT targets is drawn edge by edge: each `EscalationEdge` an
`escalates-to:<method>` edge, and a trust-based one (assume role, a service assuming its role) a
`can-assume` edge beside it. A wider fan is drawn through `role-set` nodes, never pair by pair:
the targets of every wide fan are split into the classes no wide fan tells apart
(`target_sets.TargetPartition`), each class is one `role-set` node shared by all of them with one
`escalates-to:role-set-member` edge to each member (a hop out of a set is free), and a fan is one
`escalates-to:<method>` edge per class it covers, conditional when its edges to that class are
(each class is wholly certain or wholly conditional for every fan). Reach answers as over the
expanded edges: the same principals, at the same hop counts, certain or not.

What differs pair by pair (the function or policy used, the grants, the open condition keys) is
not drawn: a set edge's evidence (`SetEdgeEvidence`) reads it from the fan when asked, and lists
it (`drawn()`, `edges()`). On a 2,000-role account the escalation edges drawn went from 209,000
to 51,000 (the fans wider than 250 alone: from ~123,000 through one role-set per method and
caller group, pairs being 616,000, to ~34,000).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Sequence
from typing import Any

import networkx as nx

from analyzers.iam.escalation.edge_record import EdgeEvidence, EscalationEdge, LazyEvidence
from analyzers.iam.escalation.fans import Drawn, Fan
from analyzers.iam.escalation.methods import SERVICE_ASSUMES
from analyzers.iam.escalation.principal_index import PrincipalIndex
from analyzers.iam.escalation.target_sets import TargetPartition
from estate.graph.derived import DerivedEdge, add_derived_edges, add_set_node

ROLE_FANOUT = 32
"""A principal's edges by one method to more principals than this are drawn through `role-set`
nodes: ninety developers who may each update every function's code would otherwise be 450,000
edges on a 10,000-function estate (and quadratic beyond). A fan is never more edges through the
sets than drawn directly (its classes are disjoint), so the bar is low: on a 2,000-role account,
fans of 33 to 250 targets (a role that may rewrite every user's policy: 200) drawn directly were
54,000 edges more. Reach queries and rules walk through a set node like any other; the IAM
analysis' own edges and paths are unchanged."""

MEMBER_METHOD = "role-set-member"
MEMBER_KEY = f"escalates-to:{MEMBER_METHOD}"
"""The key of a role-set node's edge to each principal it stands for (the edge into the set
names the method)."""

_ASSUMING = frozenset({"sts-assume-role", SERVICE_ASSUMES.id})


def add_iam_edges(graph: nx.MultiDiGraph, fans: Sequence[Fan], principals: PrincipalIndex) -> None:
    """`escalates-to:<method>` edges (and `can-assume` for trust-based ones) into the estate graph;
    fans wider than ROLE_FANOUT through the `role-set` nodes of their targets' classes."""
    add_derived_edges(graph, _graph_edges(graph, fans, principals))


def drawn_through_sets(fan: Fan) -> bool:
    """Whether `fan` is drawn through role-set nodes (trust-based edges never are)."""
    return len(fan) > ROLE_FANOUT and fan.method.id not in _ASSUMING


def _graph_edges(
    graph: nx.MultiDiGraph, fans: Sequence[Fan], principals: PrincipalIndex
) -> Iterator[DerivedEdge]:
    """The graph edges, in order; a role-set node is added (with its member edges) when a fan
    first leads to it, so the graph's node order is that of the edges."""
    wide = [fan for fan in fans if drawn_through_sets(fan)]
    partition = TargetPartition(mask for fan in wide for mask in (fan.certain, fan.conditional))
    nodes: dict[int, str] = {}  # class -> its role-set node, numbered as first drawn
    sizes: dict[int, int] = {}  # class -> its member count (a class's edges are many)
    chosen = {id(fan) for fan in wide}
    for fan in fans:
        if id(fan) not in chosen:
            yield from _edges(fan)
            continue
        conditional = fan.conditional
        for place in partition.covering(fan.certain | conditional):
            part = partition.classes[place]
            node = nodes.get(place)
            if node is None:
                node = nodes[place] = f"role-set:{len(nodes) + 1}"
                size = sizes[place] = part.bit_count()
                add_set_node(graph, node, "role-set", label=f"{size:,} principals", members=size)
                yield from _members(node, principals.members(part))
            yield _into_set(fan, node, part, sizes[place], bool(part & conditional), principals)
        specials = fan.specials()  # services (a caller that may pass every role): drawn directly
        if specials:
            yield from _edges(fan, within=frozenset(m[0] for m in specials))


def _edges(fan: Fan, within: frozenset[str] | None = None) -> Iterator[DerivedEdge]:
    """The fan's edges (those to `within`), each one's evidence (and the edge itself) made when
    first read."""
    source = fan.source
    method = fan.method
    key = f"escalates-to:{method.id}"
    yields = method.yields.value
    assuming = method.id in _ASSUMING
    for target, via, conditional, keys in fan.drawn() if within is None else fan.drawn_of(within):
        evidence = EdgeEvidence(functools.partial(_made, fan, target))
        attrs: dict[str, object] = {
            "kind": "escalates-to",
            "method": method.id,
            "yields": yields,
            "via": via,
            "conditional": conditional,
            "condition_keys": list(keys),
            "evidence": evidence,
        }
        yield source, target, key, attrs
        if assuming:
            assume = {"kind": "can-assume", "conditional": conditional, "condition_keys": list(keys)}
            yield source, target, "can-assume", {**assume, "evidence": evidence}


def _made(fan: Fan, target: str) -> EscalationEdge:
    edge = fan.edge_to(target)
    assert edge is not None, (fan.source, fan.method.id, target)
    return edge


def _members(node: str, members: list[str]) -> Iterator[DerivedEdge]:
    """A role-set node's edges to the principals it stands for."""
    note = "one of the principals the set stands for; the edge into the set names the method"
    for member in members:
        attrs: dict[str, object] = {
            "kind": "escalates-to",
            "method": MEMBER_METHOD,
            "yields": None,
            "via": None,
            "conditional": False,
            "condition_keys": [],
            "evidence": {"set": node, "member": member, "note": note},
        }
        yield node, member, MEMBER_KEY, attrs


def _into_set(
    fan: Fan, node: str, part: int, size: int, conditional: bool, principals: PrincipalIndex
) -> DerivedEdge:
    """The fan's source -> the role-set node of one class of its targets."""
    method = fan.method
    attrs: dict[str, object] = {
        "kind": "escalates-to",
        "method": method.id,
        "yields": method.yields.value,
        "via": None,
        "conditional": conditional,
        "condition_keys": [],  # per target in the evidence (`SetEdgeEvidence.drawn`)
        "target_count": size,
        "evidence": SetEdgeEvidence(fan, node, part, principals),
    }
    return fan.source, node, f"escalates-to:{method.id}", attrs


class SetEdgeEvidence(LazyEvidence):
    """The evidence of a fan's edge into a role-set node: what it stands for, made when read
    (a few sample targets and the first one's permissions), and the pair-level edges on demand."""

    __slots__ = ("_principals", "fan", "node", "part")

    def __init__(self, fan: Fan, node: str, part: int, principals: PrincipalIndex) -> None:
        super().__init__()
        self.fan = fan
        self.node = node
        self.part = part  # the class's positions (PrincipalIndex)
        self._principals = principals

    def targets(self) -> frozenset[str]:
        return frozenset(self._principals.members(self.part))

    def drawn(self) -> Iterator[Drawn]:
        """Each edge the set edge stands for, as drawn directly: (target, via, conditional,
        condition keys), in the fan's order."""
        return self.fan.drawn_of(self.targets())

    def edges(self) -> Iterator[EscalationEdge]:
        """The escalation edges the set edge stands for, in the fan's order."""
        for target, *_ in self.drawn():
            yield _made(self.fan, target)

    def _build(self) -> dict[str, Any]:
        fan, method = self.fan, self.fan.method
        sample = [edge for edge in itertools.islice(self.edges(), 10)]
        return {
            "method": method.id,
            "title": method.title,
            "from": fan.source,
            "to": self.node,
            "targets": self.part.bit_count(),
            "sample_targets": [edge.target for edge in sample],
            "permissions (first target)": [g.to_json() for g in sample[0].grants] if sample else [],
            "note": "one edge per principal of the set, each by its own function or policy and grants",
        }
