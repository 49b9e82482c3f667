"""Which access-bearing edge a reached node's path ends with, for every node of a query at once.

Forward, a node's access is the strongest grant any principal the start reaches (within the hop
bound) holds on it; backward, it is the node's own strongest hop towards the start along a
shortest path. Between equal grants, one the start reaches without conditions wins, then the
shorter path, then the edge first in graph order. A grant on a `store-set` node is one on each
store the set contains (forward; backward the search itself walks from a store to its sets). A
reach from a role that may touch thousands of stores weighs up hundreds of thousands of such
edges; packed into one int64 score per edge, the choice is a gather, a few array operations and
one `maximum.at`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analyzers.reach.access_scores import MAX_LENGTH, POSITION_BITS, SHORT_SHIFT, SURE_SHIFT
from analyzers.reach.index import Layers


@dataclass(frozen=True, slots=True)
class AccessChoice:
    """Per node id: the chosen access edge's position (-1: none) and its packed score."""

    position: np.ndarray
    score: np.ndarray


def choose_access(full: Layers, strict: Layers, max_hops: int) -> AccessChoice:
    """The best access edge for every node of a query (see the module docstring)."""
    edges = full.index.access
    size = full.index.size
    score_of = np.full(size, -1, dtype=np.int64)
    if not edges.sources.size:
        return AccessChoice(np.full(size, -1, dtype=np.int64), score_of)
    forward = full.direction == "forward"
    sets = full.index.sets  # hops out of a set node are free
    if forward:  # edges out of every principal reached with a hop to spare (none needed from a set)
        spare = max_hops + sets
        holders = np.flatnonzero((full.dist >= 0) & (full.dist < spare))
    else:  # each reached node's own edges
        holders = np.flatnonzero(full.dist > 0)
    picked = edges.of_sources(holders)
    sources, targets = edges.sources[picked], edges.targets[picked]
    hops, sure_hops = full.dist[sources], strict.dist[sources]
    conditional = edges.conditional[picked]
    if forward:
        free = sets[sources]
        bound = max_hops + free
        valid = (hops >= 0) & (hops < bound) & (full.dist[targets] > 0)
        use_strict = (sure_hops >= 0) & (sure_hops < bound)  # implies valid: strict hops >= full
        length = np.where(use_strict, sure_hops, hops) + ~free
        owners = targets
    else:  # a hop one layer nearer the start (the same layer, out of a set), in either search
        free = sets[sources]
        nearer, sure_nearer = full.dist[targets], strict.dist[targets]
        sure_step = (sure_nearer == sure_hops - 1) | (free & (sure_nearer == sure_hops))
        use_strict = (sure_hops > 0) & (sure_nearer >= 0) & sure_step & ~conditional
        step = (nearer == hops - 1) | (free & (nearer == hops))
        valid = use_strict | ((hops > 0) & (nearer >= 0) & step)
        length = np.where(use_strict, sure_hops, hops)
        owners = sources
    picked, owners, length = picked[valid], owners[valid], length[valid]
    use_strict, conditional = use_strict[valid], conditional[valid]
    sure = use_strict & ~conditional
    shortness = (MAX_LENGTH - np.minimum(length, MAX_LENGTH)).astype(np.int64)
    score = edges.fixed[picked] | (sure.astype(np.int64) << SURE_SHIFT) | (shortness << SHORT_SHIFT)
    np.maximum.at(score_of, owners, score)
    if forward:  # a grant on a store set reaches each member, with no hop of its own
        groups, members = full.index.memberships
        inherited = score_of[groups]
        held = (inherited >= 0) & (full.dist[members] > 0)
        np.maximum.at(score_of, members[held], inherited[held])
    position = np.where(score_of >= 0, POSITION_BITS - (score_of & POSITION_BITS), -1)
    return AccessChoice(position, score_of)
