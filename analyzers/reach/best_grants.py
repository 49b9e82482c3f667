"""The grant to report per sensitive store a public function reaches, shared across functions.

`reach.public-to-sensitive` asks, for each internet-invocable function (a *door*), which grant
to report for each sensitive store its search reaches: an unconditional path first, then the
strongest access, then the shortest, then the grant first in graph order (its row, then the
store's place in its set). Answering that by expanding every reached holder's store sets per
door cost what the sets hold, per door: at 100,000 functions the doors whose roles escalate reach
every role, and each re-expanded the same millions of (holder, store) pairs (900 s, 9 GB).

Here every grant is expanded once, by holder, and a node with many holders one hop beyond it (a
`role-set`, out of which the hop is free; a role that may pass or assume every role) is a
*group*: its holders' best pair per store, for unconditional grants and for all grants, is
computed once and kept (groups of the same members share it). A door whose search reaches the
group's node counts each member as if it sat at the distance that hop gives; the members it
reaches at exactly that distance need nothing more, and the rest of its holders are counted one
by one at their own distance.

Why the answer is the same pair: a pair only ranks better as its holder comes nearer (a path
of unconditional edges beats one without, a shorter one a longer one), and each member of a
group is checked, per door, to be reached at most as far as the group counts it. So a member
counted at the group's distance adds a candidate no better than the one at its own distance,
which is always counted (by a group it sits exactly in, or alone); and (row, place in the set)
names one pair, so the ordering is total and the best is the same whichever way it is gathered.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from analyzers.reach.grants import is_policy_like, is_store_set, member_grant, set_members
from analyzers.reach.index import Adjacency, Layers, ReachIndex, runs_by_weight
from analyzers.reach.labels import access_rank, strongest_access
from analyzers.unique import unique

TOP_RANK = 15  # above every access rank: the sort key's "weaker first" is TOP_RANK - rank
GROUP_MIN = 64
"""Holders one hop beyond a node before it may serve as a group: below this, counting them one
by one costs less than looking the group up."""


@dataclass(frozen=True, slots=True)
class SensitiveGrants:
    """Every `can` edge onto a sensitive store or a store set, as arrays in graph order (holder
    and store-or-set ids in the index, access rank, conditional) beside the edges' attributes.
    A set row stands for each of the set's sensitive members the holder has no direct edge to
    (grants.py: the expanded graph's answer)."""

    holders: np.ndarray
    stores: np.ndarray  # a store's id, or a set's (then `is_set`)
    ranks: np.ndarray
    conditional: np.ndarray
    is_set: np.ndarray
    data: list[Mapping[str, Any]]
    by_holder: Adjacency  # rows by holder id
    members: dict[int, np.ndarray]  # set id -> its sensitive members' ids, in set order
    alike: frozenset[int]  # sets of stores with policies alike (grants.member_grant)

    def grant(self, index: ReachIndex, row: int, store: str) -> Mapping[str, Any]:
        """Row's grant as the store's own edge would say it (grants.member_grant)."""
        node = int(self.stores[row])
        if not self.is_set[row] or node not in self.alike:
            return self.data[row]
        return member_grant(index.graph, index.names[node], store, self.data[row])


def sensitive_grants(index: ReachIndex, sensitive: Mapping[str, str]) -> SensitiveGrants:
    """The `can` edges onto sensitive stores, and onto sets holding any, in graph order."""
    rows: list[tuple[int, int, int, bool, bool]] = []
    data: list[Mapping[str, Any]] = []
    graph, ids = index.graph, index.ids
    members: dict[int, np.ndarray] = {}
    alike: set[int] = set()
    for node, neighbours in graph._succ.items():
        for target, keyed in neighbours.items():
            grant = keyed.get("can")
            if grant is None:
                continue
            if target in sensitive:
                is_set = False
            elif is_store_set(graph, target):
                is_set = True
                set_id = ids[target]
                if set_id not in members:
                    listed = [ids[m] for m in set_members(graph, target) if m in sensitive]
                    members[set_id] = np.array(listed, dtype=np.int64)
                    if is_policy_like(graph, target):
                        alike.add(set_id)
                if not members[set_id].size:
                    continue
            else:
                continue
            rank = access_rank(strongest_access(grant.get("access")))
            rows.append((ids[node], ids[target], rank, bool(grant.get("conditional")), is_set))
            data.append(grant)
    table = np.array(rows, dtype=np.int64).reshape(-1, 5)
    by_holder = Adjacency.build(table[:, 0], np.arange(len(table), dtype=np.int64), index.size)
    return SensitiveGrants(
        table[:, 0],
        table[:, 1],
        table[:, 2],
        table[:, 3].astype(bool),
        table[:, 4].astype(bool),
        data,
        by_holder,
        members,
        frozenset(alike),
    )


def expanded(grants: SensitiveGrants, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, store, position in its set) for each store the rows stand for: a direct row for its
    store, a set row for each sensitive member its holder has no direct row onto."""
    direct = rows[~grants.is_set[rows]]
    set_rows = rows[grants.is_set[rows]]
    if not set_rows.size:
        return direct, grants.stores[direct], np.zeros(direct.size, np.int64)
    lists = [grants.members[s] for s in grants.stores[set_rows].tolist()]
    sizes = np.fromiter((m.size for m in lists), np.int64, len(lists))
    members = np.concatenate(lists)
    owners = np.repeat(set_rows, sizes)
    position = np.arange(members.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    size = np.int64(len(grants.by_holder.indptr))  # > every node id
    own = grants.holders[direct] * size + grants.stores[direct]
    keep = ~_among(grants.holders[owners] * size + members, own)
    return (
        np.concatenate((direct, owners[keep])),
        np.concatenate((grants.stores[direct], members[keep])),
        np.concatenate((np.zeros(direct.size, np.int64), position[keep])),
    )


def _among(values: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """`np.isin(values, pool)` for integer arrays by binary search in the sorted pool: the pool
    (a holder run's direct pairs) is small beside the values (its set members), and `isin` sorts
    both together (at 100,000 functions, 2.4 s of `public-to-sensitive` over 18 million pairs)."""
    if not pool.size:
        return np.zeros(values.size, dtype=bool)
    pool = np.sort(pool)
    at = np.searchsorted(pool, values)
    np.minimum(at, pool.size - 1, out=at)
    return pool[at] == values


@dataclass(frozen=True, slots=True)
class _Pairs:
    """(row, store, position in its set) pairs, parallel arrays."""

    rows: np.ndarray
    stores: np.ndarray
    position: np.ndarray

    @property
    def size(self) -> int:
        return int(self.rows.size)


@dataclass(frozen=True, slots=True)
class _Group:
    """A group's members' best pair per store: among unconditional grants (`sure`), among all."""

    sure: _Pairs
    any: _Pairs

    @property
    def cost(self) -> int:
        return self.sure.size + self.any.size


class _Fold:
    """One door's best candidate per store, folded in as each part of its pairs is gathered.

    Per store, smallest first: unsure, weaker access, longer, later in graph order (the row,
    then the member's place in its set, as the expanded graph lists them). The columns are packed
    into one integer key (mixed radix, so keys order as the tuples do) and each part is reduced
    into a node-sized array of keys at once (`np.minimum.at`), so a door holds one part's pairs
    at a time (gathered whole and concatenated, a door reaching most holders at 100,000
    functions held millions of pairs in several arrays at once). Where the bounds' product
    does not fit 62 bits, the parts are kept and sorted together instead (`_smallest_per_store`'s
    lexsort)."""

    def __init__(self, best: BestGrants, length_bound: int) -> None:
        rows, places = best._bounds
        self._ranks = best.grants.ranks
        self._smallest = best._smallest  # every slot EMPTY between doors
        self._bounds = (2, TOP_RANK + 1, length_bound, rows, places)
        self._packed = math.prod(self._bounds) < 1 << 62
        self._parts: list[tuple[_Pairs, np.ndarray, np.ndarray]] = []  # when not packed

    def add(self, pairs: _Pairs, sure: np.ndarray | bool, length: np.ndarray | int) -> None:
        if not pairs.size:
            return
        if not self._packed:
            n = pairs.size
            self._parts.append((pairs, np.broadcast_to(sure, n), np.broadcast_to(length, n)))
            return
        weaker = TOP_RANK - self._ranks[pairs.rows]
        values = (np.logical_not(sure), weaker, length, pairs.rows, pairs.position)
        np.minimum.at(self._smallest, pairs.stores, _packed(pairs.size, values, self._bounds))

    def chosen(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(store ids, rows, sure) per store reached, by store id; the array left all EMPTY."""
        if not self._packed:
            return self._sorted()
        smallest = self._smallest
        stores = np.flatnonzero(smallest != EMPTY)
        key = smallest[stores]
        smallest[stores] = EMPTY
        unsure, _weaker, _length, rows, _places = _unpacked(key, self._bounds)
        return stores, rows, unsure == 0

    def _sorted(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        parts = self._parts
        if not parts:
            return _NONE_CHOSEN
        rows = np.concatenate([p.rows for p, _s, _l in parts])
        stores = np.concatenate([p.stores for p, _s, _l in parts])
        position = np.concatenate([p.position for p, _s, _l in parts])
        sure = np.concatenate([s for _p, s, _l in parts])
        length = np.concatenate([n for _p, _s, n in parts])
        ranks = self._ranks[rows]
        bounds = self._bounds
        columns = [~sure, TOP_RANK - ranks, length, rows, position]
        chosen, (unsure, _weaker, _length, best_rows, _places) = _smallest_per_store(
            stores, list(zip(columns, bounds, strict=True))
        )
        return chosen, best_rows, unsure == 0


_NONE_CHOSEN = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, bool))


def _decoded(best: np.ndarray, bounds: tuple[int, int, int]) -> _Pairs:
    """The stores with a key in `best` (ascending) and their (row, position), as `_Pairs`."""
    stores = np.flatnonzero(best != EMPTY)
    _weaker, rows, position = _unpacked(best[stores], bounds)
    return _Pairs(rows, stores, position)


EMPTY = np.iinfo(np.int64).max  # no candidate yet (a packed key stays below 2**62)
RUN = 1 << 20
"""Pairs gathered at once for the holders a door counts one by one: bounds its transient arrays."""


class BestGrants:
    """Per door, each reached store with the grant to report (its row) and whether its path is
    unconditional, from pairs expanded once and groups kept across doors (module docstring)."""

    def __init__(self, grants: SensitiveGrants, index: ReachIndex, group_min: int = GROUP_MIN) -> None:
        """`group_min` 0 counts every group the checks allow, however small (tests use it)."""
        self.grants = grants
        self._group_min = group_min
        self.index = index
        self._pairs, counts = _pairs_by_holder(grants, index.size)
        self._count = counts  # pairs per node (0: holds no sensitive grant)
        self._bounds = (  # (row, position) values lie below these: the packed sort keys' widths
            max(grants.holders.size, 1),
            max((m.size for m in grants.members.values()), default=0) + 1,
        )
        self._start = np.concatenate(([0], np.cumsum(counts)))
        held = counts > 0
        forward = index.forward
        tails = np.repeat(np.arange(index.size), np.diff(forward.indptr))
        beyond = np.bincount(tails[held[forward.indices]], minlength=index.size)
        self._grouped = beyond >= max(group_min, 1)  # nodes with that many holders one hop beyond
        self._members: dict[int, np.ndarray] = {}
        self._groups: dict[bytes, _Group] = {}  # by members: nodes with the same members share
        self._mark = np.zeros(index.size, dtype=bool)  # holders a group has counted (per door)
        self._smallest = np.full(index.size, EMPTY, dtype=np.int64)  # _Fold's keys (per door)

    @property
    def groups_kept(self) -> int:
        """Group answers computed so far (groups of the same members share one)."""
        return len(self._groups)

    def _holder_pairs(self, holders: np.ndarray) -> _Pairs:
        starts = self._start[holders]
        lengths = self._count[holders]
        total = int(lengths.sum())
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
        pairs = self._pairs
        return _Pairs(pairs.rows[offsets], pairs.stores[offsets], pairs.position[offsets])

    def _members_of(self, node: int) -> np.ndarray:
        found = self._members.get(node)
        if found is None:
            forward = self.index.forward
            beyond = unique(forward.indices[forward.indptr[node] : forward.indptr[node + 1]])
            found = self._members[node] = beyond[self._count[beyond] > 0]
        return found

    def _group(self, members: np.ndarray) -> _Group:
        key = members.tobytes()
        found = self._groups.get(key)
        if found is None:
            found = self._groups[key] = self._group_answer(members)
        return found

    def _group_answer(self, members: np.ndarray) -> _Group:
        """The members' best pair per store, among unconditional grants and among all, folded in
        a run of members at a time: a group of every holder has all the pairs (18 million at
        100,000 functions), and gathered at once they were a transient 0.8 GiB."""
        rows, places = self._bounds
        bounds = (TOP_RANK + 1, rows, places)
        if math.prod(bounds) >= 1 << 62:  # too wide to pack: gathered and sorted
            pairs = self._holder_pairs(members)
            unconditional = ~self.grants.conditional[pairs.rows]
            sure = _Pairs(
                pairs.rows[unconditional], pairs.stores[unconditional], pairs.position[unconditional]
            )
            return _Group(self._first_per_store(sure), self._first_per_store(pairs))
        best_sure = np.full(self.index.size, EMPTY, dtype=np.int64)
        best_any = np.full(self.index.size, EMPTY, dtype=np.int64)
        for run in self._runs(members):
            pairs = self._holder_pairs(run)
            values = (TOP_RANK - self.grants.ranks[pairs.rows], pairs.rows, pairs.position)
            key = _packed(pairs.size, values, bounds)
            np.minimum.at(best_any, pairs.stores, key)
            unconditional = ~self.grants.conditional[pairs.rows]
            np.minimum.at(best_sure, pairs.stores[unconditional], key[unconditional])
        return _Group(_decoded(best_sure, bounds), _decoded(best_any, bounds))

    def _first_per_store(self, pairs: _Pairs) -> _Pairs:
        """Per store, its best pair at one distance: strongest access, then graph order."""
        if not pairs.size:
            return pairs
        rows, places = self._bounds
        ranks = self.grants.ranks[pairs.rows]
        stores, (_weaker, best_rows, best_places) = _smallest_per_store(
            pairs.stores,
            [(TOP_RANK - ranks, TOP_RANK + 1), (pairs.rows, rows), (pairs.position, places)],
        )
        return _Pairs(best_rows, stores, best_places)

    def best(self, full: Layers, strict: Layers) -> list[tuple[int, int, bool]]:
        """(store id, row, sure) by store id, for the door `full` and `strict` searched from: per
        store, an unconditional path first, then the strongest access, then the shortest, then
        graph order."""
        stores, rows, sure = self.best_columns(full, strict)
        return list(zip(stores.tolist(), rows.tolist(), sure.tolist(), strict=True))

    def best_columns(self, full: Layers, strict: Layers) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`best` as three arrays (store ids ascending, rows, sure): at 100,000 functions the
        doors reach 4.1 million stores, too many to go through one tuple at a time."""
        reached = full.reached_ids
        holders = reached[self._count[reached] > 0]
        if not holders.size:
            return _NONE_CHOSEN
        # lengths are hop counts + 1, a group's one hop more at most
        found = _Fold(self, max(int(full.dist.max()), int(strict.dist.max())) + 3)
        mark = self._mark
        counted: list[np.ndarray] = []
        try:
            self._add_groups(found, reached, full, strict, counted)
            for alone in self._runs(holders[~mark[holders]]):
                pairs = self._holder_pairs(alone)
                owners = np.repeat(alone, self._count[alone])
                hops, sure_hops = full.dist[owners], strict.dist[owners]
                sure = (sure_hops >= 0) & ~self.grants.conditional[pairs.rows]
                found.add(pairs, sure, np.where(sure, sure_hops, hops).astype(np.int64) + 1)
        finally:
            for members in counted:
                mark[members] = False
        return found.chosen()

    def _runs(self, holders: np.ndarray) -> list[np.ndarray]:
        """`holders` in runs of at most RUN pairs (or one holder, however many it has)."""
        return runs_by_weight(holders, self._count[holders], RUN)

    def _add_groups(
        self, found: _Fold, reached: np.ndarray, full: Layers, strict: Layers, counted: list[np.ndarray]
    ) -> None:
        """Count each reached group whose exact members hold more pairs than it keeps."""
        nodes = reached[self._grouped[reached]]
        if not nodes.size:
            return
        fdist, sdist = full.dist, strict.dist
        start = self.index.ids[full.start]
        mark, sets = self._mark, self.index.sets
        for node in nodes[np.lexsort((nodes, fdist[nodes]))].tolist():
            members = self._members_of(node)
            step = 0 if sets[node] and node != start else 1
            far = int(fdist[node]) + step
            member_far = fdist[members]
            if (member_far < 0).any() or (member_far > far).any():
                continue  # (the search stopped at its hop limit before them)
            near = int(sdist[node]) + step if sdist[node] >= 0 else -1
            member_near = sdist[members]
            if near >= 0 and ((member_near < 0).any() or (member_near > near).any()):
                near = -1  # not every member is reached by unconditional edges this near
            exact = members[(member_far == far) & (member_near == near) & ~mark[members]]
            benefit = int(self._count[exact].sum())  # pairs the door need not gather one by one
            if not exact.size or benefit < 2 * self._group_min:
                continue
            group = self._group(members)
            if self._group_min and benefit <= group.cost:
                continue
            mark[exact] = True
            counted.append(exact)
            if near >= 0:
                found.add(group.sure, True, near + 1)
            found.add(group.any, False, far + 1)


CHUNK = 1 << 20
"""Pairs expanded at a time when listing every holder's: bounds the transient arrays."""


def _pairs_by_holder(grants: SensitiveGrants, size: int) -> tuple[_Pairs, np.ndarray]:
    """Every holder's pairs (`expanded`), by holder, kept as int32; and the pairs per node.
    Expanded a run of holders at a time into arrays sized once for them all: at 100,000
    functions they are 18 million (216 MB), and a run's transients stay near 50 MB."""
    by_holder = grants.by_holder
    width = np.ones(grants.holders.size, dtype=np.int64)  # pairs each row stands for, at most
    set_rows = np.flatnonzero(grants.is_set)
    width[set_rows] = [grants.members[s].size for s in grants.stores[set_rows].tolist()]
    upto = np.cumsum(np.bincount(grants.holders, weights=width, minlength=size))  # by holder id
    most = int(upto[-1]) if size else 0  # (some set members are dropped: `expanded`)
    kept = tuple(np.empty(most, dtype=np.int32) for _column in range(3))
    cuts = np.searchsorted(upto, np.arange(CHUNK, most, CHUNK), "right")
    counts = np.zeros(size, dtype=np.int64)
    filled = 0
    for start, stop in itertools.pairwise([0, *unique(cuts).tolist(), size]):
        chunk = by_holder.indices[by_holder.indptr[start] : by_holder.indptr[stop]]
        rows, stores, position = expanded(grants, chunk)
        holders = grants.holders[rows]
        order = np.argsort(holders, kind="stable")
        end = filled + order.size
        for into, column in zip(kept, (rows, stores, position), strict=True):
            into[filled:end] = column[order]
        filled = end
        counts += np.bincount(holders, minlength=size)
    return _Pairs(*(column[:filled] for column in kept)), counts


def _smallest_per_store(
    stores: np.ndarray, columns: list[tuple[np.ndarray, int]]
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each store (ascending) and the column values of its smallest entry, ordering entries by
    `columns` (most significant first, each value in [0, bound)). The columns are packed into one
    integer key when their bounds' product fits, and each store's smallest found in one pass
    (`minimum.at`; sorting a group's millions of pairs took seconds); else a lexsort."""
    total = 1
    for _values, bound in columns:
        total *= bound
    if not stores.size:
        return stores, [values for values, _bound in columns]
    if total >= 1 << 62:
        order = np.lexsort((*(values for values, _bound in reversed(columns)), stores))
        ordered = stores[order]
        first = order[np.r_[True, ordered[1:] != ordered[:-1]]]
        return stores[first], [values[first] for values, _bound in columns]
    bounds = [bound for _values, bound in columns]
    key = _packed(stores.size, [values for values, _bound in columns], bounds)
    smallest = np.full(int(stores.max()) + 1, EMPTY, dtype=np.int64)
    np.minimum.at(smallest, stores, key)
    found = np.flatnonzero(smallest != EMPTY)
    return found, _unpacked(smallest[found], bounds)


def _packed(size: int, values: Sequence[Any], bounds: Sequence[int]) -> np.ndarray:
    """Columns (most significant first, each value in [0, bound), arrays or scalars) as one
    mixed-radix int64 key per entry: keys order as the tuples of values do."""
    key = np.zeros(size, dtype=np.int64)
    for value, bound in zip(values, bounds, strict=True):
        key *= bound
        key += value
    return key


def _unpacked(key: np.ndarray, bounds: Sequence[int]) -> list[np.ndarray]:
    """The columns `_packed` made `key` of, most significant first."""
    columns = []
    for bound in reversed(bounds):
        columns.append(key % bound)
        key = key // bound
    return columns[::-1]
