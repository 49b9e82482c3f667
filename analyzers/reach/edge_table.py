"""Every edge of a graph once, as arrays: the one pass over Python dicts all reach indexes share.

Reading a million-edge MultiDiGraph edge by edge takes seconds; an index for one set of edge
kinds (`reach_index`) is then a few numpy masks over this table. The analysis reads it for the
public-to-sensitive rule, so the Reachability pane's first query does not pay for it again.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from analyzers.reach.labels import access_rank, strongest_access

_CACHE_KEY = "_reach_edges"


@dataclass(frozen=True, slots=True)
class EdgeTable:
    """Edges in graph order: ends (node ids), kind code, conditional, access rank (0: none), key."""

    names: list[str]
    ids: dict[str, int]
    sources: np.ndarray
    targets: np.ndarray
    kinds: np.ndarray
    conditional: np.ndarray
    ranks: np.ndarray
    keys: list[str]
    kind_codes: dict[str, int]
    stamp: tuple[int, int]

    @classmethod
    def read(cls, graph: nx.MultiDiGraph, stamp: tuple[int, int]) -> EdgeTable:
        names = list(graph._node)
        ids = {name: i for i, name in enumerate(names)}
        codes: dict[str, int] = {}
        ends: list[int] = []
        kinds: list[int] = []
        conditional: list[bool] = []
        ranks: list[int] = []
        keys: list[str] = []
        for u, neighbours in graph._succ.items():
            i = ids[u]
            for v, keyed in neighbours.items():
                j = ids[v]
                for key, data in keyed.items():
                    ends.extend((i, j))
                    kinds.append(codes.setdefault(str(data.get("kind")), len(codes)))
                    conditional.append(bool(data.get("conditional")))
                    level = data.get("access")
                    ranks.append(access_rank(strongest_access(level)) if level else 0)
                    keys.append(key)
        pairs = np.array(ends, dtype=np.int64).reshape(-1, 2)
        return cls(
            names=names,
            ids=ids,
            sources=pairs[:, 0],
            targets=pairs[:, 1],
            kinds=np.array(kinds, dtype=np.int32),
            conditional=np.array(conditional, dtype=bool),
            ranks=np.array(ranks, dtype=np.int64),
            keys=keys,
            kind_codes=codes,
            stamp=stamp,
        )

    def of_kinds(self, kinds: frozenset[str]) -> np.ndarray:
        """Which edges have one of `kinds` and join two different nodes."""
        wanted = [self.kind_codes[k] for k in kinds if k in self.kind_codes]
        return np.isin(self.kinds, wanted) & (self.sources != self.targets)


def edge_table(graph: nx.MultiDiGraph, stamp: tuple[int, int] | None) -> EdgeTable:
    """The graph's table, read on first use; re-read when `stamp` (None: frozen) changed."""
    table: EdgeTable | None = graph.graph.get(_CACHE_KEY)
    if table is None or (stamp is not None and table.stamp != stamp):
        table = graph.graph[_CACHE_KEY] = EdgeTable.read(graph, stamp or (-1, -1))
    return table
