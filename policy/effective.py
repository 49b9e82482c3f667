"""Effective permissions of a principal: which catalogue actions it may perform on a resource scope.

Rather than evaluating every action x resource pair, each statement is expanded once through the
catalogue into a bitset of actions (cached per pattern), each policy document is reduced once per
resource scope into five bitsets (unconditional / conditional / scoped allows, unconditional /
other denies; cached per document content when it has no conditions or variables), and a
principal is a handful of int operations over those. Thousands of roles take seconds.

Per action the answer is one of:
- "allowed": on every resource in the scope, whatever the request context;
- "conditional": on every resource in the scope, but only under conditions (or a Deny may apply
  to part of the scope, or under conditions);
- "scoped": only on some resources within the scope (a narrower Resource, or NotResource).
Identity policies grant; the permissions boundary, session policies and every SCP level cap.
Actions unknown to the catalogue cannot be represented and are left out.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from policy.catalogue import ActionCatalogue, iter_bits, load_catalogue
from policy.conditions import evaluate_conditions
from policy.context import ContextInput, RequestContext
from policy.decision import StatementRef
from policy.document import Condition, PolicyDocument
from policy.patterns import pattern_covers, patterns_may_intersect
from policy.principals import parse_caller
from policy.request import NamedPolicy
from policy.truth import Tri
from policy.variables import resolve, uses_variables

Status = Literal["allowed", "conditional", "scoped"]
Coverage = Literal["full", "partial", "none"]


class Reduction(NamedTuple):
    """One document (or layer) over one resource scope, as action bitsets."""

    allow: int = 0  # unconditional, whole scope
    allow_conditional: int = 0  # whole scope, under conditions
    allow_scoped: int = 0  # part of the scope
    deny: int = 0  # unconditional, whole scope
    deny_other: int = 0  # conditional, or on part of the scope

    def __or__(self, other: object) -> Reduction:
        assert isinstance(other, Reduction)
        return Reduction(*(a | b for a, b in zip(self, other, strict=True)))


@dataclass(frozen=True, slots=True)
class _CompiledStatement:
    index: int
    allow: bool
    bits: int
    resources: tuple[str, ...] | None
    not_resources: tuple[str, ...] | None
    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class _CompiledPolicy:
    statements: tuple[_CompiledStatement, ...]
    variables: bool
    static: bool  # no conditions, no resource variables: its reductions depend on the scope only
    reductions: dict[str, Reduction] = field(default_factory=dict)


@functools.lru_cache(maxsize=65536)
def _coverage(
    resources: tuple[str, ...] | None, not_resources: tuple[str, ...] | None, scope: str
) -> Coverage:
    if resources is not None:
        if any(pattern_covers(p, scope) for p in resources):
            return "full"
        return "partial" if any(patterns_may_intersect(p, scope) for p in resources) else "none"
    if not_resources is not None:
        if any(pattern_covers(p, scope) for p in not_resources):
            return "none"
        return "partial" if any(patterns_may_intersect(p, scope) for p in not_resources) else "full"
    return "full"


def _resolved(
    patterns: tuple[str, ...] | None, context: RequestContext
) -> tuple[tuple[str, ...] | None, bool]:
    """Substitute variables; a pattern that cannot be pinned down makes the coverage partial."""
    if patterns is None or not any("${" in p for p in patterns):
        return patterns, False
    out: list[str] = []
    vague = False
    for pattern in patterns:
        resolution = resolve(pattern, context)
        if resolution.segments is None or any(
            lit and ("*" in t or "?" in t) for t, lit in resolution.segments
        ):
            vague = True
            continue
        out.append("".join(t for t, _ in resolution.segments))
    return tuple(out), vague


class _Compiler:
    """Compiles documents once, by content, and reduces them per scope."""

    def __init__(self, catalogue: ActionCatalogue) -> None:
        self.catalogue = catalogue
        self._by_id: dict[int, tuple[PolicyDocument, _CompiledPolicy]] = {}
        self._by_content: dict[tuple[object, ...], _CompiledPolicy] = {}

    _LIMIT = 200_000  # documents remembered; beyond that the caches start afresh

    def compile(self, document: PolicyDocument) -> _CompiledPolicy:
        if len(self._by_id) > self._LIMIT or len(self._by_content) > self._LIMIT:
            self._by_id.clear()
            self._by_content.clear()
        held = self._by_id.get(id(document))
        if held is not None and held[0] is document:
            return held[1]
        key = (
            document.version,
            *(
                (s.effect, s.actions, s.not_actions, s.resources, s.not_resources, s.conditions)
                for s in document.statements
            ),
        )
        compiled = self._by_content.get(key)
        if compiled is None:
            statements = tuple(
                _CompiledStatement(
                    i,
                    s.is_allow,
                    self.catalogue.statement_bits(s),
                    s.resources,
                    s.not_resources,
                    s.conditions,
                )
                for i, s in enumerate(document.statements)
            )
            variables = uses_variables(document.version)
            dynamic = variables and any(
                "${" in p for s in statements for p in s.resources or s.not_resources or ()
            )
            static = not dynamic and not any(s.conditions for s in statements)
            compiled = self._by_content[key] = _CompiledPolicy(statements, variables, static)
        self._by_id[id(document)] = (document, compiled)
        return compiled

    def reduce(self, policy: _CompiledPolicy, scope: str, context: RequestContext) -> Reduction:
        if policy.static and scope in policy.reductions:
            return policy.reductions[scope]
        out = [0, 0, 0, 0, 0]
        for s in policy.statements:
            coverage = self._statement_coverage(s, policy.variables, scope, context)
            if coverage == "none" or not s.bits:
                continue
            truth = Tri.TRUE
            if s.conditions:
                truth = evaluate_conditions(s.conditions, context, variables=policy.variables).truth
            if truth is Tri.FALSE:
                continue
            if s.allow:
                slot = 2 if coverage == "partial" else 0 if truth is Tri.TRUE else 1
            else:
                slot = 3 if coverage == "full" and truth is Tri.TRUE else 4
            out[slot] |= s.bits
        reduction = Reduction(*out)
        if policy.static:
            policy.reductions[scope] = reduction
        return reduction

    @staticmethod
    def _statement_coverage(
        s: _CompiledStatement, variables: bool, scope: str, context: RequestContext
    ) -> Coverage:
        if not variables:
            return _coverage(s.resources, s.not_resources, scope)
        if s.resources is not None:
            resources, vague = _resolved(s.resources, context)
            coverage = _coverage(resources, None, scope)
            return "partial" if vague and coverage == "none" else coverage
        not_resources, vague = _resolved(s.not_resources, context)
        coverage = _coverage(None, not_resources, scope)
        return "partial" if vague and coverage == "full" else coverage


@functools.cache
def _compiler() -> _Compiler:
    return _Compiler(load_catalogue())


@dataclass(frozen=True, slots=True)
class ActionPermission:
    action: str
    access_level: str
    status: Status


class EffectivePermissions:
    """A principal's permissions, computed per resource scope on demand (default `*`)."""

    def __init__(self, layers: Sequence[Sequence[NamedPolicy]], context: RequestContext) -> None:
        self._compiler = _compiler()
        self.catalogue = self._compiler.catalogue
        self._layers = [[(p, self._compiler.compile(p.document)) for p in layer] for layer in layers]
        self._context = context
        self._by_scope: dict[str, tuple[int, int, int]] = {}

    def bits(self, scope: str = "*") -> tuple[int, int, int]:
        """(allowed, conditional, scoped) action bitsets over `scope`."""
        cached = self._by_scope.get(scope)
        if cached is not None:
            return cached
        everything = self.catalogue.all_bits
        full, maybe, some, deny, deny_other = everything, everything, everything, 0, 0
        for layer in self._layers:
            reduction = Reduction()
            for _, compiled in layer:
                reduction = reduction | self._compiler.reduce(compiled, scope, self._context)
            full &= reduction.allow
            maybe &= reduction.allow | reduction.allow_conditional
            some &= reduction.allow | reduction.allow_conditional | reduction.allow_scoped
            deny |= reduction.deny
            deny_other |= reduction.deny_other
        allowed = full & ~deny & ~deny_other
        conditional = maybe & ~deny & ~allowed
        scoped = some & ~deny & ~allowed & ~conditional
        result = self._by_scope[scope] = (allowed, conditional, scoped)
        return result

    def status(self, action: str, scope: str = "*") -> Status | None:
        bit = self._bit(action)
        if not bit:
            return None
        allowed, conditional, scoped = self.bits(scope)
        if allowed & bit:
            return "allowed"
        if conditional & bit:
            return "conditional"
        return "scoped" if scoped & bit else None

    def _bit(self, action: str) -> int:
        index = self.catalogue.index(action)
        return 0 if index is None else 1 << index

    def is_full_access(self, scope: str = "*") -> bool:
        """Every catalogue action allowed on the whole scope, unconditionally."""
        return self.bits(scope)[0] == self.catalogue.all_bits

    def level_counts(self, scope: str = "*") -> dict[str, tuple[int, int, int]]:
        """Access level -> (allowed, conditional, scoped) action counts."""
        allowed, conditional, scoped = self.bits(scope)
        counts: dict[str, tuple[int, int, int]] = {}
        for level in self.catalogue.levels:
            mask = self.catalogue.level_mask(level)
            counts[level] = (
                (allowed & mask).bit_count(),
                (conditional & mask).bit_count(),
                (scoped & mask).bit_count(),
            )
        return counts

    def summary(self, scope: str = "*") -> dict[str, dict[str, tuple[ActionPermission, ...]]]:
        """Service -> access level -> permissions, for every action not denied on the scope."""
        return _summary(self.catalogue, *self.bits(scope))

    def statements_for(self, action: str, scope: str = "*") -> tuple[StatementRef, ...]:
        """The statements (allowing or denying) that bear on `action` over `scope`."""
        bit = self._bit(action)
        refs: list[StatementRef] = []
        for layer in self._layers:
            for policy, compiled in layer:
                for s in compiled.statements:
                    if not s.bits & bit:
                        continue
                    if _Compiler._statement_coverage(s, compiled.variables, scope, self._context) == "none":
                        continue
                    raw = policy.document.statements[s.index]
                    effect = "Allow" if s.allow else "Deny"
                    refs.append(StatementRef(policy.name, policy.arn, policy.kind, s.index, raw.sid, effect))
        return tuple(refs)


