"""The engine's answer for the plainest access question, without building a request.

Most `can` decisions on a large estate are one role's own grant on one store of its own account
that has no resource policy, with no condition anywhere: a role naming a dozen tables in inline
statements asks tens of thousands of such questions, each distinct. The engine (policy.evaluate)
answers them in ~100 us, mostly building a request context nothing will read. Here the same
documented logic is applied to the statements the access analysis already selected (those whose
actions include the one asked): an applicable Deny anywhere denies; otherwise the identity
policies must allow, the permissions boundary (if any) must allow, and every level of SCPs and
RCPs must allow. The statements reported are the applicable Allows, layer by layer in the
engine's order (identity, boundary, SCP levels, RCP levels).

A same-account resource policy (a topic's, a bucket's) is taken into account when the identity
route already allows: its applicable statements that name the caller add their Allow (reported
after the identity policy's, as the engine does, also when a condition leaves it open: the
identity route allows regardless) or deny outright. Their conditions are evaluated by the
engine's own `evaluate_conditions` on the context the engine would build (`request_context`).
When only the resource policy could allow, how it names the caller decides whether a boundary caps
it: the engine's question.

A KMS key's policy must allow on its own (`required`): the identity route counts only where the key
policy delegates to the account, and a statement naming the caller allows directly. When the
identity route allows (with its boundary), any form of naming the caller (the role, the account, `*`)
is enough, so the answer is allowed when one applicable Allow names the caller unconditionally,
denied when none names it at all, and the engine's question when the only Allows are open (a
condition, a principal it cannot settle). At 100,000 functions the admin roles asked about 500
keys each: 390,000 engine decisions, 40% of the access stage.

`plain_decision` returns UNSURE whenever the question is not that plain (a condition, a policy
variable, a wildcard that crosses ARN segments, a NotPrincipal, another account, a caller that is
not an IAM role or user, a service-linked role, a grant only a resource policy makes); the caller
then asks the engine. A property test compares the two on generated estates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from policy.conditions import evaluate_conditions
from policy.context import ContextInput, RequestContext
from policy.decision import StatementRef
from policy.document import Statement
from policy.principals import Caller, match_principals, parse_caller
from policy.request import NamedPolicy
from policy.resources import statement_resource_verdict
from policy.truth import Tri
from policy.variables import uses_variables


class Unsure:
    """The question is not plain: ask the engine."""


UNSURE = Unsure()
Entry = tuple[int, StatementRef, Statement]  # (action bits, the statement's reference, statement)


@dataclass(frozen=True, slots=True)
class Layers:
    """One principal's policies as the engine layers them, each statement with its action bits."""

    identity: tuple[Entry, ...]
    boundary: tuple[Entry, ...] | None  # None: no permissions boundary
    scp_levels: tuple[tuple[Entry, ...], ...]
    account: str | None
    plain_caller: bool  # an IAM role or user, not service-linked
    caller: Caller

    @classmethod
    def build(
        cls,
        arn: str,
        identity: Sequence[NamedPolicy],
        boundary: NamedPolicy | None,
        scps: Sequence[NamedPolicy],
        bits_of: Callable[[Statement], int],
    ) -> Layers:
        caller = parse_caller(arn)
        plain = caller.kind in ("role", "user") and not caller.is_service_linked
        return cls(
            identity=_entries(identity, bits_of),
            boundary=_entries((boundary,), bits_of) if boundary is not None else None,
            scp_levels=tuple(_entries(level, bits_of) for level in org_levels(scps)),
            account=caller.account,
            plain_caller=plain,
            caller=caller,
        )


def org_levels(policies: Sequence[NamedPolicy]) -> list[list[NamedPolicy]]:
    """Policies grouped by organisation level, levels in first-seen order (as the engine does)."""
    if not policies:
        return []
    grouped: dict[str, list[NamedPolicy]] = {}
    for policy in policies:
        grouped.setdefault(policy.org_level, []).append(policy)
    return list(grouped.values())


def _entries(policies: Sequence[NamedPolicy], bits_of: Callable[[Statement], int]) -> tuple[Entry, ...]:
    out = []
    for policy in policies:
        for index, statement in enumerate(policy.document.statements):
            ref = StatementRef(policy.name, policy.arn, policy.kind, index, statement.sid, statement.effect)
            out.append((bits_of(statement), ref, statement))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ResourceSide:
    """A resource policy's statements, and whether its version lets them use policy variables."""

    entries: tuple[Entry, ...]
    variables: bool


def resource_entries(policy: NamedPolicy, bits_of: Callable[[Statement], int]) -> ResourceSide:
    return ResourceSide(_entries((policy,), bits_of), uses_variables(policy.document.version))


def request_context(caller: Caller, resource_account: str, given: dict[str, ContextInput]) -> RequestContext:
    """The context `policy.request.Request` builds for this caller and resource (same derivation)."""
    derived = caller.context_keys()
    if resource_account:
        derived["aws:ResourceAccount"] = resource_account
    return RequestContext.build(given, complete=False, derived=derived)


