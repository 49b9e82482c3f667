"""Which statements of a set of policies apply to a request, with three-valued answers.

A statement applies when its Action, Resource, Principal (resource policies only) and Condition
elements all match. The answer per policy set is an Allow verdict and a Deny verdict whose open
questions (`Hinge`s) name the statement they come from. Resource policies also say how the
caller was named (exact, parent, account, wildcard), which the evaluator's same-account rules
need; for other policy types the Principal element does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from policy.actions import statement_applies_to_action
from policy.conditions import evaluate_conditions
from policy.decision import Hinge, StatementRef
from policy.document import Statement
from policy.principals import NO_MATCH, Caller, PrincipalMatch, excluded_by, match_principals
from policy.request import NamedPolicy, Request
from policy.resources import statement_resource_verdict
from policy.truth import FALSE, TRUE, Tri, Unresolved, Verdict, both, verdict_any
from policy.variables import uses_variables

Grounds = Verdict[Hinge]
_CLASSES = ("exact", "parent", "account", "wildcard")


@dataclass(frozen=True, slots=True)
class PolicySetVerdict:
    """Allow/Deny verdicts of a set of policies; `allow_as` splits resource-policy allows by
    how the caller was named."""

    allow: Grounds = FALSE
    deny: Grounds = FALSE
    allow_as: dict[str, Grounds] = field(default_factory=dict)
    allow_refs: tuple[StatementRef, ...] = ()
    deny_refs: tuple[StatementRef, ...] = ()

    def allowed_as(self, how: str) -> Grounds:
        return self.allow_as.get(how, FALSE)


def _anchor(verdict: Verdict[Unresolved], ref: StatementRef) -> Grounds:
    if verdict.truth is not Tri.UNKNOWN:
        return TRUE if verdict.truth is Tri.TRUE else FALSE
    hinges = tuple(Hinge(u.key, u.operator, u.values, u.note, ref) for u in verdict.unresolved)
    return Verdict(Tri.UNKNOWN, hinges)


def _body(statement: Statement, request: Request, variables: bool) -> Verdict[Unresolved]:
    """Action, Resource and Condition (not Principal)."""
    if not statement_applies_to_action(statement, request.action):
        return FALSE
    context = request.request_context
    resource = statement_resource_verdict(statement, request.resource_arn, context, variables=variables)
    if resource.truth is Tri.FALSE or not statement.conditions:
        return resource
    conditions = evaluate_conditions(statement.conditions, context, variables=variables)
    return both(resource, conditions)


def _principal(statement: Statement, caller: Caller, has_boundary: bool) -> PrincipalMatch:
    if statement.principals is not None:
        return match_principals(statement.principals, caller)
    if statement.not_principals is None:
        return NO_MATCH  # a resource policy statement without a principal applies to no one
    if not statement.is_allow and has_boundary and caller.is_iam:
        # AWS: a Deny with NotPrincipal always denies a principal that has a permissions boundary
        return PrincipalMatch(wildcard=TRUE)
    return PrincipalMatch(wildcard=~excluded_by(statement.not_principals, caller))


def _ref(policy: NamedPolicy, index: int, statement: Statement) -> StatementRef:
    return StatementRef(policy.name, policy.arn, policy.kind, index, statement.sid, statement.effect)


def assess(
    policies: Iterable[NamedPolicy], request: Request, *, resource: bool = False, has_boundary: bool = False
) -> PolicySetVerdict:
    """Allow and Deny verdicts of `policies` for `request` (resource=True: match Principal too)."""
    allows: list[Grounds] = []
    denies: list[Grounds] = []
    by_class: dict[str, list[Grounds]] = {name: [] for name in _CLASSES} if resource else {}
    allow_refs: list[StatementRef] = []
    deny_refs: list[StatementRef] = []
    for policy in policies:
        variables = uses_variables(policy.document.version)
        for index, statement in enumerate(policy.document.statements):
            body = _body(statement, request, variables)
            if body.truth is Tri.FALSE:
                continue
            ref = _ref(policy, index, statement)
            grounds = _anchor(body, ref)
            if resource:
                match = _principal(statement, request.caller, has_boundary)
                if statement.is_allow:
                    for name in _CLASSES:
                        by_class[name].append(both(grounds, _anchor(getattr(match, name), ref)))
                grounds = both(grounds, _anchor(match.any, ref))
            if grounds.truth is Tri.FALSE:
                continue
            (allows if statement.is_allow else denies).append(grounds)
            (allow_refs if statement.is_allow else deny_refs).append(ref)
    return PolicySetVerdict(
        verdict_any(allows),
        verdict_any(denies),
        {name: verdict_any(values) for name, values in by_class.items()},
        tuple(allow_refs),
        tuple(deny_refs),
    )
