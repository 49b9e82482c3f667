"""`can` edges: which principal may act on which data store, KMS key or function, and how.

Work stays proportional to what principals may do, never principals x stores x actions:
- only principals that matter are considered: execution roles of functions, and whatever they
  can assume or escalate to (`can-assume` / `escalates-to` edges, transitively);
- per principal and target form (table, bucket, object, secret, ...), the effective-permission
  bitsets say which actions it may perform anywhere; those are split into classes of actions to
  which exactly the same statements apply (the engine cannot tell two such actions apart), so one
  evaluation answers a whole class;
- a class's identity Resource patterns pick the targets (literal ARNs by look-up, wildcards by a
  cached scan); stores whose resource policy names the principal are added, since a same-account
  resource policy grants on its own;
- each (principal, class, target) goes through the engine with the target's resource policy (a
  bucket, queue, topic, secret, table, function or key policy): an explicit Deny there removes
  access, cross-account access needs both sides, and a KMS key policy must allow, directly or by
  delegating to IAM. Decisions are cached by a resource signature (which Resource/NotResource
  patterns match, the account, the resource policy and, where conditions may read them, tags).

Role -> role (sts:AssumeRole) is the IAM analysis' `can-assume` edge and is not repeated here.

A grant that covers many stores alike (on `*`, or one wide pattern) becomes one edge to a
`store-set` node (store_sets.py says when that is provably exact); the stores it does not cover
alike keep their own edges.

A principal that may invoke more than FUNCTION_FANOUT functions (lambda:InvokeFunction on `*`)
gets one `can` edge per account and region to a `function-set` node instead of one per function:
the answer is evaluated on one representative function and the edge says so. Thousands of
identical edges per role would swamp the graph (1.3 million at 10,000 functions) and say nothing
a reviewer can act on beyond "this role may invoke every function".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from analyzers.iam.principal_policies import IamModel
from analyzers.reach.access_fast import (
    Entry,
    ResourceSide,
    Unsure,
    plain_decision,
    rcp_layers,
    request_context,
    resource_entries,
)
from analyzers.reach.access_fast import Layers as FastLayers
from analyzers.reach.access_targets import Target, TargetIndex, build_targets, form_masks, representatives
from analyzers.reach.access_workers import edges_of, in_workers
from analyzers.reach.store_sets import (
    CONTAINS,
    STORE_FANOUT,
    STORE_SET,
    Block,
    build_blocks,
    scoped_only_whole,
    set_attrs,
)
from estate.graph.derived import DerivedEdge, add_derived_edges, add_set_node
from estate.model import Estate
from policy.catalogue import iter_bits, load_catalogue
from policy.context import RequestContext
from policy.decision import Hinge, StatementRef
from policy.document import Statement
from policy.evaluate import evaluate
from policy.request import NamedPolicy, Request
from policy.resources import _fixed_verdict, statement_resource_verdict
from policy.truth import Tri

LEVELS = {
    "Permissions management": "permissions-management",
    "Write": "write",
    "Read": "read",
    "List": "list",
    "Tagging": "tagging",
}
ORDER = ("permissions-management", "write", "read", "list", "tagging")
MAX_ACTIONS = 12  # actions listed per level on an edge; `action_counts` has the totals
FOLLOW = frozenset({"can-assume", "escalates-to"})


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


def principals_to_check(graph: nx.MultiDiGraph, model: IamModel) -> list[str]:
    """Execution roles of functions, then every actor they can assume or escalate to (directly or
    through a role-set node)."""
    start = [arn for arn in model.functions_by_role if arn in model.actors]
    seen = set(start)
    queue = list(start)
    nodes = graph.nodes
    while queue:
        node = queue.pop()
        for _, target, data in graph.out_edges(node, data=True) if node in graph else ():
            if data.get("kind") not in FOLLOW or target in seen:
                continue
            if target in model.actors or nodes[target].get("kind") == "role-set":
                seen.add(target)
                queue.append(target)
    return sorted(n for n in seen if n in model.actors)


FUNCTION_FANOUT = 25


@dataclass(frozen=True, slots=True)
class _Relevant:
    statements: tuple[Statement, ...]
    signable: bool  # no policy variable in any Resource/NotResource
    everywhere: bool  # every statement's Resource is exactly "*"
    conditional: bool  # some statement has a Condition (then the target's tags matter)


def function_set_node(account: str, region: str) -> str:
    return f"functions:{account}:{region}"


Item = tuple[str, int, tuple[str, ...] | None]  # (form, class of actions, Resource patterns)
Work = dict[str, tuple[Target, list[Item]]]


def _wide(patterns: tuple[str, ...] | None) -> bool:
    return patterns is None or "*" in patterns


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


class AccessAnalysis:
    """Computes the `can` edges of an estate (see the module docstring)."""

    def __init__(
        self, estate: Estate, model: IamModel, classification: Mapping[str, str | None] | None = None
    ) -> None:
        self.model = model
        self.catalogue = load_catalogue()
        self.masks = form_masks(self.catalogue)
        self.targets = build_targets(estate)
        self.index = TargetIndex(self.targets)
        self.blocks = build_blocks(self.targets, classification or {})
        self.block_of = {arn: block for block in self.blocks for arn in block.arns}
        # what a grant on every target of a form must still evaluate one by one: the targets in
        # no block (and, per principal, the blocks it has no set edge into and the exceptions)
        self._unblocked = {
            form: [t for t in pool.values() if t.arn not in self.block_of]
            for form, pool in self.index.by_form.items()
        }
        self._blocks_of_form: dict[str, list[Block]] = defaultdict(list)
        for block in self.blocks:
            for form in block.forms:
                self._blocks_of_form[form].append(block)
        self._rank = {
            form: {arn: i for i, arn in enumerate(pool)} for form, pool in self.index.by_form.items()
        }
        self._member_arns: dict[tuple[int, str], frozenset[str]] = {}
        self._members: dict[tuple[int, str], tuple[Target, ...]] = {}
        self._wide_patterns: dict[tuple[str, str], list[Block]] = {}
        self._level_tables: dict[tuple[int, int], Levels] = {}  # by (certain, maybe) action bits
        self.set_nodes: dict[str, SetEdge] = {}  # every store-set node an edge leads to
        self._fast_layers: dict[str, FastLayers] = {}
        self._places: dict[tuple[str, str], list[str]] | None = None
        self._fast_rcps: dict[str, tuple[tuple[Entry, ...], ...]] = {}
        self._fast_policies: dict[int, ResourceSide] = {}  # by id: parsed policies live as long
        self.named = self._named_in_policies(self.targets)
        self._statements: dict[str, tuple[tuple[int, Statement], ...]] = {}
        self._classes: dict[tuple[str, int], list[int]] = {}
        self._refined: dict[tuple[int, str, int], list[int]] = {}
        self._decisions: dict[tuple[object, ...], AccessResult | None] = {}
        self._relevant_cache: dict[tuple[object, ...], _Relevant] = {}
        # (results, attrs): the results are held so the ids in the key stay theirs
        self._attrs: dict[tuple[object, ...], tuple[tuple[AccessResult, ...], dict[str, Any]]] = {}

    # -- where the engine needs to look -----------------------------------------------------
    def _named_in_policies(self, targets: Sequence[Target]) -> dict[str, list[tuple[Target, int]]]:
        """Principal ARN -> (target, bits of the actions its policy grants that principal)."""
        named: dict[str, list[tuple[Target, int]]] = defaultdict(list)
        for target in targets:
            if target.policy is None:
                continue
            for statement in target.policy.document.statements:
                if not statement.is_allow:
                    continue
                bits = self.catalogue.statement_bits(statement)
                for principal in statement.principals or ():
                    value = principal.value
                    if principal.kind == "AWS" and (":role/" in value or ":user/" in value):
                        named[value].append((target, bits))
        return named

    def _principal_statements(self, arn: str) -> tuple[tuple[int, Statement], ...]:
        cached = self._statements.get(arn)
        if cached is None:
            bound = self.model.boundary(arn)
            policies = (
                *self.model.identity_policies(arn),
                *((bound,) if bound is not None else ()),
                *self.model.scps_for(arn),
            )
            cached = tuple(
                (self.catalogue.statement_bits(s), s) for p in policies for s in p.document.statements
            )
            self._statements[arn] = cached
        return cached

    @staticmethod
    def _split(parts: list[int], statement_bits: Iterable[int]) -> list[int]:
        for bits in statement_bits:
            parts = [piece for part in parts for piece in (part & bits, part & ~bits) if piece]
        return parts

    def classes(self, arn: str, candidates: int) -> list[int]:
        """`candidates` split so that the same principal-side statements apply within a class."""
        key = (arn, candidates)
        if key not in self._classes:
            self._classes[key] = self._split([candidates], (b for b, _ in self._principal_statements(arn)))
        return self._classes[key]

    def _target_policies(self, target: Target) -> tuple[NamedPolicy, ...]:
        rcps = self.model.rcps.get(target.account, ())
        return (*rcps, *((target.policy,) if target.policy is not None else ()))

    def refine(self, bits: int, target: Target) -> list[int]:
        """A class split further by the RCPs and resource policy that bear on this target."""
        policies = self._target_policies(target)
        if not policies:
            return [bits]
        key = (bits, target.account, id(target.policy))
        if key not in self._refined:
            statement_bits = (
                self.catalogue.statement_bits(s) for p in policies for s in p.document.statements
            )
            self._refined[key] = self._split([bits], statement_bits)
        return self._refined[key]

    # -- one decision -----------------------------------------------------------------------
    def _relevant(self, arn: str, low: int, target: Target) -> _Relevant:
        """The statements that bear on one action of `arn` against the target's policies, found once
        per (principal, action, account, policy) instead of once per target."""
        key = (arn, low, target.account, id(target.policy))
        found = self._relevant_cache.get(key)
        if found is None:
            statements = [s for b, s in self._principal_statements(arn) if b & low]
            statements.extend(
                s
                for p in self._target_policies(target)
                for s in p.document.statements
                if self.catalogue.statement_bits(s) & low
            )
            patterns = [r for s in statements for r in (s.resources or s.not_resources or ())]
            found = _Relevant(
                statements=tuple(statements),
                signable=not any("${" in r for r in patterns),
                # every statement names every resource: the verdicts are the same for all targets
                everywhere=all(s.resources == ("*",) for s in statements),
                conditional=any(s.conditions for s in statements),
            )
            self._relevant_cache[key] = found
        return found

    def decide(self, arn: str, bits: int, resource: str, target: Target) -> AccessResult | None:
        low = bits & -bits
        action = self.catalogue.actions[low.bit_length() - 1].full_name
        relevant = self._relevant(arn, low, target)
        key: tuple[object, ...] | None = None
        if relevant.signable:
            verdicts: tuple[object, ...] = (
                ("*",)
                if relevant.everywhere
                else tuple(
                    statement_resource_verdict(s, resource, variables=False) for s in relevant.statements
                )
            )
            tags = tuple(sorted(target.tags.items())) if relevant.conditional else ()
            key = (arn, bits, target.account, id(target.policy), target.kind, verdicts, tags)
            if key in self._decisions:
                return self._decisions[key]
        result = self._evaluate(arn, bits, action, resource, target)
        if key is not None:
            self._decisions[key] = result
        return result

    def _evaluate(
        self, arn: str, bits: int, action: str, resource: str, target: Target
    ) -> AccessResult | None:
        if target.policy_note is None and target.kind != "key" and target.account:
            policy = self._resource_entries(target.policy) if target.policy is not None else None
            rcps = self._rcp_layers(target.account)
            layers = self._layers_of(arn)

            def context() -> RequestContext:
                given = {
                    **self.model.principal_context(arn),
                    **{f"aws:ResourceTag/{k}": v for k, v in target.tags.items()},
                }
                return request_context(layers.caller, target.account, given)

            plain = plain_decision(layers, rcps, bits & -bits, resource, target.account, policy, context)
            if plain is None or not isinstance(plain, Unsure):
                return None if plain is None else AccessResult(bits, False, plain, (), "identity-policy")
        return self._engine(arn, bits, action, resource, target)

    def _layers_of(self, arn: str) -> FastLayers:
        found = self._fast_layers.get(arn)
        if found is None:
            found = self._fast_layers[arn] = FastLayers.build(
                arn,
                self.model.identity_policies(arn),
                self.model.boundary(arn),
                self.model.scps_for(arn),
                self.catalogue.statement_bits,
            )
        return found

    def _resource_entries(self, policy: NamedPolicy) -> ResourceSide:
        found = self._fast_policies.get(id(policy))
        if found is None:
            found = self._fast_policies[id(policy)] = resource_entries(policy, self.catalogue.statement_bits)
        return found

    def _rcp_layers(self, account: str) -> tuple[tuple[Entry, ...], ...]:
        found = self._fast_rcps.get(account)
        if found is None:
            found = self._fast_rcps[account] = rcp_layers(
                self.model.rcps.get(account, ()), self.catalogue.statement_bits
            )
        return found

    def _engine(self, arn: str, bits: int, action: str, resource: str, target: Target) -> AccessResult | None:
        """The policy engine's decision (every case `plain_decision` is unsure of)."""
        context = {
            **self.model.principal_context(arn),
            **{f"aws:ResourceTag/{k}": v for k, v in target.tags.items()},
        }
        request = Request(
            principal_arn=arn,
            action=action,
            resource_arn=resource,
            resource_account=target.account or None,
            context=context,
        )
        key_policy_unknown = target.kind == "key" and target.policy is None
        decision = evaluate(
            request,
            identity_policies=self.model.identity_policies(arn),
            resource_policy=target.policy,
            boundary=self.model.boundary(arn),
            scps=self.model.scps_for(arn),
            rcps=self.model.rcps.get(target.account, ()),
            same_account=None if target.account else False,
            resource_policy_required=False if key_policy_unknown else None,
        )
        if decision.denied:
            return None
        allows = tuple(s for s in decision.allow_statements if s.effect == "Allow")
        unknown_side = target.policy_note is not None
        return AccessResult(
            bits, decision.conditional or unknown_side, allows, decision.conditions, decision.reason
        )

    # -- per principal ----------------------------------------------------------------------
    def items_for(self, arn: str) -> list[Item]:
        """Per form and class of actions the principal holds: the Resource patterns granting them."""
        allowed, conditional, scoped = self.model.effective(arn).bits()
        held = allowed | conditional | scoped
        items: list[Item] = []
        for form, mask in self.masks.items():
            candidates = held & mask
            if not candidates:
                continue
            for bits in self.classes(arn, candidates):
                low = bits & -bits
                patterns = self.model.resource_patterns(
                    arn, self.catalogue.actions[low.bit_length() - 1].full_name
                )
                items.append((form, bits, patterns))
        return items

    def work_for(self, arn: str, items: list[Item], sets: Sequence[SetEdge] = ()) -> Work:
        """Per target: the items to evaluate for this principal; targets a set edge answers
        (`sets`) and, when there are more than FUNCTION_FANOUT, the functions a grant on every
        function names (edges_for draws those as function sets) are left out. A grant on every
        target of a form visits only what the sets leave (never every store per principal: at
        100,000 functions, 1,500 wildcard roles x 30,000 stores)."""
        work: Work = {}
        many = len(self.index.by_form["function"]) > FUNCTION_FANOUT
        by_block: dict[int, SetEdge] = {id(edge.block): edge for edge in sets}  # one per block
        for form, bits, patterns in items:
            if form == "function" and many and _wide(patterns):
                continue  # every function: see edges_for
            if _wide(patterns):
                targets = self._left_by_sets(form, by_block)
            else:
                targets = [
                    t for t in self.index.matching(form, patterns) if not self._covered(t.arn, by_block)
                ]
            for target in targets:
                work.setdefault(target.arn, (target, []))[1].append((form, bits, patterns))
        for target, granted in self.named.get(arn, ()):  # a resource policy may grant on its own
            self._add_named(arn, target, granted, work.setdefault(target.arn, (target, []))[1])
        return work

    def _covered(self, arn: str, by_block: Mapping[int, SetEdge]) -> bool:
        block = self.block_of.get(arn)
        edge = by_block.get(id(block)) if block is not None else None
        return edge is not None and edge.covers(arn)

    def _left_by_sets(self, form: str, by_block: Mapping[int, SetEdge]) -> list[Target]:
        """Every target of `form` no set edge answers, in target order (as `matching` lists them)."""
        pool = self.index.by_form[form]
        left = list(self._unblocked[form])
        for block in self._blocks_of_form.get(form, ()):
            edge = by_block.get(id(block))
            if edge is None:
                left.extend(block.members)
            else:
                left.extend(pool[a] for a in edge.exceptions)
                if edge.pattern != "*":  # members the pattern does not name: not in the set
                    left.extend(t for t in block.members if t.arn not in edge.member_arns)
        rank = self._rank[form]
        left.sort(key=lambda t: rank[t.arn])
        return left

    def _add_named(self, arn: str, target: Target, granted: int, entry: list[Item]) -> None:
        """The classes a resource policy grants `arn` on its own, unless already listed."""
        for form in target.forms:
            candidates = granted & self.masks[form]
            for bits in self.classes(arn, candidates) if candidates else ():
                if not any(f == form and b == bits for f, b, _ in entry):
                    entry.append((form, bits, None))

    def items_naming(self, arn: str, target: Target, items: list[Item]) -> list[Item]:
        """What `work_for` would list for this one target."""
        entry = [i for i in items if i[0] in target.forms and self.index.names(i[0], i[2], target.arn)]
        for named, granted in self.named.get(arn, ()):
            if named.arn == target.arn:
                self._add_named(arn, target, granted, entry)
        return entry

    def edges_for(self, arn: str) -> Iterable[tuple[str, dict[str, Any]]]:
        items = self.items_for(arn)
        sets = self.set_edges(arn, items)
        work = self.work_for(arn, items, sets)
        functions = [t for t, (target, _items) in work.items() if target.kind == "function"]
        pool = self.index.by_form["function"]
        if len(pool) > FUNCTION_FANOUT and any(f == "function" and _wide(p) for f, _b, p in items):
            # a grant on every function names each: one summary per place, as below
            yield from self._every_function(arn, items, work)
        elif len(functions) > FUNCTION_FANOUT:
            yield from self._function_sets(arn, {t: work.pop(t) for t in functions})
        for edge in sets:
            if edge.attrs is not None:
                yield self._set_edge(edge)
        for target_arn, (target, target_items) in work.items():
            attrs = self._edge(arn, target, target_items)
            if attrs is not None:
                yield target_arn, attrs

    # -- store sets ---------------------------------------------------------------------------
    def set_edges(self, arn: str, items: list[Item]) -> list[SetEdge]:
        """The principal's summary edges into store sets (store_sets.py says when one is exact):
        only blocks a grant on `*`, or one wide pattern naming many of their stores, covers."""
        if not self.blocks:
            return []
        touched: dict[int, Block] = {}
        wide_forms = {form for form, _bits, patterns in items if _wide(patterns)}
        for block in self.blocks:
            if wide_forms.intersection(block.forms):
                touched[id(block)] = block
        for form, _bits, patterns in items:
            if _wide(patterns) or form == "function":
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
        if any(_wide(patterns) for _f, _b, patterns in items):
            pattern = "*"
            base = [i for i in items if _wide(i[2])]
        else:
            if scoped_only_whole(block):
                return None
            wide = {p for _f, _b, patterns in items for p in patterns or () if self._many(block, p)}
            if len(wide) != 1:
                return None  # none, or two overlapping summaries: keep the per-store edges
            pattern = wide.pop()
            base = [i for i in items if i[2] is not None and pattern in i[2]]
        members = block.members if pattern == "*" else self.members(block, pattern)
        rest = [i for i in items if i not in base]
        additive: set[str] = set()
        sample = members[0]
        # a shaped block's own policies read alike member by member (store_sets.policy_shape)
        own = {id(s) for s in sample.policy.document.statements} if sample.policy is not None else set()
        for _form, bits, _patterns in base:
            for part in self.refine(bits, sample):
                relevant = self._relevant(arn, part & -part, sample)
                if not relevant.signable or _reads_resource_tags(relevant.statements):
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
        attrs = self._edge(arn, sample, base)
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
            found = tuple(t for t in block.members if t.arn in named and _names(pattern, t.arn))
            self._members[key] = found
        return found

    def _set_edge(self, edge: SetEdge) -> tuple[str, dict[str, Any]]:
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

    def _edge(
        self, arn: str, target: Target, items: list[tuple[str, int, tuple[str, ...] | None]]
    ) -> dict[str, Any] | None:
        results: list[tuple[AccessResult, str | None]] = []
        for form, bits, patterns in items:
            places = representatives(form, target, patterns)
            for part in self.refine(bits, target):
                for resource, scope in places:
                    result = self.decide(arn, part, resource, target)
                    if result is not None:
                        results.append((result, scope))
        return self.edge_attrs(target, results) if results else None

    def _every_function(
        self, arn: str, items: list[Item], work: Work
    ) -> Iterable[tuple[str, dict[str, Any]]]:
        """Function-set edges for a grant on every function: each place's functions (sorted once
        for all principals), evaluated on the first with every grant that names it."""
        if self._places is None:
            groups: dict[tuple[str, str], list[str]] = defaultdict(list)
            for target in self.index.by_form["function"].values():
                groups[(target.account, target.region)].append(target.arn)
            self._places = {place: sorted(arns) for place, arns in sorted(groups.items())}
        pool = self.index.by_form["function"]
        for target_arn in [t for t, (target, _i) in work.items() if target.kind == "function"]:
            del work[target_arn]  # named by other grants too: the summary answers for them
        for (account, region), arns in self._places.items():
            sample = pool[arns[0]]
            listed = self.items_naming(arn, sample, items)
            yield from self._function_set(self._edge(arn, sample, listed), account, region, arns, sample)

    def _function_sets(self, arn: str, work: Work) -> Iterable[tuple[str, dict[str, Any]]]:
        """One summary edge per account/region, evaluated on its first function (by ARN)."""
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        for target_arn, (target, _items) in work.items():
            groups[(target.account, target.region)].append(target_arn)
        for (account, region), arns in sorted(groups.items()):
            arns.sort()
            sample, items = work[arns[0]]
            yield from self._function_set(self._edge(arn, sample, items), account, region, arns, sample)

    @staticmethod
    def _function_set(
        attrs: dict[str, Any] | None, account: str, region: str, arns: list[str], sample: Target
    ) -> Iterable[tuple[str, dict[str, Any]]]:
        if attrs is None:
            return
        summary = dict(attrs)
        summary["function_count"] = len(arns)
        summary["evidence"] = {
            **dict(attrs.get("evidence") or {}),
            "note": (
                f"may invoke {len(arns)} functions in {account}/{region}; evaluated on "
                f"{sample.name}, whose resource policy may differ from the others'"
            ),
            "sample_functions": [a.rsplit(":", 1)[-1] for a in arns[:10]],
        }
        yield function_set_node(account, region), summary

    def edge_attrs(self, target: Target, results: list[tuple[AccessResult, str | None]]) -> dict[str, Any]:
        key = (target.policy_note, tuple((id(r), scope) for r, scope in results))
        cached = self._attrs.get(key)
        if cached is None:
            kept = tuple(r for r, _scope in results)
            cached = self._attrs[key] = (kept, _attrs(self.catalogue, target, results, self._level_tables))
        return cached[1]

    def set_edge_for_drawing(self, block_index: int, pattern: str) -> SetEdge:
        """A store set another process reached, with what `_draw_set` needs (its members)."""
        block = self.blocks[block_index]
        members = block.members if pattern == "*" else self.members(block, pattern)
        return SetEdge(block, pattern, members, self.member_arns(block, pattern), frozenset(), None)

    def forget_principal(self) -> None:
        """Drop what only the last principal's questions could reuse (decisions, statements,
        classes and edge attributes are all keyed by, or made for, one principal): at 100,000
        functions they held gigabytes by the end."""
        for cache in (self._decisions, self._relevant_cache, self._attrs, self._classes, self._statements):
            cache.clear()
        self._fast_layers.clear()


