"""One evaluation for the stores a set edge excepts alike.

An administrator-like role's grant on `*` is one edge into each block's store set, but the stores
another of its grants also names (its team's `table/cards-table-*`) are exceptions with direct
edges of their own (access_store_sets.py), because those edges cite both statements. At 100,000
functions that was 860 roles x ~660 stores, 11 s of the access stage, each store evaluated as if
it could differ. Within one block they cannot, when every statement bearing on the actions is
on `*` or certainly names the store by a wildcard pattern (the same test `_plan` applies to a set)
or names other stores by literal ARNs only (the role's own table: not this store), no condition
is involved, and the stores have no policy of their own: the engine then sees the same verdicts,
so `decide` would return the same cached answer and `edge_attrs` the same dict.
That test is made once per (block, grants naming the store) and, per store, is a look-up in the
members each pattern certainly names (shared by every principal). A store that fails it, or a
group that cannot be proven, is evaluated as before.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from analyzers.reach.access_store_sets import Evaluator, Item, SetEdge
from analyzers.reach.access_targets import Target
from analyzers.reach.store_sets import Block, scoped_only_whole
from policy.resources import literal_arn_key

Among = tuple[frozenset[str], ...]  # the store must be among one of these member sets (TRUE)
Apart = frozenset[tuple[str, str]]  # the store must be none of these literal ARNs (FALSE)


@dataclass(frozen=True, slots=True)
class _Group:
    """What a store needs to be answered as the group is (every statement's verdict the same),
    and the group's answer once made."""

    among: tuple[Among, ...]
    apart: Apart
    made: list[dict[str, Any] | None] = field(default_factory=list)

    def holds_for(self, arn: str) -> bool:
        if self.apart:
            key = literal_arn_key(arn)
            if key is None or key in self.apart:
                return False
        return all(any(arn in members for members in sets) for sets in self.among)


MIN_EXCEPTED = 10
"""Excepted stores (of all a principal's set edges) below which a proof per group would cost
more than it saves: a team role's own table is one exception, an administrator's team hundreds."""


class ExceptedAlike:
    """Per principal (`forget` between principals): the direct edges of excepted stores, answered
    once per group of stores a proof shows alike."""

    def __init__(
        self,
        evaluator: Evaluator,
        block_of: Mapping[str, Block],
        member_arns: Callable[[Block, str], frozenset[str]],
    ) -> None:
        self._evaluator = weakref.proxy(evaluator)  # weakly: the analysis holds this (no cycle)
        self._block_of = block_of
        self._member_arns = member_arns
        # (principal, block id, items) -> the group, or None: not provably alike
        self._groups: dict[tuple[str, int, tuple[Item, ...]], _Group | None] = {}

    def forget(self) -> None:
        self._groups.clear()

    @staticmethod
    def worth_grouping(sets: Iterable[SetEdge]) -> frozenset[str]:
        """The stores the principal's set edges except, if enough to be worth `edge` (else none)."""
        excepted: frozenset[str] = frozenset().union(*(edge.exceptions for edge in sets))
        return excepted if len(excepted) > MIN_EXCEPTED else frozenset()

    def edge(self, arn: str, target: Target, items: list[Item]) -> dict[str, Any] | None:
        """What `evaluator.edge(arn, target, items)` returns, made once per group proven alike."""
        block = self._block_of.get(target.arn)
        if block is None or target.policy is not None or target.policy_note is not None:
            return self._evaluator.edge(arn, target, items)
        key = (arn, id(block), tuple(items))  # the principal too: safe even without `forget`
        if key not in self._groups:
            self._groups[key] = self._prove(arn, block, target, items)
        group = self._groups[key]
        if group is None or not group.holds_for(target.arn):
            return self._evaluator.edge(arn, target, items)
        if not group.made:
            group.made.append(self._evaluator.edge(arn, target, items))
        return group.made[0]

    def _prove(self, arn: str, block: Block, sample: Target, items: list[Item]) -> _Group | None:
        """What each statement needs of a store for its verdict to be the same as for every other
        store meeting it (TRUE: among the members a wildcard certainly names; FALSE: none of
        its literal ARNs), or None when stores of this block may be answered differently."""
        if scoped_only_whole(block) or len(sample.forms) != 1:
            return None  # object / db-user forms evaluate per-store representatives
        among: list[Among] = []
        apart: set[tuple[str, str]] = set()
        for _form, bits, _patterns in items:
            for part in self._evaluator.refine(bits, sample):
                relevant = self._evaluator.relevant(arn, part & -part, sample)
                if not relevant.signable or relevant.conditional:  # (a resource-tag condition too)
                    return None
                for statement in relevant.statements:
                    resources = statement.resources
                    if statement.not_resources is not None or resources is None:
                        return None
                    if "*" in resources:
                        continue
                    wild = [p for p in resources if "*" in p or "?" in p]
                    if wild:
                        among.append(tuple(self._member_arns(block, p) for p in wild))
                        continue
                    for literal in resources:
                        named = literal_arn_key(literal)
                        if named is None:
                            return None
                        apart.add(named)
        return _Group(tuple(dict.fromkeys(among)), frozenset(apart))
