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
`store-set` node (store_sets.py says when that is provably exact; access_store_sets.py plans the
edges); the stores it does not cover alike keep their own edges. What an edge says (levels,
statements, conditions) is access_levels.py's.

A principal that may invoke more than FUNCTION_FANOUT functions (lambda:InvokeFunction on `*`)
gets one `can` edge per account and region to a `function-set` node instead of one per function:
the answer is evaluated on one representative function and the edge says so. Thousands of
identical edges per role would swamp the graph (1.3 million at 10,000 functions) and say nothing
a reviewer can act on beyond "this role may invoke every function".
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

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
from analyzers.reach.access_levels import AccessResult, EdgeAttributes
from analyzers.reach.access_store_sets import Item, SetEdge, StoreSetPlanner, draw_set, wide
from analyzers.reach.access_targets import Target, TargetIndex, build_targets, form_masks, representatives
from analyzers.reach.access_workers import Begun
from analyzers.reach.excepted_alike import ExceptedAlike
from analyzers.reach.store_sets import Block, build_blocks
from estate.graph.derived import DerivedEdge, add_derived_edges, add_set_node
from estate.model import Estate
from estate.model.invoke_grants import ResourcePolicies
from policy.catalogue import load_catalogue
from policy.context import RequestContext
from policy.document import Statement
from policy.evaluate import evaluate
from policy.request import NamedPolicy, Request
from policy.resources import statement_resource_verdict

FOLLOW = frozenset({"can-assume", "escalates-to"})


def principals_to_check(graph: nx.MultiDiGraph, model: IamModel) -> list[str]:
    """Execution roles of functions, then every actor they can assume or escalate to (directly or
    through a role-set node)."""
    start = _execution_roles(model)
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


Work = dict[str, tuple[Target, list[Item]]]


