"""Which functions may write a store, read once per store set, not once per store.

`config.no-point-in-time-recovery` names, per store lacking recovery, the functions whose
execution role may write it: how many (by name), and the first LISTED by name with how each
one's role may ("role R can write"). Asked store by store through `grants_onto`, every store set
a store is in was expanded for every store: every holder of the set, its grant copied with the
member's own policy (`member_grant`) only to read its access level. At 100,000 functions a
team-wide or wildcard write grant puts thousands of roles on sets of thousands of stores: the
rule took 11 s, against 0.1 s at 10,000 functions.

Here each set's writing roles are listed once, and each combination of sets a store is in made
into its functions once (stores of one block share it). The answer is the one `grants_onto`
gives, read in its order: a store's direct edges first (in graph order), then its sets (in graph
order) and each set's holders (in graph order), the first role to write naming a function (a
name can be run by roles in several accounts or regions). A role with a direct edge onto the
store answers by that edge alone, its sets skipped: the names it ran through them fall to the
next role of the combination running them, or out (a team role with both a wildcard and a named
grant: 972 of the 1,298 stores at 100,000 functions). `member_grant` changes only a grant's
evidence, never its access level or condition: the set edge's own data says what each member's
would.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from analyzers.reach.labels import WRITE_LEVELS
from analyzers.reach.store_sets import CONTAINS


@dataclass(frozen=True, slots=True)
class StoreWriters:
    """The functions that may write one store: how many (by name), and the first `limit` by
    name with how each one may ("role R can write (conditionally)")."""

    count: int
    listed: list[tuple[str, str]]


def writes(data: Mapping[str, Any]) -> bool:
    """Whether a `can` edge's access includes writing (or managing permissions)."""
    levels = data.get("levels") or ([data["access"]] if data.get("access") else [])
    return any(str(level).lower() in WRITE_LEVELS for level in levels)


def how_it_writes(role: str, data: Mapping[str, Any]) -> str:
    conditionally = " (conditionally)" if data.get("conditional") else ""
    return f"role {role.rsplit('/', 1)[-1]} can write{conditionally}"


@dataclass(frozen=True, slots=True)
class _Combined:
    """A combination of sets' writers: name -> how (its first role's), the names sorted, and
    each role's place in the order (its first set's, then its place in that set) and how it
    may write there."""

    how: dict[str, str]
    names: list[str]
    rank: dict[str, int]
    said: dict[str, str]


def store_writers(
    graph: nx.MultiDiGraph, stores: Collection[str], functions_of: Mapping[str, list[str]], limit: int
) -> dict[str, StoreWriters]:
    """store ARN -> the functions whose execution role may write it (through a store set or a
    direct `can` edge), for the given stores; stores no function may write are left out.
    `functions_of`: execution role ARN -> the names of the functions that run as it."""
    pred = graph._pred
    roles_of: dict[str, list[str]] = {}  # name -> the roles running a function of that name
    for role, names in functions_of.items():
        for name in dict.fromkeys(names):
            roles_of.setdefault(name, []).append(role)
    by_set: dict[str, list[tuple[str, str]]] = {}
    by_sets: dict[tuple[str, ...], _Combined] = {}
    out: dict[str, StoreWriters] = {}
    for store in stores:
        into = pred.get(store)
        if into is None:
            continue
        direct: dict[str, str] = {}  # name -> how, from the store's direct edges
        holders: list[str] = []
        sets: list[str] = []
        for holder, keyed in into.items():
            data = keyed.get("can")
            if data is not None:
                holders.append(holder)
                if writes(data):
                    for name in functions_of.get(holder, ()):
                        direct.setdefault(name, how_it_writes(holder, data))
            elif CONTAINS in keyed:
                sets.append(holder)
        combined = by_sets.get(tuple(sets))
        if combined is None:
            combined = by_sets[tuple(sets)] = _combine(graph, sets, functions_of, by_set)
        # a role's direct edge onto the store stands for its sets: the names it ran through them
        # fall to the next role running them, or out
        skipped = {role for role in holders if role in combined.rank}
        changed = _without(combined, skipped, functions_of, roles_of) if skipped else {}
        dropped = sum(1 for how in changed.values() if how is None)
        count = len(combined.how) - dropped
        count += sum(
            1 for name in direct if (changed[name] if name in changed else combined.how.get(name)) is None
        )
        if not count:
            continue
        kept: list[str] = []
        for name in combined.names[: limit + dropped]:
            if changed.get(name, "") is not None:
                kept.append(name)
        first = sorted({*direct, *kept[:limit]})[:limit]
        listed = [(name, direct.get(name) or changed.get(name) or combined.how[name]) for name in first]
        out[store] = StoreWriters(count, listed)
    return out


def _combine(
    graph: nx.MultiDiGraph,
    sets: list[str],
    functions_of: Mapping[str, list[str]],
    cache: dict[str, list[tuple[str, str]]],
) -> _Combined:
    how: dict[str, str] = {}
    rank: dict[str, int] = {}
    said: dict[str, str] = {}
    for node in sets:
        for role, says in _set_writers(graph, node, functions_of, cache):
            if role in rank:
                continue  # named its functions already, from an earlier set
            rank[role] = len(rank)
            said[role] = says
            for name in functions_of[role]:
                how.setdefault(name, says)
    return _Combined(how, sorted(how), rank, said)


def _without(
    combined: _Combined,
    skipped: set[str],
    functions_of: Mapping[str, list[str]],
    roles_of: Mapping[str, list[str]],
) -> dict[str, str | None]:
    """The names whose how changes when the skipped roles are left out of the combination:
    name -> the how of the first other role running it, or None when none does."""
    changed: dict[str, str | None] = {}
    rank = combined.rank
    for role in skipped:
        for name in functions_of[role]:
            if name in changed:
                continue
            others = [r for r in roles_of[name] if r in rank and r not in skipped]
            changed[name] = combined.said[min(others, key=rank.__getitem__)] if others else None
    return changed


def _set_writers(
    graph: nx.MultiDiGraph,
    node: str,
    functions_of: Mapping[str, list[str]],
    cache: dict[str, list[tuple[str, str]]],
) -> list[tuple[str, str]]:
    """(role, how) of each holder of the set that runs functions and may write, in graph order."""
    found = cache.get(node)
    if found is None:
        found = cache[node] = [
            (holder, how_it_writes(holder, data))
            for holder, keyed in graph._pred[node].items()
            if (data := keyed.get("can")) is not None and functions_of.get(holder) and writes(data)
        ]
    return found
