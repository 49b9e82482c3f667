"""The sensitive stores one principal may act on, counted and listed without expanding its sets.

`config.no-vpc` lists the first stores (by ARN) a function's role may touch and counts the rest
by classification. Expanding every store set for every such function (`grants.can_grants`) costs
what the sets hold: a role allowed `dynamodb:*` on `*` reaches every table, so at 100,000
functions the rule walked tens of millions of (function, store) pairs to list 25 of each. Here a
set's sensitive members are sorted and counted once (they are the same for every principal), and
a principal's answer merges its direct edges with its sets' sorted members up to the listing
limit. A principal has at most one edge into the sets of one block, and blocks are disjoint, so
its sets never share a member; a direct edge onto a member wins, as in the expanded graph.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from analyzers.reach.grants import is_policy_like, is_store_set, member_grant, set_members


@dataclass(frozen=True, slots=True)
class SensitiveReach:
    """`listed`: the first stores by ARN with their grant; `total` and `counts` (by class) cover all."""

    listed: list[tuple[str, Mapping[str, Any]]]
    total: int
    counts: Counter[str]
    listed_classes: list[str]  # the classification of each listed store


class SensitiveIndex:
    """Per store set, its sensitive members sorted and counted: shared by every principal."""

    def __init__(self, graph: nx.MultiDiGraph, sensitive: Mapping[str, str]) -> None:
        self.graph = graph
        self.sensitive = sensitive
        self._sets: dict[str, tuple[list[str], frozenset[str], Counter[str]]] = {}

    def _set(self, node: str) -> tuple[list[str], frozenset[str], Counter[str]]:
        found = self._sets.get(node)
        if found is None:
            members = sorted(m for m in set_members(self.graph, node) if m in self.sensitive)
            found = (members, frozenset(members), Counter(self.sensitive[m] for m in members))
            self._sets[node] = found
        return found

    def reach(self, holder: str, limit: int) -> SensitiveReach:
        """What `holder` may touch among the sensitive stores: as `can_grants` would list it
        (sorted by store), the first `limit` with their grants."""
        graph, sensitive = self.graph, self.sensitive
        direct: dict[str, Mapping[str, Any]] = {}
        sets: list[tuple[str, Mapping[str, Any]]] = []
        for target, keyed in graph._succ[holder].items():
            data = keyed.get("can")
            if data is None:
                continue
            if is_store_set(graph, target):
                sets.append((target, data))
            elif target in sensitive:
                direct[target] = data
        total = len(direct)
        counts = Counter(sensitive[s] for s in direct)
        streams: list[Iterator[tuple[str, str | None]]] = [((s, None) for s in sorted(direct))]
        for set_node, _data in sets:
            members, member_set, member_counts = self._set(set_node)
            shadowed = [s for s in direct if s in member_set]  # a direct edge wins
            total += len(members) - len(shadowed)
            counts.update(member_counts)
            counts.subtract(sensitive[s] for s in shadowed)
            streams.append(_tagged(members, set_node, direct))
        set_data = dict(sets)
        listed: list[tuple[str, Mapping[str, Any]]] = []
        for store, via in itertools.islice(heapq.merge(*streams), limit):
            if via is None:
                listed.append((store, direct[store]))
            elif is_policy_like(graph, via):
                listed.append((store, member_grant(graph, via, store, set_data[via])))
            else:
                listed.append((store, set_data[via]))
        return SensitiveReach(listed, total, +counts, [sensitive[store] for store, _ in listed])


def _tagged(members: list[str], node: str, direct: Mapping[str, object]) -> Iterator[tuple[str, str | None]]:
    """The set's members without a direct edge, each with the set it comes through."""
    return ((m, node) for m in members if m not in direct)
