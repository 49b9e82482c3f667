"""What a `can` edge says: the access levels of the actions a principal may perform on a target,
the statements and conditions behind them (the attributes `access_edges` draws)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from analyzers.reach.access_targets import Target
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


def edge_attributes(
    catalogue: Any,
    target: Target,
    results: list[tuple[AccessResult, str | None]],
    level_cache: dict[tuple[int, int], Levels],
) -> dict[str, Any]:
    certain = 0
    maybe = 0
    for result, _ in results:
        if result.conditional:
            maybe |= result.bits
        else:
            certain |= result.bits
    maybe &= ~certain
    by_level, certain_levels, levels = levels_of(catalogue, certain, maybe, level_cache)
    statements = list(dict.fromkeys(ref for result, _ in results for ref in result.statements))
    hinges = list(dict.fromkeys(h for result, _ in results if result.conditional for h in result.conditions))
    scopes = sorted({scope for _, scope in results if scope})
    whole = any(scope is None for _, scope in results)
    evidence: dict[str, Any] = {
        "statements": [ref.to_json() for ref in statements],
        "conditions": [h.to_json() for h in hinges],
        "routes": sorted({result.reason for result, _ in results}),
    }
    if scopes:
        evidence["scopes"] = scopes
        evidence["whole resource"] = whole
    if target.policy is not None:
        evidence["resource_policy"] = target.policy.name
    if target.policy_note:
        evidence["note"] = target.policy_note
    return {
        "kind": "can",
        "access": levels[0],
        "levels": list(levels),
        "certain_access": strongest(certain_levels),
        "conditional": not certain,
        "actions": {lvl: sorted(by_level[lvl])[:MAX_ACTIONS] for lvl in levels},
        "action_counts": {lvl: len(by_level[lvl]) for lvl in levels},
        "statement_ids": [
            f"{ref.policy}#{ref.sid if ref.sid is not None else ref.index}" for ref in statements
        ],
        "condition_keys": list(dict.fromkeys(h.key for h in hinges)),
        "prefixes": scopes if not whole else [],
        "evidence": evidence,
    }
