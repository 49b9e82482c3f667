"""The escalation edges drawn into the estate graph, so reachability can chain through them.

Each `EscalationEdge` becomes an `escalates-to:<method>` edge, and a trust-based one (assume role,
a service assuming its role) a `can-assume` edge beside it. They go in through the graph's
derived-edge API (estate/graph/derived.py), in one batch, fan by fan (`fans`): a fan wider than
ROLE_FANOUT is drawn through a `role-set` node, and fans alike (`Fan.drawing_key`: the same
targets the same way, from other sources) share one, whose members are listed once.

Fans of one method whose targets are drawn alike (`Fan.core_key`: the same via, certainty and
condition keys for a target whoever the caller) but are not quite the same set (deployers that
each hold every Lambda role and a few of their own; callers that may re-trust every role but
themselves) share a *core*: one role-set node for the targets all of them reach, and each fan's
few others drawn directly. The edges it stands for are the same; on a 2,000-role account this
draws 150,000 edges fewer.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Hashable, Iterator, Sequence

import networkx as nx

from analyzers.iam.escalation.edge_record import EdgeEvidence, EscalationEdge
from analyzers.iam.escalation.fans import Fan
from analyzers.iam.escalation.methods import SERVICE_ASSUMES
from analyzers.iam.escalation.principal_index import PrincipalIndex
from estate.graph.derived import DerivedEdge, add_derived_edges, add_set_node

ROLE_FANOUT = 250
"""A principal's edges by one method to more principals than this are drawn through a `role-set`
node, shared by every principal whose edges by that method are the same: ninety developers who
may each update every function's code would otherwise be 450,000 edges on a 10,000-function
estate (and quadratic beyond). Reach queries and rules walk through the set node like any other;
the IAM analysis' own edges and paths are unchanged."""

_ASSUMING = frozenset({"sts-assume-role", SERVICE_ASSUMES.id})


def add_iam_edges(
    graph: nx.MultiDiGraph, fans: Sequence[Fan], principals: PrincipalIndex | None = None
) -> None:
    """`escalates-to:<method>` edges (and `can-assume` for trust-based ones) into the estate graph;
    fan-outs above ROLE_FANOUT go through `role-set` nodes (and, with `principals`, cores)."""
    add_derived_edges(graph, _graph_edges(graph, fans, principals))


def _graph_edges(
    graph: nx.MultiDiGraph, fans: Sequence[Fan], principals: PrincipalIndex | None
) -> Iterator[DerivedEdge]:
    """The graph edges, in order; a role-set node is added as its first edge is produced (so the
    graph's node order is that of the edges)."""
    sets: dict[Hashable, str] = {}
    cores = _cores(fans) if principals is not None else {}
    places: dict[int, frozenset[str]] = {}  # a core's targets, by its bitset
    for fan in fans:
        method_id = fan.method.id
        size = len(fan)
        if size <= ROLE_FANOUT or method_id in _ASSUMING:
            yield from _edges(fan)
            continue
        core = cores.get(id(fan))
        if core is None:
            key, mask, within = fan.drawing_key(), None, None
        else:
            key, mask = core
            within = places.get(mask)
            if within is None:
                within = places[mask] = _places(principals, mask)
        hub = sets.get(key)
        if hub is None:
            hub = sets[key] = f"role-set:{method_id}:{len(sets) + 1}"
            count = size if mask is None else mask.bit_count()
            add_set_node(graph, hub, "role-set", label=f"{count:,} principals ({method_id})")
            yield from _edges(fan, holder=hub, within=within)
        yield _into_set(fan, hub, size if mask is None else mask.bit_count(), within)
        others = (fan.certain | fan.conditional) & ~mask if mask is not None else 0
        if others:  # the fan's targets outside the core, drawn directly
            yield from _edges(fan, within=_places(principals, others))


def _places(principals: PrincipalIndex | None, mask: int) -> frozenset[str]:
    assert principals is not None
    return frozenset(principals.members(mask))


def _cores(fans: Sequence[Fan]) -> dict[int, tuple[Hashable, int]]:
    """Per fan (by id) drawn through a core: the core's key and targets. A group of wide fans
    drawn alike has one core, the targets all of them reach; a fan takes it when drawing its own
    others directly costs fewer edges than a role-set of its own."""
    groups: dict[Hashable, list[Fan]] = {}
    for fan in fans:
        key = fan.core_key()
        if key is not None and len(fan) > ROLE_FANOUT and fan.method.id not in _ASSUMING:
            groups.setdefault(key, []).append(fan)
    found: dict[int, tuple[Hashable, int]] = {}
    for key, group in groups.items():
        masks = [f.certain | f.conditional for f in group]
        core = functools.reduce(lambda a, b: a & b, (f.core_targets() for f in group))
        if len(group) < 2 or core.bit_count() <= ROLE_FANOUT:
            continue
        alike: dict[int, int] = {}  # fans per distinct set: a set of its own serves them all
        for mask in masks:
            alike[mask] = alike.get(mask, 0) + 1
        for fan, mask in zip(group, masks, strict=True):
            count, others = alike[mask], (mask & ~core).bit_count()
            if count * (1 + others) < mask.bit_count() + count:
                found[id(fan)] = (("core", key), core)
    return found


def _edges(
    fan: Fan, holder: str | None = None, within: frozenset[str] | None = None
) -> Iterator[DerivedEdge]:
    """The fan's edges (those to `within`) from its caller, or (`holder`) from a role-set node
    standing for its callers; each edge's evidence (and the edge itself) made when first read."""
    source = fan.source if holder is None else holder
    method = fan.method
    key = f"escalates-to:{method.id}"
    yields = method.yields.value
    assuming = method.id in _ASSUMING
    for target, via, conditional, keys in fan.drawn() if within is None else fan.drawn_of(within):
        evidence = EdgeEvidence(functools.partial(_made, fan, target), holder)
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


def _into_set(fan: Fan, hub: str, size: int, within: frozenset[str] | None = None) -> DerivedEdge:
    """The fan's source -> the role-set node standing for its edges (those to `within`)."""
    method = fan.method
    if within is None:
        sample = fan.sample(10)
        conditional = not fan.certain and all(m[3] for m in fan.specials())
    else:
        first = list(itertools.islice((m[0] for m in fan.drawn() if m[0] in within), 10))
        sample = [m for m in (fan.member(t) for t in first) if m is not None]
        conditional = all(fan.is_conditional(t) for t in within)
    attrs: dict[str, object] = {
        "kind": "escalates-to",
        "method": method.id,
        "yields": method.yields.value,
        "via": None,
        # the set's edges say which targets need conditions; none needed to enter it
        "conditional": conditional,
        "condition_keys": [],
        "target_count": size,
        "evidence": {
            "method": method.id,
            "title": method.title,
            "from": fan.source,
            "to": hub,
            "targets": size,
            "sample_targets": [m[0] for m in sample],
            "permissions (first target)": [g.to_json() for g in sample[0][2]],
            "note": "each edge from the set names the function or role used and its permissions",
        },
    }
    return fan.source, hub, f"escalates-to:{method.id}", attrs
