"""Store-set summary edges: a principal's grant that covers many stores alike (on `*`, or one
wide pattern naming more than STORE_FANOUT stores of a block) becomes one `can` edge to the
block's `store-set` node instead of one per store (store_sets.py says when that is provably
exact). The stores it does not cover alike (exceptions: other grants name them, a resource
policy names the principal) keep their own edges; `work_for` in access_edges visits only those.

The planner asks the access analysis (`Evaluator`) for the engine's answers on one sample member,
so a set edge carries exactly what a direct edge to that member would.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import networkx as nx

from analyzers.reach.access_targets import Target, TargetIndex
from analyzers.reach.store_sets import CONTAINS, STORE_FANOUT, STORE_SET, Block, scoped_only_whole, set_attrs
from estate.graph.derived import DerivedEdge, add_set_node
from policy.document import Statement
from policy.resources import _fixed_verdict
from policy.truth import Tri

Item = tuple[str, int, tuple[str, ...] | None]  # (form, class of actions, Resource patterns)


def wide(patterns: tuple[str, ...] | None) -> bool:
    """A grant on every target of its form (no Resource patterns listed, or `*` among them)."""
    return patterns is None or "*" in patterns


class RelevantStatements(Protocol):
    @property
    def statements(self) -> tuple[Statement, ...]: ...
    @property
    def signable(self) -> bool: ...
    @property
    def conditional(self) -> bool: ...


class Evaluator(Protocol):
    """What the planner (and excepted_alike.py) need from the access analysis: the engine's
    answers."""

    def refine(self, bits: int, target: Target) -> list[int]: ...
    def relevant(self, arn: str, low: int, target: Target) -> RelevantStatements: ...
    def edge(self, arn: str, target: Target, items: list[Item]) -> dict[str, Any] | None: ...


@dataclass(frozen=True, slots=True)
class SetEdge:
    """One principal's summary edge into a store set, and the members it stands for."""

    block: Block
    pattern: str
    members: tuple[Target, ...]  # every store the set contains
    member_arns: frozenset[str]  # their ARNs (shared by every edge into the set)
    exceptions: frozenset[str]  # members with direct edges instead (few: never a copy of all)
    attrs: dict[str, Any] | None  # None: the covered members are not accessible at all

    @property
    def covered_count(self) -> int:
        return len(self.members) - len(self.exceptions)

    def covers(self, arn: str) -> bool:
        """Whether this edge answers for the store (a member without a direct edge)."""
        return arn in self.member_arns and arn not in self.exceptions


