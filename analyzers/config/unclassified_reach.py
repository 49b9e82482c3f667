"""Which functions a store's `can` edges reach it from, counted once per store set, not per store.

`config.unclassified-store` names, per store, the functions whose execution role may act on it:
how many, and the first LISTED by name with the grant each one's role holds. Asking
`grants_onto` per store expands each store set the store is in: every holder of the set, for
every member. At 100,000 functions a team-wide or wildcard grant puts thousands of roles on sets
of thousands of stores, and the rule walked their product in Python (minutes).

Here each set's functions (by name) are gathered once, and each combination of sets a store is
in once (stores of one block share it); a store adds only its direct edges. Which functions are
named does not depend on the edge that reaches them: a role with a direct edge onto the store
answers by that edge (it wins over its sets, as in the expanded graph), and is counted either
way. Only the listed names need their grant, found as `grants_onto` would yield it: a name
shared by functions in several accounts or regions takes the first such function (in
`estate.functions` order) whose role reaches the store, and a role's grant is its direct edge,
else its edge into the last of the store's sets it holds.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from analyzers.reach.store_sets import CONTAINS
from analyzers.unique import union, unique
from estate.model import Estate


@dataclass(frozen=True, slots=True)
class StoreReach:
    """The functions that reach one store: how many (by name), and the first `limit` by name
    with how each one does ("role R can read")."""

    count: int
    listed: list[tuple[str, str]]


class _Functions:
    """The estate's functions by role and by name, names as their rank in sorted order."""

    def __init__(self, estate: Estate) -> None:
        names = sorted({fn.name for fn in estate.functions})
        self.names = names
        rank = {name: i for i, name in enumerate(names)}
        by_role: dict[str, list[int]] = {}
        self.by_name: dict[int, list[tuple[int, str]]] = {}  # name -> (function index, role), in order
        for index, fn in enumerate(estate.functions):
            by_role.setdefault(fn.role_arn, []).append(rank[fn.name])
            self.by_name.setdefault(rank[fn.name], []).append((index, fn.role_arn))
        self.of_role = {role: unique(np.array(r, dtype=np.int64)) for role, r in by_role.items()}
        self.role_names = {role: role.rsplit("/", 1)[-1] for role in by_role}

    def of_roles(self, roles: Collection[str]) -> np.ndarray:
        """Sorted name ranks of the functions the roles run."""
        found = [self.of_role[r] for r in roles if r in self.of_role]
        return unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)


def can_edges_reach(
    estate: Estate, graph: nx.MultiDiGraph, stores: Collection[str], limit: int
) -> dict[str, StoreReach]:
    """store ARN -> the functions whose execution role has a `can` edge onto it (through a
    store set or directly), for the given stores only; stores no function reaches are left out."""
    functions = _Functions(estate)
    pred = graph._pred
    by_set: dict[str, np.ndarray] = {}
    by_sets: dict[tuple[str, ...], np.ndarray] = {}
    hows: dict[tuple[str, Any, Any], str] = {}
    out: dict[str, StoreReach] = {}
    for store in stores:
        if store not in pred:
            continue
        direct: dict[str, Mapping[str, Any]] = {}
        sets: list[str] = []
        for holder, keyed in pred[store].items():
            data = keyed.get("can")
            if data is not None:
                direct[holder] = data
            elif CONTAINS in keyed:
                sets.append(holder)
        combined = by_sets.get(tuple(sets))
        if combined is None:
            parts = [_set_names(graph, functions, s, by_set) for s in sets]
            combined = by_sets[tuple(sets)] = _union(parts)
        own = functions.of_roles(direct)
        extra = own[~_contains(combined, own)]
        count = int(combined.size + extra.size)
        if not count:
            continue
        first = union(combined[:limit], extra)[:limit]
        listed = []
        for name in first.tolist():
            role, data = _grant(graph, functions.by_name[name], direct, sets)
            listed.append((functions.names[name], _how(functions, hows, role, data)))
        out[store] = StoreReach(count, listed)
    return out


def _set_names(
    graph: nx.MultiDiGraph, functions: _Functions, node: str, cache: dict[str, np.ndarray]
) -> np.ndarray:
    found = cache.get(node)
    if found is None:
        holders = [holder for holder, keyed in graph._pred[node].items() if "can" in keyed]
        found = cache[node] = functions.of_roles(holders)
    return found


def _union(parts: list[np.ndarray]) -> np.ndarray:
    if not parts:
        return np.empty(0, dtype=np.int64)
    return parts[0] if len(parts) == 1 else unique(np.concatenate(parts))


def _contains(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per value, whether the sorted array holds it."""
    if not sorted_values.size:
        return np.zeros(values.size, dtype=bool)
    at = np.minimum(np.searchsorted(sorted_values, values), sorted_values.size - 1)
    return np.asarray(sorted_values[at] == values)


def _grant(
    graph: nx.MultiDiGraph,
    candidates: list[tuple[int, str]],
    direct: Mapping[str, Mapping[str, Any]],
    sets: list[str],
) -> tuple[str, Mapping[str, Any]]:
    """The first function of this name whose role reaches the store: its role and grant (the
    direct edge, else the edge into the last of the store's sets the role holds)."""
    for _index, role in candidates:
        data = direct.get(role)
        if data is not None:
            return role, data
        for node in reversed(sets):
            data = graph._pred[node].get(role, {}).get("can")
            if data is not None:
                return role, data
    raise AssertionError("a listed name has a function whose role reaches the store")


def _how(
    functions: _Functions, cache: dict[tuple[str, Any, Any], str], role: str, data: Mapping[str, Any]
) -> str:
    level = data.get("access") or data.get("access_level") or data.get("level") or "access"
    key = (role, level, data.get("conditional"))
    how = cache.get(key)
    if how is None:
        how = f"role {functions.role_names[role]} can {level}" + (" (conditionally)" if key[2] else "")
        cache[key] = how
    return how
