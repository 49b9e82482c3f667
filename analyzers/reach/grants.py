"""A principal's `can` grants with store sets expanded: the answer the expanded graph would give.

The access analysis draws a grant that covers many stores alike as one edge into a `store-set`
node (store_sets.py). Rules and views that ask "what may this principal touch" or "who may touch
this store" read grants through here: a set edge stands for each store the set `contains`, and a
direct edge from the same principal to one of them (another grant names it too) is the complete
answer for that store and wins. In a set of stores whose own resource policies read alike
(store_sets.policy_shape) the set edge cites one member's policy; `member_grant` names each
member's own instead, so evidence never cites another store's policy.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import networkx as nx

from analyzers.reach.store_sets import CONTAINS, STORE_SET


def member_grant(
    graph: nx.MultiDiGraph, node: str, member: str, data: Mapping[str, Any]
) -> Mapping[str, Any]:
    """The set edge's data as the member's own edge would say it: in a shaped set, the member's
    resource policy in place of the one the set edge was evaluated on (the same statements)."""
    own = graph._succ[node].get(member, {}).get(CONTAINS, {}).get("resource_policy")
    evidence = data.get("evidence")
    cited = evidence.get("resource_policy") if isinstance(evidence, Mapping) else None
    if own is None or cited is None or own == cited or not isinstance(evidence, Mapping):
        return data
    prefix = f"{cited}#"

    def ref(value: Any) -> Any:
        if isinstance(value, Mapping) and value.get("policy") == cited:
            return {**value, "policy": own, "policy_arn": member}  # a resource policy's ARN is its store's
        return value

    def hinge(value: Any) -> Any:
        if isinstance(value, Mapping) and "statement" in value:
            return {**value, "statement": ref(value["statement"])}
        return value

    return {
        **data,
        "statement_ids": [
            own + s[len(cited) :] if isinstance(s, str) and s.startswith(prefix) else s
            for s in data.get("statement_ids") or ()
        ],
        "evidence": {
            **evidence,
            "resource_policy": own,
            "statements": [ref(v) for v in evidence.get("statements") or ()],
            "conditions": [hinge(v) for v in evidence.get("conditions") or ()],
        },
    }


def is_policy_like(graph: nx.MultiDiGraph, node: str) -> bool:
    """Whether a store set gathers stores with resource policies alike (`member_grant` matters)."""
    return bool(graph._node.get(node, {}).get("policy_like"))


def set_members(graph: nx.MultiDiGraph, node: str) -> list[str]:
    """The stores a `store-set` node stands for, in graph order."""
    return [member for member, keyed in graph._succ[node].items() if CONTAINS in keyed]


def is_store_set(graph: nx.MultiDiGraph, node: str) -> bool:
    return graph._node.get(node, {}).get("kind") == STORE_SET


def can_grants(graph: nx.MultiDiGraph, holder: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(target, `can` edge data) for every target the holder may act on, sets expanded; direct
    edges first in graph order, then each set's members it has no direct edge to."""
    if holder not in graph:
        return
    out = graph._succ[holder]
    sets: list[tuple[str, Mapping[str, Any]]] = []
    for target, keyed in out.items():
        data = keyed.get("can")
        if data is None:
            continue
        if is_store_set(graph, target):
            sets.append((target, data))
        else:
            yield target, data
    for node, data in sets:
        own = is_policy_like(graph, node)
        for member in set_members(graph, node):
            if "can" not in out.get(member, {}):
                yield member, member_grant(graph, node, member, data) if own else data


def grants_onto(graph: nx.MultiDiGraph, target: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(holder, `can` edge data) for every principal that may act on `target`, sets expanded:
    direct edges first, then holders of a set that contains it (and no direct edge to it)."""
    if target not in graph:
        return
    into = graph._pred[target]
    sets: list[str] = []
    for holder, keyed in into.items():
        data = keyed.get("can")
        if data is not None:
            yield holder, data
        elif CONTAINS in keyed:
            sets.append(holder)
    for node in sets:
        own = is_policy_like(graph, node)
        for holder, keyed in graph._pred[node].items():
            data = keyed.get("can")
            if data is not None and "can" not in into.get(holder, {}):
                yield holder, member_grant(graph, node, target, data) if own else data
