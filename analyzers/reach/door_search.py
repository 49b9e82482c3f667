"""The searches `reach.public-to-sensitive` runs from each public function, without the dead ends.

A search from a function whose role escalates reaches every role, and with them every store and
store set they may act on: at 100,000 functions most of each breadth-first layer was stores,
which end every path (a `can` edge onto a store or a set leads nowhere in these walks). The rule
needs hop counts only for the nodes a path runs through or ends its walk at: holders of grants
and the nodes between. So its searches run on the index's edges minus those into nodes with no
edge out: every other node gets the hop count the full search gives it (a node without an edge
out is on no path to another), with the same parents, so the same paths.
"""

from __future__ import annotations

import numpy as np

from analyzers.reach.index import Adjacency, Layers, ReachIndex


class DoorSearch:
    """Forward searches over `index` (all edges, and unconditional ones) without dead ends."""

    def __init__(self, index: ReachIndex) -> None:
        self.index = index
        forward = index.forward
        onward = np.diff(forward.indptr) > 0  # per node: has an edge out (so may be on a path)
        self._full = _pruned(forward, onward)
        self._strict = _pruned(index.forward_strict, onward) if index.has_conditional else self._full

    def search(self, start: str, max_hops: int, *, strict: bool) -> Layers:
        """As `index.search(start, "forward", max_hops, strict=strict)` for every node with an
        edge out; nodes without one (stores, store sets) are not reached."""
        index = self.index
        adjacency = self._strict if strict else self._full
        zero = index.zero["forward"]
        dist, reached = adjacency.search(index.ids[start], max_hops, index.size, zero)
        return Layers(index, start, "forward", strict, dist, reached)


def _pruned(adjacency: Adjacency, onward: np.ndarray) -> Adjacency:
    """The adjacency without the edges into nodes `onward` says have no edge out."""
    size = adjacency.indptr.size - 1
    tails = np.repeat(np.arange(size, dtype=np.int64), np.diff(adjacency.indptr))
    keep = onward[adjacency.indices]
    return Adjacency.build(tails[keep], adjacency.indices[keep], size)
