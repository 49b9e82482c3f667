"""One reachability query's run: its two searches, its access choices, and rows built on demand.

A run searches twice on the compiled index (every edge; unconditional edges only, so a node
reachable without conditions is never reported as conditional), picks each node's access edge
(`reach_access_choice`), and orders the reached nodes and the paths with numpy. Rows and paths
are built as they are read (`LazyRows`): a blast radius over thousands of stores costs arrays,
not thousands of objects, until someone looks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from analyzers.reach.access_choice import choose_access
from analyzers.reach.access_scores import unpack_scores
from analyzers.reach.index import Layers, index_for
from analyzers.reach.labels import strongest_access
from analyzers.reach.types import Hop, LazyRows, ReachedNode, ReachPath
from analyzers.reach.walks import make_hop


@dataclass(frozen=True, slots=True)
class _Choice:
    """How a reached node's path ends: the node before it, the edge, and the search whose
    parents lead to that node (the unconditional one when it can)."""

    prev: str
    key: str
    data: Mapping[str, Any]
    search: Layers


class QueryRun:
    """The searches and choices of one query from `start` (see the module docstring)."""

    def __init__(
        self, graph: nx.MultiDiGraph, start: str, direction: str, kinds: frozenset[str], max_hops: int
    ) -> None:
        self.graph, self.max_hops = graph, max_hops
        self.index = index = index_for(graph, kinds)
        self.forward = direction == "forward"
        self.full = index.search(start, direction, max_hops, strict=False)
        self.strict = (
            index.search(start, direction, max_hops, strict=True) if index.has_conditional else self.full
        )
        self.access = choose_access(self.full, self.strict, max_hops)
        self._hops: dict[tuple[str, str, str], Hop] = {}
        self._heads: dict[tuple[bool, str], tuple[Hop, ...]] = {}
        self._choices: dict[str, _Choice] = {}

    # -- which nodes, in which order -------------------------------------------------------
    def select(
        self, *, to: str | None, classification: str | None, node_kinds: frozenset[str] | None
    ) -> np.ndarray:
        """Ids of the reached nodes (not the start) that pass the filters."""
        index = self.index
        ids = np.flatnonzero(self.full.dist > 0)
        if to is not None:
            ids = ids[ids == index.ids[to]] if to in index.ids else ids[:0]
        if node_kinds is not None:
            codes, table = index.codes("kind")
            wanted = [table[k.casefold()] for k in node_kinds if k.casefold() in table]
            ids = ids[np.isin(codes[ids], wanted)]
        if classification is not None:
            codes, table = index.codes("classification")
            code = table.get(classification.casefold())
            ids = ids[codes[ids] == code] if code is not None else ids[:0]
        return ids

    def reached_rows(self, ids: np.ndarray) -> tuple[LazyRows[ReachedNode], Callable[[str], int | None]]:
        """The nodes shortest first, then by kind and name; and a finder of a node's row."""
        ordered = ids[np.lexsort((self.index.listing_rank()[ids], self.full.dist[ids]))].tolist()
        rows: dict[int, int] = {}

        def locate(node: str) -> int | None:
            if not rows and ordered:
                rows.update((i, row) for row, i in enumerate(ordered))
            i = self.index.ids.get(node)
            return None if i is None else rows.get(i)

        return LazyRows(len(ordered), lambda row: self._reached(ordered[row])), locate

    def path_rows(self, ids: np.ndarray, limit: int | None) -> tuple[LazyRows[ReachPath], bool]:
        """One path per node: strongest access first, then unconditional, then shortest, then by id;
        at most `limit` of them, and whether more were left out."""
        position, score = self.access.position[ids], self.access.score[ids]
        rank, sure, access_length = unpack_scores(score)
        full_hops, sure_hops = self.full.dist[ids], self.strict.dist[ids]
        chosen = position >= 0
        rank = np.where(chosen, rank, 0)
        conditional = np.where(chosen, ~sure, sure_hops < 0)
        length = np.where(chosen, access_length, np.where(sure_hops >= 0, sure_hops, full_hops))
        order = np.lexsort((self.index.name_rank()[ids], length, conditional, -rank))
        kept = order if limit is None else order[:limit]
        nodes, positions = ids[kept].tolist(), position[kept].tolist()
        names = self.index.names
        rows = LazyRows(len(nodes), lambda row: self._path(names[nodes[row]], positions[row]))
        return rows, limit is not None and ids.size > limit

    # -- one row ---------------------------------------------------------------------------
    def _reached(self, i: int) -> ReachedNode:
        node = self.index.names[i]
        data = self.graph._node[node]
        position = int(self.access.position[i])
        # The access its path ends with: the best grant, unless only a path back through the node
        # itself reaches that grant's holder.
        access = strongest_access(self._choice(node, position).data.get("access")) if position >= 0 else None
        return ReachedNode(
            node=node,
            kind=str(data.get("kind") or "node"),
            label=str(data.get("label") or node),
            classification=data.get("classification"),
            subkind=data.get("subkind"),
            hops=int(self.full.dist[i]),
            access=access,
            conditional=bool(self.strict.dist[i] < 0),
        )

    def _edge(self, position: int) -> tuple[str, str, str, Mapping[str, Any]]:
        edges, names = self.index.access, self.index.names
        source, target = names[int(edges.sources[position])], names[int(edges.targets[position])]
        key = edges.keys[position]
        return source, target, key, self.graph._succ[source][target][key]

    def _path(self, node: str, position: int) -> ReachPath:
        choice = self._choice(node, position)
        head = self._head(choice.search, choice.prev)
        source, target = (choice.prev, node) if self.forward else (node, choice.prev)
        last = self._hop(source, target, choice.key, choice.data)
        return ReachPath((*head, last)) if self.forward else ReachPath((last, *head))

    def _choice(self, node: str, position: int) -> _Choice:
        """The node's access edge when its path does not come back through the node, else the
        next best access edge, else its parent edge in the search."""
        found = self._choices.get(node)
        if found is None:
            found = self._choices[node] = self._choose(node, position)
        return found

    def _choose(self, node: str, position: int) -> _Choice:
        if position >= 0:
            found = self._access_choice(node, position)
            if found is not None:
                return found
            for candidate in self._alternatives(node, position):
                found = self._access_choice(node, candidate)
                if found is not None:
                    return found
        search = self.strict if self.strict.reached(node) else self.full
        prev, key, data = search.parent(node)
        return _Choice(prev, key, data, search)

    def _access_choice(self, node: str, position: int) -> _Choice | None:
        source, target, key, data = self._edge(position)
        strict = self.strict
        if self.forward:
            prev = source
            use_strict = strict.reached(prev) and strict.hops(prev) < self._bound(prev)
        else:
            prev = target
            free = bool(self.index.sets[self.index.ids[node]])
            use_strict = (
                strict.reached(node)
                and strict.reached(prev)
                and strict.hops(node) in (strict.hops(prev) + 1, strict.hops(prev) if free else -1)
                and not data.get("conditional")
            )
        search = strict if use_strict else self.full
        # Forward, a grant held by a node reached through `node` itself would revisit it.
        if self.forward and search.hops(prev) >= self.full.hops(node) and search.on_path(prev, node):
            return None
        return _Choice(prev, key, data, search)

    def _alternatives(self, node: str, failed: int) -> list[int]:
        """`node`'s other usable access edges into it, best first (forward only: rare)."""
        if not self.forward:
            return []
        edges, full, strict = self.index.access, self.full.dist, self.strict.dist
        found = []
        for position in np.flatnonzero(edges.targets == self.index.ids[node]).tolist():
            source = int(edges.sources[position])
            hops, bound = int(full[source]), self._bound(self.index.names[source])
            if position == failed or not 0 <= hops < bound:
                continue
            sure = 0 <= int(strict[source]) < bound and not bool(edges.conditional[position])
            found.append((int(edges.ranks[position]), sure, -hops, -position))
        found.sort(reverse=True)
        return [-item[3] for item in found]

    def _bound(self, holder: str) -> int:
        """How far (forward) a grant's holder may be: a hop out of a role-set node is free."""
        return self.max_hops + int(self.index.sets[self.index.ids[holder]])

    def _head(self, search: Layers, node: str) -> tuple[Hop, ...]:
        """The search's path from its start to `node`, in edge order (kept: heads are shared)."""
        memo = (search.strict, node)
        found = self._heads.get(memo)
        if found is None:
            steps = search.steps_to(node)
            if self.forward:
                found = tuple(self._hop(near, far, key, data) for near, far, key, data in steps)
            else:  # backward edges run from the farther node towards the start
                found = tuple(self._hop(far, near, key, data) for near, far, key, data in reversed(steps))
            self._heads[memo] = found
        return found

    def _hop(self, source: str, target: str, key: str, data: Mapping[str, Any]) -> Hop:
        memo = (source, target, key)
        hop = self._hops.get(memo)
        if hop is None:
            hop = self._hops[memo] = make_hop(self.graph, source, target, key, data)
        return hop