class AccessAnalysis:
    """Computes the `can` edges of an estate (see the module docstring)."""

    def __init__(
        self,
        estate: Estate,
        model: IamModel,
        classification: Mapping[str, str | None] | None = None,
        documents: ResourcePolicies | None = None,
    ) -> None:
        self.model = model
        self.catalogue = load_catalogue()
        self.masks = form_masks(self.catalogue)
        self.targets = build_targets(estate, documents)
        self.index = TargetIndex(self.targets)
        self.blocks = build_blocks(self.targets, classification or {})
        self.named = self._named_in_policies(self.targets)
        self.sets = StoreSetPlanner(self, self.index, self.blocks, self.named)
        self.block_of = self.sets.block_of
        self.set_nodes = self.sets.set_nodes  # every store-set node an edge leads to
        self._alike = ExceptedAlike(self, self.block_of, self.sets.member_arns)
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
        self._edge_attrs = EdgeAttributes(self.catalogue)  # shared by every principal's edges
        self._fast_layers: dict[str, FastLayers] = {}
        self._places: dict[tuple[str, str], list[str]] | None = None
        self._fast_rcps: dict[str, tuple[tuple[Entry, ...], ...]] = {}
        self._fast_policies: dict[int, ResourceSide] = {}  # by id: parsed policies live as long
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
        union = 0
        for part in parts:
            union |= part
        for bits in statement_bits:
            if not bits & union or union & ~bits == 0:
                continue  # on none of the actions, or on all of them: it splits no part
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
    def relevant(self, arn: str, low: int, target: Target) -> _Relevant:
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
        relevant = self.relevant(arn, low, target)
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
        key = target.kind == "key"  # its policy must allow too (engine: resource_policy_required)
        if target.policy_note is None and (not key or target.policy is not None) and target.account:
            policy = self._resource_entries(target.policy) if target.policy is not None else None
            rcps = self._rcp_layers(target.account)
            layers = self._layers_of(arn)

            def context() -> RequestContext:
                given = {
                    **self.model.principal_context(arn),
                    **{f"aws:ResourceTag/{k}": v for k, v in target.tags.items()},
                }
                return request_context(layers.caller, target.account, given)

            plain = plain_decision(
                layers, rcps, bits & -bits, resource, target.account, policy, context, required=key
            )
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
            if form == "function" and many and wide(patterns):
                continue  # every function: see edges_for
            if wide(patterns):
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
        sets = self.sets.edges(arn, items)
        work = self.work_for(arn, items, sets)
        functions = [t for t, (target, _items) in work.items() if target.kind == "function"]
        pool = self.index.by_form["function"]
        if len(pool) > FUNCTION_FANOUT and any(f == "function" and wide(p) for f, _b, p in items):
            # a grant on every function names each: one summary per place, as below
            yield from self._every_function(arn, items, work)
        elif len(functions) > FUNCTION_FANOUT:
            yield from self._function_sets(arn, {t: work.pop(t) for t in functions})
        for edge in sets:
            if edge.attrs is not None:
                yield self.sets.summary_edge(edge)
        excepted = self._alike.worth_grouping(sets)
        for target_arn, (target, target_items) in work.items():
            # stores a set excepts because another grant names them too: answered per group alike
            evaluator = self._alike if target_arn in excepted else self
            attrs = evaluator.edge(arn, target, target_items)
            if attrs is not None:
                yield target_arn, attrs

    def edge(
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
            yield from self._function_set(self.edge(arn, sample, listed), account, region, arns, sample)

    def _function_sets(self, arn: str, work: Work) -> Iterable[tuple[str, dict[str, Any]]]:
        """One summary edge per account/region, evaluated on its first function (by ARN)."""
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        for target_arn, (target, _items) in work.items():
            groups[(target.account, target.region)].append(target_arn)
        for (account, region), arns in sorted(groups.items()):
            arns.sort()
            sample, items = work[arns[0]]
            yield from self._function_set(self.edge(arn, sample, items), account, region, arns, sample)

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
            cached = self._attrs[key] = (
                kept,
                self._edge_attrs.of(target, results),
            )
        return cached[1]

    def set_edge_for_drawing(self, block_index: int, pattern: str) -> SetEdge:
        """A store set another process reached, with what drawing it needs (its members)."""
        return self.sets.for_drawing(block_index, pattern)

    def forget_principal(self) -> None:
        """Drop what only the last principal's questions could reuse (decisions, statements,
        classes and edge attributes are all keyed by, or made for, one principal): at 100,000
        functions they held gigabytes by the end."""
        for cache in (self._decisions, self._relevant_cache, self._attrs, self._classes, self._statements):
            cache.clear()
        self._alike.forget()
        self._fast_layers.clear()


_BATCH = 500  # principals whose edges go into the graph together


def begin_access(
    estate: Estate,
    iam_model: IamModel,
    classification: Mapping[str, str | None],
    workers: int = 1,
    documents: ResourcePolicies | None = None,
) -> Begun:
    """The access stage begun before the graph and the IAM analysis' edges exist: with `workers`
    > 1, forked processes already answer the functions' execution roles (most of the
    principals), which need only the model and each store's `classification` (as the graph's
    store nodes will say it), while this process builds the graph and runs the escalation
    analysis. Each worker makes its own `AccessAnalysis`; this process makes its own when the
    access stage needs it (`Begun.analysis`). `add_access_edges(..., begun=)` completes it; the
    graph is the same either way. `documents`: the resource policies' parses, shared with the
    graph builder (`build_graph`): whichever comes first parses each text."""
    make = functools.partial(AccessAnalysis, estate, iam_model, classification, documents)
    return Begun(None, _early_principals(estate, iam_model), workers, make=make)


def _early_principals(estate: Estate, model: IamModel) -> list[str]:
    """The principals the workers begin on: the execution roles; where principals outnumber
    functions, every actor (an IAM-dense account: 2,000 roles, 20 functions, where nearly
    every role is reached through the escalation edges). Answering one the stage does not ask
    costs only a worker's time, which would be idle through the escalation analysis anyway."""
    if len(estate.functions) < len(estate.principals):
        return sorted(model.actors)
    return _execution_roles(model)


def classification_of(graph: nx.MultiDiGraph, estate: Estate) -> dict[str, str | None]:
    """Each store's classification as its node says it."""
    nodes = graph.nodes
    return {arn: nodes[arn].get("classification") for arn in estate.data_stores if arn in nodes}


def _execution_roles(model: IamModel) -> list[str]:
    return sorted(arn for arn in model.functions_by_role if arn in model.actors)


def add_access_edges(
    estate: Estate,
    graph: nx.MultiDiGraph,
    iam_model: IamModel,
    *,
    workers: int = 1,
    meanwhile: Callable[[], None] | None = None,
    begun: Begun | None = None,
) -> None:
    """A `can` edge per (principal, target) or store set, through the graph's derived-edge API
    (the store and key nodes they lead to are the builder's; set nodes and their `contains`
    edges are added the first time an edge leads to one). `workers` > 1: runs of principals
    are answered by forked processes too (access_workers.py; the graph is the same); `begun`
    (from `begin_access` on the same estate and model), processes forked earlier.
    `meanwhile()`, if given, is called once before this process answers any principal, while
    the workers already do; it must not touch the graph."""
    if begun is None:
        begun = begin_access(estate, iam_model, classification_of(graph, estate), workers)
    analysis = cast(AccessAnalysis, begun.analysis)
    principals = principals_to_check(graph, iam_model)
    per_principal = begun.edges(principals, meanwhile)
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
                edges.extend(draw_set(graph, target, analysis.set_nodes[target]))
            edges.append((arn, target, "can", attrs))
    add_derived_edges(graph, edges)