def rcp_layers(
    rcps: Sequence[NamedPolicy], bits_of: Callable[[Statement], int]
) -> tuple[tuple[Entry, ...], ...]:
    return tuple(_entries(level, bits_of) for level in org_levels(rcps))


def plain_decision(
    layers: Layers,
    rcps: tuple[tuple[Entry, ...], ...],
    low: int,
    resource: str,
    resource_account: str,
    resource_policy: ResourceSide | None = None,
    context: Callable[[], RequestContext] | None = None,
    *,
    required: bool = False,
) -> tuple[StatementRef, ...] | Unsure | None:
    """The applicable Allow statements if allowed, None if denied, UNSURE if not plain.
    `required`: the resource policy must allow too (a KMS key's; module docstring)."""
    if not layers.plain_caller or layers.account is None or layers.account != resource_account:
        return UNSURE
    refs: list[StatementRef] = []
    identity = _applicable(layers.identity, low, resource)
    if isinstance(identity, Unsure):
        return UNSURE
    if identity[1]:
        return None  # an explicit Deny
    if not identity[0]:
        return UNSURE if resource_policy is not None else None
    refs.extend(identity[0])
    if required and resource_policy is None:
        return UNSURE
    allows: list[StatementRef] = []
    if resource_policy is not None:
        named = _named_settled(resource_policy, low, resource, layers.caller, context)
        if isinstance(named, Unsure):
            return UNSURE
        allows, denied, sure = named
        if denied:
            return None
        if required and not sure:
            return UNSURE if allows else None
        refs.extend(allows)
    if layers.boundary is not None:  # it caps the identity route
        found = _applicable(layers.boundary, low, resource)
        if isinstance(found, Unsure):
            return UNSURE
        if found[1]:
            return None
        if not found[0]:
            # a resource-policy grant naming the caller may not be capped (its session ARN, or
            # `*`): the engine's question; without one, nothing else allows
            return UNSURE if allows else None
        refs.extend(found[0])
    for entries in (*layers.scp_levels, *rcps):  # every level of SCPs and RCPs must allow too
        found = _applicable(entries, low, resource)
        if isinstance(found, Unsure):
            return UNSURE
        if found[1] or not found[0]:
            return None
        refs.extend(found[0])
    return tuple(refs)


def _applicable(
    entries: tuple[Entry, ...], low: int, resource: str
) -> tuple[list[StatementRef], bool] | Unsure:
    """(the applicable Allows, whether a Deny applies) of one identity-side layer."""
    allows: list[StatementRef] = []
    denied = False
    for bits, ref, statement in entries:
        if not bits & low:
            continue
        if statement.conditions:
            return UNSURE
        truth = _covers(statement, resource)
        if truth is Tri.UNKNOWN:
            return UNSURE
        if truth is Tri.TRUE:
            if statement.is_allow:
                allows.append(ref)
            else:
                denied = True
    return allows, denied


def _named_in(
    side: ResourceSide,
    low: int,
    resource: str,
    caller: Caller,
    context: Callable[[], RequestContext] | None,
) -> tuple[list[StatementRef], bool] | Unsure:
    """(the applicable Allows, whether a Deny applies) of a resource policy: statements whose
    Principal names the caller (any way: the identity route already allows). An Allow left open
    (a condition, a principal the engine cannot settle) is listed, as the engine lists it; an open
    Deny is the engine's question."""
    named = _named_settled(side, low, resource, caller, context)
    return named if isinstance(named, Unsure) else named[:2]


def _named_settled(
    side: ResourceSide,
    low: int,
    resource: str,
    caller: Caller,
    context: Callable[[], RequestContext] | None,
) -> tuple[list[StatementRef], bool, bool] | Unsure:
    """`_named_in`, and whether one of the Allows is settled (names the caller, and holds,
    unconditionally): what a key policy needs."""
    allows: list[StatementRef] = []
    denied = sure = False
    for bits, ref, statement in side.entries:
        if not bits & low:
            continue
        if statement.not_principals is not None:
            return UNSURE
        truth = _covers(statement, resource) if statement.resources or statement.not_resources else Tri.TRUE
        if truth is Tri.UNKNOWN:
            return UNSURE
        if truth is Tri.FALSE or statement.principals is None:
            continue
        if statement.conditions and context is None:
            return UNSURE
        # who it names first: a statement for someone else (a service, another role) is passed
        # over without building the request context its conditions would read
        named = match_principals(statement.principals, caller).any.truth
        if named is Tri.FALSE:
            continue
        if statement.conditions:
            assert context is not None
            truth = evaluate_conditions(statement.conditions, context(), variables=side.variables).truth
            if truth is Tri.FALSE:
                continue
        if statement.is_allow:
            allows.append(ref)
            sure = sure or (truth is Tri.TRUE and named is Tri.TRUE)
        elif truth is Tri.TRUE and named is Tri.TRUE:
            denied = True
        else:
            return UNSURE
    return allows, denied, sure


def _covers(statement: Statement, resource: str) -> Tri:
    patterns = statement.resources if statement.resources is not None else statement.not_resources
    if patterns is not None and any("${" in p for p in patterns):
        return Tri.UNKNOWN
    return statement_resource_verdict(statement, resource, variables=False).truth