class StoreSetPlanner:
    """Plans one principal at a time's set edges; the members a pattern names are found once for
    every principal."""

    def __init__(
        self,
        evaluator: Evaluator,
        index: TargetIndex,
        blocks: Sequence[Block],
        named: Mapping[str, list[tuple[Target, int]]],
    ) -> None:
        # weakly: the analysis holds this planner, and a cycle between them would keep every
        # target and parsed policy alive past the access stage (cyclic garbage the paused
        # collector never frees: ~190,000 objects at 10,000 functions)
        self._evaluator = weakref.proxy(evaluator)
        self.index = index
        self.blocks = blocks
        self.named = named
        self._member_arns: dict[tuple[int, str], frozenset[str]] = {}
        self._members: dict[tuple[int, str], tuple[Target, ...]] = {}
        self._wide_patterns: dict[tuple[str, str], list[Block]] = {}
        self.block_of = {arn: block for block in blocks for arn in block.arns}
        self.set_nodes: dict[str, SetEdge] = {}  # every store-set node an edge leads to

    def edges(self, arn: str, items: list[Item]) -> list[SetEdge]:
        """The principal's summary edges into store sets (store_sets.py says when one is exact):
        only blocks a grant on `*`, or one wide pattern naming many of their stores, covers."""
        if not self.blocks:
            return []
        touched: dict[int, Block] = {}
        wide_forms = {form for form, _bits, patterns in items if wide(patterns)}
        for block in self.blocks:
            if wide_forms.intersection(block.forms):
                touched[id(block)] = block
        for form, _bits, patterns in items:
            if wide(patterns) or form == "function":
                continue
            for pattern in patterns or ():
                for block in self._blocks_named(form, pattern):
                    touched[id(block)] = block
        out = []
        for block in touched.values():
            edge = self._plan(arn, block, [i for i in items if i[0] in block.forms])
            if edge is not None:
                out.append(edge)
        return out

    def _blocks_named(self, form: str, pattern: str) -> list[Block]:
        """Blocks of which the pattern names more than STORE_FANOUT stores (a literal ARN: none)."""
        key = (form, pattern)
        found = self._wide_patterns.get(key)
        if found is None:
            found = []
            if "*" in pattern or "?" in pattern:
                hit = {
                    id(b): b for t in self.index.matching(form, (pattern,)) if (b := self.block_of.get(t.arn))
                }
                found = [b for b in hit.values() if not scoped_only_whole(b) and self._many(b, pattern)]
            self._wide_patterns[key] = found
        return found

    def _plan(self, arn: str, block: Block, items: list[Item]) -> SetEdge | None:
        if any(wide(patterns) for _f, _b, patterns in items):
            pattern = "*"
            base = [i for i in items if wide(i[2])]
        else:
            if scoped_only_whole(block):
                return None
            # (a pattern without a wildcard names one store at most: never many, no look-up)
            broad = {
                p
                for _f, _b, patterns in items
                for p in patterns or ()
                if ("*" in p or "?" in p) and self._many(block, p)
            }
            if len(broad) != 1:
                return None  # none, or two overlapping summaries: keep the per-store edges
            pattern = broad.pop()
            base = [i for i in items if i[2] is not None and pattern in i[2]]
        members = block.members if pattern == "*" else self.members(block, pattern)
        rest = [i for i in items if i not in base]
        additive: set[str] = set()
        sample = members[0]
        # a shaped block's own policies read alike member by member (store_sets.policy_shape)
        own = {id(s) for s in sample.policy.document.statements} if sample.policy is not None else set()
        for _form, bits, _patterns in base:
            for part in self._evaluator.refine(bits, sample):
                relevant = self._evaluator.relevant(arn, part & -part, sample)
                if not relevant.signable or reads_resource_tags(relevant.statements):
                    return None
                for statement in relevant.statements:
                    if id(statement) in own:
                        continue
                    resources = statement.resources
                    if statement.not_resources is not None or resources is None:
                        return None
                    if resources == ("*",) or pattern in resources:
                        continue
                    if not statement.is_allow:
                        return None  # a Deny naming some members: they would differ
                    additive.update(resources)
        exceptions = {t.arn for form in block.forms for t in self.index.matching(form, tuple(additive))}
        exceptions.update(
            t.arn for form, _bits, patterns in rest for t in self.index.matching(form, patterns)
        )
        if block.shaped:  # a policy naming this principal grants on its own: a direct edge
            exceptions.update(t.arn for t, _granted in self.named.get(arn, ()))
        member_arns = self.member_arns(block, pattern)
        kept_out = frozenset(a for a in exceptions if a in member_arns)
        if len(members) - len(kept_out) <= STORE_FANOUT:
            return None
        sample = next(t for t in members if t.arn not in kept_out)
        attrs = self._evaluator.edge(arn, sample, base)
        return SetEdge(block, pattern, members, member_arns, kept_out, attrs and dict(attrs))

    def member_arns(self, block: Block, pattern: str) -> frozenset[str]:
        if pattern == "*":
            return block.arns
        key = (id(block), pattern)
        found = self._member_arns.get(key)
        if found is None:
            found = self._member_arns[key] = frozenset(t.arn for t in self.members(block, pattern))
        return found

    def _many(self, block: Block, pattern: str) -> bool:
        return len(self.members(block, pattern)) > STORE_FANOUT

    def members(self, block: Block, pattern: str) -> tuple[Target, ...]:
        """The block's stores the pattern names (as AWS matches it, not just the loose index)."""
        key = (id(block), pattern)
        found = self._members.get(key)
        if found is None:
            named = {t.arn for t in self.index.matching(block.forms[0], (pattern,))}
            found = tuple(t for t in block.members if t.arn in named and names(pattern, t.arn))
            self._members[key] = found
        return found

    def summary_edge(self, edge: SetEdge) -> tuple[str, dict[str, Any]]:
        """The principal's edge into the set, its node remembered for drawing (`set_nodes`)."""
        node = edge.block.node(edge.pattern)
        self.set_nodes.setdefault(node, edge)
        attrs = dict(edge.attrs or {})
        sample = next(t for t in edge.members if t.arn not in edge.exceptions)
        others = len(edge.exceptions)
        alike = (
            " (each store's own resource policy is the same but for its ARN; this edge cites "
            f"{sample.name}'s)"
            if edge.block.shaped
            else ""
        )
        note = (
            f"may act alike on {edge.covered_count} of the {len(edge.members)} stores in the set; "
            f"evaluated on {sample.name}{alike}"
            + (f"; {others} others have edges of their own (other grants name them)" if others else "")
        )
        attrs["member_count"] = edge.covered_count
        attrs["evidence"] = {**dict(attrs.get("evidence") or {}), "note": note, "set": node}
        return node, attrs

    def for_drawing(self, block_index: int, pattern: str) -> SetEdge:
        """A store set another process reached, with what `draw_set` needs (its members)."""
        block = self.blocks[block_index]
        members = block.members if pattern == "*" else self.members(block, pattern)
        return SetEdge(block, pattern, members, self.member_arns(block, pattern), frozenset(), None)


def draw_set(graph: nx.MultiDiGraph, node: str, edge: SetEdge) -> list[DerivedEdge]:
    """The set node and its `contains` edges, one per member (the same for every principal)."""
    add_set_node(graph, node, STORE_SET, **set_attrs(edge.block, edge.pattern, len(edge.members)))
    evidence = {"set": node, "pattern": edge.pattern}
    shaped = edge.block.shaped
    return [
        (node, t.arn, CONTAINS, contains_edge(evidence, t.policy.name if shaped and t.policy else None))
        for t in edge.members
    ]


def contains_edge(evidence: dict[str, Any], policy: str | None) -> dict[str, Any]:
    """A `contains` edge; in a shaped set it names the member's own resource policy, so an
    expanded grant can cite it (grants.member_grant)."""
    data: dict[str, Any] = {"kind": CONTAINS, "evidence": evidence}
    if policy is not None:
        data["resource_policy"] = policy
    return data


def names(pattern: str, arn: str) -> bool:
    """Whether the Resource pattern names the ARN for certain (AWS's matching, no variables)."""
    return _fixed_verdict((pattern,), arn, False).truth is Tri.TRUE


def reads_resource_tags(statements: Iterable[Statement]) -> bool:
    """A condition on the resource's tags: the answer may differ from store to store."""
    return any(c.key.casefold().startswith("aws:resourcetag") for s in statements for c in s.conditions)
