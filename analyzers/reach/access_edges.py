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

A principal that may invoke more than FUNCTION_FANOUT functions (lambda:InvokeFunction on `*`)
gets one `can` edge per account and region to a `function-set` node instead of one per function:
the answer is evaluated on one representative function and the edge says so. Thousands of
identical edges per role would swamp the graph (1.3 million at 10,000 functions) and say nothing
a reviewer can act on beyond "this role may invoke every function".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from analyzers.iam.principal_policies import IamModel
from analyzers.reach.access_targets import Target, TargetIndex, build_targets, form_masks, representatives
from estate.graph.derived import DerivedEdge, add_derived_edges, add_set_node
from estate.model import Estate
from policy.catalogue import iter_bits, load_catalogue
from policy.decision import Hinge, StatementRef
from policy.document import Statement
from policy.evaluate import evaluate
from policy.request import NamedPolicy, Request
from policy.resources import statement_resource_verdict

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


class AccessAnalysis:
    """Computes the `can` edges of an estate (see the module docstring)."""

    def __init__(self, estate: Estate, model: IamModel) -> None:
        self.model = model
        self.catalogue = load_catalogue()
        self.masks = form_masks(self.catalogue)
        self.targets = build_targets(estate)
        self.index = TargetIndex(self.targets)
        self.named = self._named_in_policies(self.targets)
        self._statements: dict[str, tuple[tuple[int, Statement], ...]] = {}
        self._classes: dict[tuple[str, int], list[int]] = {}
        self._refined: dict[tuple[int, str, int], list[int]] = {}
        self._decisions: dict[tuple[object, ...], AccessResult | None] = {}
        self._relevant_cache: dict[tuple[object, ...], _Relevant] = {}
        self._attrs: dict[tuple[object, ...], dict[str, Any]] = {}

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
    def work_for(self, arn: str) -> dict[str, tuple[Target, list[tuple[str, int, tuple[str, ...] | None]]]]:
        """Per target: the (form, class, Resource patterns) to evaluate for this principal."""
        allowed, conditional, scoped = self.model.effective(arn).bits()
        held = allowed | conditional | scoped
        work: dict[str, tuple[Target, list[tuple[str, int, tuple[str, ...] | None]]]] = {}
        for form, mask in self.masks.items():
            candidates = held & mask
            if not candidates:
                continue
            for bits in self.classes(arn, candidates):
                low = bits & -bits
                patterns = self.model.resource_patterns(
                    arn, self.catalogue.actions[low.bit_length() - 1].full_name
                )
                for target in self.index.matching(form, patterns):
                    work.setdefault(target.arn, (target, []))[1].append((form, bits, patterns))
        for target, granted in self.named.get(arn, ()):  # a resource policy may grant on its own
            for form in target.forms:
                candidates = granted & self.masks[form]
                items = work.setdefault(target.arn, (target, []))[1]
                for bits in self.classes(arn, candidates) if candidates else ():
                    if not any(f == form and b == bits for f, b, _ in items):
                        items.append((form, bits, None))
        return work

    def edges_for(self, arn: str) -> Iterable[tuple[str, dict[str, Any]]]:
        work = self.work_for(arn)
        functions = [t for t, (target, _items) in work.items() if target.kind == "function"]
        if len(functions) > FUNCTION_FANOUT:
            yield from self._function_sets(arn, {t: work.pop(t) for t in functions})
        for target_arn, (target, items) in work.items():
            attrs = self._edge(arn, target, items)
            if attrs is not None:
                yield target_arn, attrs

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

    def _function_sets(
        self, arn: str, work: dict[str, tuple[Target, list[tuple[str, int, tuple[str, ...] | None]]]]
    ) -> Iterable[tuple[str, dict[str, Any]]]:
        """One summary edge per account/region, evaluated on its first function (by ARN)."""
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        for target_arn, (target, _items) in work.items():
            groups[(target.account, target.region)].append(target_arn)
        for (account, region), arns in sorted(groups.items()):
            arns.sort()
            sample, items = work[arns[0]]
            attrs = self._edge(arn, sample, items)
            if attrs is None:
                continue
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
            cached = self._attrs[key] = _attrs(self.catalogue, target, results)
        return cached


def _attrs(catalogue: Any, target: Target, results: list[tuple[AccessResult, str | None]]) -> dict[str, Any]:
    certain = 0
    maybe = 0
    for result, _ in results:
        if result.conditional:
            maybe |= result.bits
        else:
            certain |= result.bits
    maybe &= ~certain
    by_level: dict[str, list[str]] = defaultdict(list)
    certain_levels: set[str] = set()
    for index in iter_bits(certain | maybe):
        info = catalogue.actions[index]
        level = LEVELS.get(info.access_level, info.access_level.lower())
        by_level[level].append(info.full_name)
        if certain >> index & 1:
            certain_levels.add(level)
    levels = [lvl for lvl in ORDER if lvl in by_level] + sorted(set(by_level) - set(ORDER))
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
        "levels": levels,
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


def add_access_edges(estate: Estate, graph: nx.MultiDiGraph, iam_model: IamModel) -> None:
    """A `can` edge per (principal, target), through the graph's derived-edge API (the store and
    key nodes they lead to are the builder's)."""
    analysis = AccessAnalysis(estate, iam_model)
    edges: list[DerivedEdge] = []
    for arn in principals_to_check(graph, iam_model):
        for target, attrs in analysis.edges_for(arn):
            if target.startswith("functions:"):
                account, _, region = target.removeprefix("functions:").partition(":")
                label = f"every function in {account}/{region}"
                add_set_node(graph, target, "function-set", label=label, account=account, region=region)
            edges.append((arn, target, "can", attrs))
    add_derived_edges(graph, edges)
