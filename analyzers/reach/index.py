"""The reach edges of a graph compiled once into integer arrays, so every query runs in numpy.

A query on a 10,000-function estate can touch ~600,000 `can` and ~1,000,000 `escalates-to`
edges (team-wide grants fan out to every store and role). Walking those edge by edge in Python
costs seconds; as arrays, a breadth-first layer is one gather and one mask. The index for a set
of edge kinds is derived (numpy masks, ~0.3 s at that size) from the graph's edge table
(`reach_edges`, the one pass over Python dicts) on the first query over those kinds, and kept in
the graph's own attribute dict, so the pane, the CLI, library callers and rules share it. A frozen
graph (as `analyze` leaves it) is trusted; another is re-read when its node or linked-pair count
changes.

Parallel edges between two nodes are one pair here, unconditional if any of them is. Edges that
carry an access level (`can`) are also kept one by one, so a query can pick, for each node, the
strongest grant any reached principal holds on it without scanning in-edges in Python.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from analyzers.reach.access_scores import AccessEdges
from analyzers.reach.edge_table import EdgeTable, edge_table
from analyzers.reach.labels import access_rank, strongest_access
from analyzers.unique import unique

GATHER = 1 << 20
"""Edges a search gathers at once (`Adjacency.reach_new`): bounds a layer's transient arrays."""

Parent = tuple[str, str, Mapping[str, Any]]  # (node nearer the start, edge key, edge data)
_CACHE_KEY = "_reach_index"


@dataclass(frozen=True, slots=True)
class Adjacency:
    """Compressed sparse rows: the neighbours of node `i` are `indices[indptr[i]:indptr[i + 1]]`."""

    indptr: np.ndarray
    indices: np.ndarray

    @classmethod
    def build(cls, rows: np.ndarray, cols: np.ndarray, size: int) -> Adjacency:
        order = np.argsort(rows, kind="stable")
        indptr = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=size), out=indptr[1:])
        return cls(indptr, cols[order].astype(np.int64))

    def neighbours(self, nodes: np.ndarray) -> np.ndarray:
        """Every neighbour of `nodes`, with repeats (one gather)."""
        starts = self.indptr[nodes]
        lengths = self.indptr[nodes + 1] - starts
        total = int(lengths.sum())
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
        return np.asarray(self.indices[offsets])

    def reach_new(
        self,
        nodes: np.ndarray,
        dist: np.ndarray,
        scratch: np.ndarray,
        depth: int,
        keep: np.ndarray | None = None,
    ) -> np.ndarray:
        """The neighbours of `nodes` not reached yet (and, with `keep`, those it marks), each once,
        now at `depth` in `dist`. Gathered GATHER edges at a time: one layer of a search from a
        role that escalates to every role gathers tens of millions of edges, and gathered at
        once its index arrays were a transient 0.8 GiB at 100,000 functions."""
        parts = []
        for run in self._runs(nodes):
            fresh = _new(self.neighbours(run), dist, scratch)
            if keep is not None:
                fresh = fresh[keep[fresh]]
            dist[fresh] = depth
            parts.append(fresh)
        if not parts:
            return np.empty(0, dtype=np.int64)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def _runs(self, nodes: np.ndarray) -> list[np.ndarray]:
        """`nodes` in runs of at most GATHER edges out (a node with more is a run of its own)."""
        return runs_by_weight(nodes, self.indptr[nodes + 1] - self.indptr[nodes], GATHER)

    def distances(
        self,
        start: int | np.ndarray,
        max_hops: int,
        size: int,
        zero: ZeroWidth | None = None,
        *,
        free_first: bool = False,
    ) -> np.ndarray:
        """Hop counts from `start` (one node or several: 0) within `max_hops`; -1 where not reached.
        With `zero`, the hops it says cost nothing are taken within the same layer (from the
        start too if `free_first`)."""
        return self.search(start, max_hops, size, zero, free_first=free_first)[0]

    def search(
        self,
        start: int | np.ndarray,
        max_hops: int,
        size: int,
        zero: ZeroWidth | None = None,
        *,
        free_first: bool = False,
    ) -> tuple[np.ndarray, np.ndarray]:
        """`distances`, and the ids of every node reached (sorted). Each layer costs what it
        reaches, never a scan of every node: a rule searches from thousands of functions."""
        dist = np.full(size, -1, dtype=np.int16)
        scratch = np.empty(size, dtype=np.int64)  # `_new` marks with it: written before read
        frontier = unique(np.atleast_1d(np.asarray(start, dtype=np.int64)))
        dist[frontier] = 0
        if zero is not None and free_first:
            frontier = np.concatenate((frontier, zero.close(self, dist, frontier, 0, scratch)))
        layers = [frontier]
        for depth in range(1, max_hops + 1):
            found = self.reach_new(frontier, dist, scratch, depth)
            if not found.size:
                break
            if zero is not None:
                found = np.concatenate((found, zero.close(self, dist, found, depth, scratch)))
            layers.append(found)
            frontier = found
        return dist, np.sort(np.concatenate(layers))