@functools.lru_cache(maxsize=4096)
def _summary(
    catalogue: ActionCatalogue, allowed: int, conditional: int, scoped: int
) -> dict[str, dict[str, tuple[ActionPermission, ...]]]:
    grouped: dict[str, dict[str, list[ActionPermission]]] = {}
    statuses: tuple[tuple[int, Status], ...] = (
        (allowed, "allowed"),
        (conditional, "conditional"),
        (scoped, "scoped"),
    )
    for bits, status in statuses:
        for index in iter_bits(bits):
            info = catalogue.actions[index]
            permission = ActionPermission(info.full_name, info.access_level, status)
            grouped.setdefault(info.service, {}).setdefault(info.access_level, []).append(permission)
    return {
        service: {
            level: tuple(sorted(perms, key=lambda p: p.action)) for level, perms in sorted(levels.items())
        }
        for service, levels in sorted(grouped.items())
    }


def effective_permissions(
    identity_policies: Sequence[NamedPolicy],
    *,
    boundary: NamedPolicy | None = None,
    scps: Sequence[NamedPolicy] = (),
    session_policies: Sequence[NamedPolicy] = (),
    principal_arn: str | None = None,
    context: Mapping[str, ContextInput] | None = None,
    context_complete: bool = False,
) -> EffectivePermissions:
    """Permissions granted by identity policies, capped by boundary, session policies and SCPs.

    `principal_arn` and `context` feed the conditions (aws:PrincipalAccount, tags, ...); anything
    not known leaves the actions it guards "conditional".
    """
    derived = parse_caller(principal_arn).context_keys() if principal_arn else {}
    request_context = RequestContext.build(context or {}, complete=context_complete, derived=derived)
    levels: dict[str, list[NamedPolicy]] = {}
    for scp in scps:
        levels.setdefault(scp.org_level, []).append(scp)
    layers: list[Sequence[NamedPolicy]] = [identity_policies]
    if boundary is not None:
        layers.append([boundary])
    if session_policies:
        layers.append(session_policies)
    layers.extend(levels.values())
    return EffectivePermissions(layers, request_context)