Levels = tuple[dict[str, list[str]], frozenset[str], list[str]]


def _levels(catalogue: Any, certain: int, maybe: int, cache: dict[tuple[int, int], Levels]) -> Levels:
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


def _attrs(
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
    by_level, certain_levels, levels = _levels(catalogue, certain, maybe, level_cache)
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


_BATCH = 500  # principals whose edges go into the graph together


def add_access_edges(
    estate: Estate, graph: nx.MultiDiGraph, iam_model: IamModel, *, workers: int = 1
) -> None:
    """A `can` edge per (principal, target) or store set, through the graph's derived-edge API
    (the store and key nodes they lead to are the builder's; set nodes and their `contains`
    edges are added the first time an edge leads to one). `workers` > 1: chunks of principals
    are answered by forked processes (access_workers.py; the graph is the same)."""
    nodes = graph.nodes
    classification = {arn: nodes[arn].get("classification") for arn in estate.data_stores if arn in nodes}
    analysis = AccessAnalysis(estate, iam_model, classification)
    principals = principals_to_check(graph, iam_model)
    per_principal = (
        in_workers(analysis, principals, workers) if workers > 1 else edges_of(analysis, principals)
    )
    edges: list[DerivedEdge] = []
    drawn: set[str] = set()
    for count, (arn, found) in enumerate(per_principal, 1):
        if count % _BATCH == 0:  # into the graph, so the batch's attribute dicts can go
            add_derived_edges(graph, edges)
            edges.clear()
        for target, attrs in found:
            if target.startswith("functions:"):
                account, _, region = target.removeprefix("functions:").partition(":")
                label = f"every function in {account}/{region}"
                add_set_node(graph, target, "function-set", label=label, account=account, region=region)
            elif target in analysis.set_nodes and target not in drawn:
                drawn.add(target)
                edges.extend(_draw_set(graph, target, analysis.set_nodes[target]))
            edges.append((arn, target, "can", attrs))
    add_derived_edges(graph, edges)


def _draw_set(graph: nx.MultiDiGraph, node: str, edge: SetEdge) -> list[DerivedEdge]:
    """The set node and its `contains` edges, one per member (the same for every principal)."""
    add_set_node(graph, node, STORE_SET, **set_attrs(edge.block, edge.pattern, len(edge.members)))
    evidence = {"set": node, "pattern": edge.pattern}
    shaped = edge.block.shaped
    return [
        (node, t.arn, CONTAINS, _contains(evidence, t.policy.name if shaped and t.policy else None))
        for t in edge.members
    ]


def _contains(evidence: dict[str, Any], policy: str | None) -> dict[str, Any]:
    """A `contains` edge; in a shaped set it names the member's own resource policy, so an
    expanded grant can cite it (grants.member_grant)."""
    data: dict[str, Any] = {"kind": CONTAINS, "evidence": evidence}
    if policy is not None:
        data["resource_policy"] = policy
    return data


def _names(pattern: str, arn: str) -> bool:
    """Whether the Resource pattern names the ARN for certain (AWS's matching, no variables)."""
    return _fixed_verdict((pattern,), arn, False).truth is Tri.TRUE


def _reads_resource_tags(statements: Iterable[Statement]) -> bool:
    """A condition on the resource's tags: the answer may differ from store to store."""
    return any(c.key.casefold().startswith("aws:resourcetag") for s in statements for c in s.conditions)