def runs_by_weight(items: np.ndarray, weights: np.ndarray, limit: int) -> list[np.ndarray]:
    """`items` cut into contiguous runs whose `weights` add up to at most `limit` (an item
    heavier than that is a run of its own), in order: how searches and rules bound the arrays
    they gather at once."""
    ends = np.cumsum(weights)
    if not ends.size or ends[-1] <= limit:
        return [items] if items.size else []
    cuts = np.searchsorted(ends, np.arange(limit, int(ends[-1]), limit), "right")
    bounds = [0, *unique(cuts).tolist(), items.size]
    return [items[start:stop] for start, stop in itertools.pairwise(bounds) if stop > start]


def _new(nodes: np.ndarray, dist: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """The nodes of `nodes` not reached yet (`dist` < 0), each once, in no particular order.

    A breadth-first layer only needs the set: each node's hop count is its layer's whatever the
    order, and the search sorts what it reached at the end. `np.unique` hashed and sorted every
    layer (a third of `reach.public-to-sensitive` at 100,000 functions, whose searches each gather
    millions of neighbours); here each node's positions are written into `scratch`, and the one
    position a node's slot ends with (whichever write numpy made last) keeps that node.
    """
    fresh = nodes[dist[nodes] < 0]
    positions = np.arange(fresh.size)
    scratch[fresh] = positions
    return fresh[scratch[fresh] == positions]


@dataclass(frozen=True, slots=True)
class ZeroWidth:
    """Hops that do not count: out of a `role-set` node, which only stands for its members (one
    principal's many edges by one escalation method), or a `store-set` node (the stores a grant
    covers alike), except a query's first hop. Forward, a set's
    members join the layer the set is in; backward, a set joins the layer of the member it leads
    to. Sets never lead to sets (the graph draws them so), so no layer chains through two."""

    sets: np.ndarray  # bool per node
    forward: bool

    def close(
        self, adjacency: Adjacency, dist: np.ndarray, found: np.ndarray, depth: int, scratch: np.ndarray
    ) -> np.ndarray:
        """Take the free hops out of `found` (writing `depth`); the nodes they added, each once
        and none of `found` (`scratch`: a node-sized array `_new` may overwrite)."""
        added = []
        pending = found[self.sets[found]] if self.forward else found
        while pending.size:
            more = adjacency.reach_new(pending, dist, scratch, depth, None if self.forward else self.sets)
            if not more.size:
                break
            added.append(more)
            pending = more[self.sets[more]] if self.forward else more
        return np.concatenate(added) if added else np.empty(0, dtype=np.int64)


class ReachIndex:
    """One graph's `kinds` edges as arrays (see the module docstring); build with `index_for`."""

    def __init__(self, graph: nx.MultiDiGraph, kinds: frozenset[str], table: EdgeTable) -> None:
        self.graph = graph
        self.kinds = kinds
        self.names, self.ids = table.names, table.ids
        self.size = len(self.names)
        self.stamp = table.stamp
        chosen = np.flatnonzero(table.of_kinds(kinds))
        sources, targets = table.sources[chosen], table.targets[chosen]
        # Parallel edges become one pair, unconditional if any of them is.
        pair = sources * self.size + targets
        order = np.argsort(pair, kind="stable")
        starts = np.flatnonzero(np.r_[True, pair[order][1:] != pair[order][:-1]]) if pair.size else order
        strict = np.logical_or.reduceat(~table.conditional[chosen][order], starts) if pair.size else order
        rows, cols = sources[order][starts], targets[order][starts]
        strict = strict.astype(bool)
        self.forward = Adjacency.build(rows, cols, self.size)
        self.backward = Adjacency.build(cols, rows, self.size)
        self.forward_strict = Adjacency.build(rows[strict], cols[strict], self.size)
        self.backward_strict = Adjacency.build(cols[strict], rows[strict], self.size)
        self.has_conditional = not bool(strict.all())
        granting = chosen[table.ranks[chosen] > 0]  # graph order
        self.access = AccessEdges.build(
            table.sources[granting],
            table.targets[granting],
            table.ranks[granting],
            table.conditional[granting],
            [table.keys[i] for i in granting.tolist()],
            self.size,
        )
        self._orders: tuple[np.ndarray, np.ndarray] | None = None
        self._codes: dict[str, tuple[np.ndarray, dict[str, int]]] = {}
        node_kinds, codes = self.codes("kind")
        set_codes = [codes[k] for k in ("role-set", "store-set") if k in codes]
        sets = np.isin(node_kinds, set_codes)
        self.sets = sets  # per node: a role-set or store-set node, out of which hops are free
        held = np.flatnonzero(table.of_kinds(kinds & frozenset({"contains"})))
        # (store-set, member) pairs: a grant on the set is a grant on each member (access_choice)
        self.memberships = (table.sources[held], table.targets[held])
        self.zero: dict[str, ZeroWidth | None] = {
            direction: ZeroWidth(sets, direction == "forward") if sets.any() else None
            for direction in ("forward", "backward")
        }

    def listing_rank(self) -> np.ndarray:
        """Each node's place when listed by (kind, label, id): how reached nodes are shown."""
        return self._listing_orders()[0]

    def name_rank(self) -> np.ndarray:
        """Each node's place in id order: the last tie-break between paths."""
        return self._listing_orders()[1]

    def _listing_orders(self) -> tuple[np.ndarray, np.ndarray]:
        if self._orders is None:
            nodes = self.graph._node
            names = self.names
            listing = sorted(
                range(self.size),
                key=lambda i: (
                    str(nodes[names[i]].get("kind") or "node"),
                    _label(nodes[names[i]], names[i]),
                    names[i],
                ),
            )
            by_name = sorted(range(self.size), key=names.__getitem__)
            self._orders = (_ranks(listing), _ranks(by_name))
        return self._orders

    def codes(self, attribute: str) -> tuple[np.ndarray, dict[str, int]]:
        """Each node's `attribute` (casefolded) as a small integer, and the code of each value."""
        found = self._codes.get(attribute)
        if found is None:
            table: dict[str, int] = {}
            nodes, names = self.graph._node, self.names
            values = (str(nodes[n].get(attribute) or "").casefold() for n in names)
            codes = np.fromiter((table.setdefault(v, len(table)) for v in values), np.int64, self.size)
            found = self._codes[attribute] = (codes, table)
        return found

    def adjacency(self, direction: str, strict: bool) -> Adjacency:
        if direction == "forward":
            return self.forward_strict if strict else self.forward
        return self.backward_strict if strict else self.backward

    def search(
        self, start: str, direction: str, max_hops: int, *, strict: bool, free_first: bool = False
    ) -> Layers:
        """Hop counts from `start`; a query's first hop counts even out of a set, unless
        `free_first` (distances towards a goal, whose last hop may be free)."""
        adjacency = self.adjacency(direction, strict)
        zero = self.zero[direction]
        dist, reached = adjacency.search(self.ids[start], max_hops, self.size, zero, free_first=free_first)
        return Layers(self, start, direction, strict, dist, reached)


def _label(data: Mapping[str, Any], node: str) -> str:
    return str(data.get("label") or node)


def _ranks(order: list[int]) -> np.ndarray:
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[np.array(order, dtype=np.int64)] = np.arange(len(order))
    return ranks


def _stamp(graph: nx.MultiDiGraph) -> tuple[int, int]:
    """Node count and linked-pair count: cheap (networkx counts multi-edges one by one, ~1 s at
    10,000 functions) and changed by any new node or newly linked pair."""
    return len(graph._node), sum(map(len, graph._succ.values()))


def index_for(graph: nx.MultiDiGraph, kinds: frozenset[str]) -> ReachIndex:
    """The graph's index over `kinds` edges, built on first use; rebuilt if the graph grew, unless
    it is frozen (as `analyze` leaves it), when it cannot have."""
    stamp = None if nx.is_frozen(graph) else _stamp(graph)
    table = edge_table(graph, stamp)
    cache: dict[frozenset[str], ReachIndex] = graph.graph.setdefault(_CACHE_KEY, {})
    index = cache.get(kinds)
    if index is None or index.stamp != table.stamp:
        index = cache[kinds] = ReachIndex(graph, kinds, table)
    return index


def _edge_score(data: Mapping[str, Any]) -> tuple[bool, int]:
    return (not data.get("conditional"), access_rank(strongest_access(data.get("access"))))


@dataclass(slots=True)
class Layers:
    """One breadth-first search: hop counts for every node, parents chosen on demand.

    A node's parent is the best edge from the layer before it (unconditional first, then the
    strongest access); only the nodes whose paths are shown ever need one.
    """

    index: ReachIndex
    start: str
    direction: str
    strict: bool  # only unconditional edges were followed
    dist: np.ndarray
    reached_ids: np.ndarray  # every node with dist >= 0, sorted
    _parents: dict[str, Parent] = field(default_factory=dict)

    def reached(self, node: str) -> bool:
        return bool(self.dist[self.index.ids[node]] >= 0)

    def hops(self, node: str) -> int:
        return int(self.dist[self.index.ids[node]])

    def parent(self, node: str) -> Parent:
        found = self._parents.get(node)
        if found is not None:
            return found
        index, dist, ids = self.index, self.dist, self.index.ids
        here = int(dist[ids[node]])
        forward = self.direction == "forward"
        graph = index.graph
        adjacency = graph._pred if forward else graph._succ
        best: Parent | None = None
        best_score: tuple[bool, int] = (False, -1)
        for other, keyed in adjacency[node].items():
            if other == node:
                continue
            there = int(dist[ids[other]])
            free = index.sets[ids[other] if forward else ids[node]]
            if there < 0 or not (there == here - 1 or (free and there == here)):
                continue
            for key, data in keyed.items():
                if data.get("kind") not in index.kinds or (self.strict and data.get("conditional")):
                    continue
                score = _edge_score(data)
                if best is None or score > best_score:
                    best, best_score = (other, key, data), score
        if best is None:
            raise KeyError(node)
        self._parents[node] = best
        return best

    def steps_to(self, node: str) -> list[tuple[str, str, str, Mapping[str, Any]]]:
        """The search's path from its start to `node`, start first, as (node nearer the start,
        node farther, edge key, edge data); forward that is edge order."""
        steps = []
        while node != self.start:
            prev, key, data = self.parent(node)
            steps.append((prev, node, key, data))
            node = prev
        steps.reverse()
        return steps

    def on_path(self, node: str, target: str) -> bool:
        """Whether `target` lies on this search's path to `node`."""
        while node != self.start:
            if node == target:
                return True
            node = self.parent(node)[0]
        return node == target
