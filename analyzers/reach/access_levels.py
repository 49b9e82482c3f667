"""What a `can` edge says: the access levels of the actions a principal may perform on a target,
the statements and conditions behind them (the attributes `access_edges` draws)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from analyzers.reach.access_targets import Target
from estate.graph.derived import SharedAttributes
from policy.catalogue import iter_bits
from policy.decision import Hinge, StatementRef

LEVELS = {
    "Permissions management": "permissions-management",
    "Write": "write",
    "Read": "read",
    "List": "list",
    "Tagging": "tagging",
}
ORDER = ("permissions-management", "write", "read", "list", "tagging")
MAX_ACTIONS = 12  # actions listed per level on an edge; `action_counts` has the totals


@dataclass(frozen=True, slots=True)
class AccessResult:
    """One class of actions the principal may perform on one resource, and why."""

    bits: int
    conditional: bool
    statements: tuple[StatementRef, ...]
    conditions: tuple[Hinge, ...]
    reason: str


def strongest(levels: Iterable[str]) -> str | None:
    present = set(levels)
    return next((level for level in ORDER if level in present), None)


Levels = tuple[dict[str, list[str]], frozenset[str], list[str]]


def levels_of(catalogue: Any, certain: int, maybe: int, cache: dict[tuple[int, int], Levels]) -> Levels:
    """Actions by access level, the levels held for certain, and the levels in ORDER; the same
    few action sets recur across thousands of edges (cached by the analysis that asks)."""
    key = (certain, maybe)
    found = cache.get(key)
    if found is None:
        by_level: dict[str, list[str]] = defaultdict(list)
        certain_levels: set[str] = set()
        for index in iter_bits(certain | maybe):
            info = catalogue.actions[index]
            level = LEVELS.get(info.access_level, info.access_level.lower())
            by_level[level].append(info.full_name)
            if certain >> index & 1:
                certain_levels.add(level)
        levels = [lvl for lvl in ORDER if lvl in by_level] + sorted(set(by_level) - set(ORDER))
        found = cache[key] = (dict(by_level), frozenset(certain_levels), levels)
    return found


@dataclass(frozen=True, slots=True)
class _LevelParts:
    """What an edge says of one (certain, maybe) pair of action sets, made once for every edge
    that holds the same actions (read-only: edges share them)."""

    levels: list[str]
    certain_access: str | None
    actions: dict[str, list[str]]
    action_counts: dict[str, int]


AttrsKey = tuple[object, ...]
"""Everything an edge's attributes are made of (`EdgeAttributes.of`): equal keys, equal attributes."""


class EdgeAttributes:
    """The attributes of `can` edges, one read-only dict per distinct content for every principal
    (at 10,000 functions 66,000 edges say 18,500 distinct things; at 100,000 the nested lists and
    dicts of 1.2 million edges held 1.3 GB as copies, and the top-level dicts 0.57 GB more). The
    graph holds them as they are (`SharedAttributes`), and nothing writes to them or to their
    nested values (analyses build a new dict to change one: `_function_set`, the store sets,
    `grants.member_grant`)."""

    def __init__(self, catalogue: Any) -> None:
        self._catalogue = catalogue
        self._tables: dict[tuple[int, int], Levels] = {}  # by (certain, maybe) action bits
        self._parts: dict[tuple[int, int], _LevelParts] = {}
        self._made: dict[AttrsKey, dict[str, Any]] = {}

    def levels(self, certain: int, maybe: int) -> Levels:
        return levels_of(self._catalogue, certain, maybe, self._tables)

    def _level_parts(self, certain: int, maybe: int) -> _LevelParts:
        found = self._parts.get((certain, maybe))
        if found is None:
            by_level, certain_levels, levels = self.levels(certain, maybe)
            found = self._parts[certain, maybe] = _LevelParts(
                list(levels),
                strongest(certain_levels),
                {lvl: sorted(by_level[lvl])[:MAX_ACTIONS] for lvl in levels},
                {lvl: len(by_level[lvl]) for lvl in levels},
            )
        return found

    def of(self, target: Target, results: list[tuple[AccessResult, str | None]]) -> dict[str, Any]:
        """The attributes of an edge to `target` granted by `results` (result, scope)."""
        certain = 0
        maybe = 0
        for result, _ in results:
            if result.conditional:
                maybe |= result.bits
            else:
                certain |= result.bits
        maybe &= ~certain
        statements = tuple(dict.fromkeys(ref for result, _ in results for ref in result.statements))
        hinges = tuple(
            dict.fromkeys(h for result, _ in results if result.conditional for h in result.conditions)
        )
        scopes = tuple(sorted({scope for _, scope in results if scope}))
        whole = any(scope is None for _, scope in results)
        routes = tuple(sorted({result.reason for result, _ in results}))
        policy = target.policy.name if target.policy is not None else None
        key = (certain, maybe, statements, hinges, routes, scopes, whole, policy, target.policy_note)
        found = self._made.get(key)
        if found is None:
            parts = self._level_parts(certain, maybe)
            found = self._made[key] = _attributes(
                parts, certain, statements, hinges, routes, scopes, whole, target
            )
        return found


def _attributes(
    parts: _LevelParts,
    certain: int,
    statements: tuple[StatementRef, ...],
    hinges: tuple[Hinge, ...],
    routes: tuple[str, ...],
    scopes: tuple[str, ...],
    whole: bool,
    target: Target,
) -> dict[str, Any]:
    evidence: dict[str, Any] = {
        "statements": [ref.to_json() for ref in statements],
        "conditions": [h.to_json() for h in hinges],
        "routes": list(routes),
    }
    if scopes:
        evidence["scopes"] = list(scopes)
        evidence["whole resource"] = whole
    if target.policy is not None:
        evidence["resource_policy"] = target.policy.name
    if target.policy_note:
        evidence["note"] = target.policy_note
    return SharedAttributes(
        {
            "kind": "can",
            "access": parts.levels[0],
            "levels": parts.levels,
            "certain_access": parts.certain_access,
            "conditional": not certain,
            "actions": parts.actions,
            "action_counts": parts.action_counts,
            "statement_ids": [
                f"{ref.policy}#{ref.sid if ref.sid is not None else ref.index}" for ref in statements
            ],
            "condition_keys": list(dict.fromkeys(h.key for h in hinges)),
            "prefixes": list(scopes) if not whole else [],
            "evidence": evidence,
        }
    )
