"""A principal's `can` grants with store sets expanded: the answer the expanded graph would give.

The access analysis draws a grant that covers many stores alike as one edge into a `store-set`
node (store_sets.py). Rules and views that ask "what may this principal touch" or "who may touch
this store" read grants through here: a set edge stands for each store the set `contains`, and a
direct edge from the same principal to one of them (another grant names it too) is the complete
answer for that store and wins.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import networkx as nx

from analyzers.reach.store_sets import CONTAINS, STORE_SET


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
        for member in set_members(graph, node):
            if "can" not in out.get(member, {}):
                yield member, data


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
        for holder, keyed in graph._pred[node].items():
            data = keyed.get("can")
            if data is not None and "can" not in into.get(holder, {}):
                yield holder, data
