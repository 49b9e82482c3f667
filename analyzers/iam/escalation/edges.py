"""Check every escalation method for every principal: the escalation edges, as fans (`fans`).

Two phases per caller: first the methods that reach other principals, then those that work on
the caller itself or on what it already becomes (`Reach.HELD`, `Reach.ATTACHED_POLICY`), from what
the first phase made it hold (`held.HeldTargets`). A caller that may pass every role to a service
gets one edge to the service; after every caller, each service reached gets one fan to the roles
it may assume in that account (`SERVICE_ASSUMES`). Each method's fan is made by `method_fans`.

Figures (2-core machine): a 10,000-function synthetic estate's 970,000 edges were 6 s and ~1 GB
of edge objects; as fans they are 150,000 shared members and a few bitsets per caller.
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.iam.escalation.edge_record import EscalationEdge
from analyzers.iam.escalation.fans import EscalationEdges, Fan, ListedFan, Members
from analyzers.iam.escalation.held import HeldTargets, PolicyHolders
from analyzers.iam.escalation.method_fans import (
    NOTHING_COVERED,
    SECOND_PHASE,
    CallerContext,
    Covered,
    method_fan,
)
from analyzers.iam.escalation.methods import METHODS, SERVICE_ASSUMES
from analyzers.iam.escalation.principal_index import PrincipalIndex
from analyzers.iam.escalation.target_classes import TargetClasses
from analyzers.iam.escalation.targets import SERVICE_NODE, TargetIndex
from analyzers.iam.grant import account_of
from analyzers.iam.principal_policies import IamModel


def _eligible(model: IamModel, principals: PrincipalIndex) -> dict[tuple[frozenset[str], bool], int]:
    """Per (target kinds, needs a customer managed policy): the principals a second-phase method
    may target, as a bitset."""
    out: dict[tuple[frozenset[str], bool], int] = {}
    kinds = {m.target_kinds for m in METHODS if m.reach in SECOND_PHASE}
    estate = model.estate
    with_policy = {
        arn
        for arn in principals.arns
        if any(
            ":aws:policy/" not in a
            for h in (arn, *model.groups_of(arn))
            for a in estate.principals[h].attached_policy_arns
        )
    }
    for wanted in kinds:
        of_kind = [a for a in principals.arns if estate.principals[a].kind in wanted]
        out[wanted, False] = principals.mask(of_kind)
        out[wanted, True] = principals.mask(a for a in of_kind if a in with_policy)
    return out


def _policy_holders(model: IamModel, principals: PrincipalIndex) -> PolicyHolders:
    """Every customer managed policy attached to a principal or its groups, who holds each, and
    each principal's (in the order a managed-policy method walks them)."""
    held: dict[str, set[str]] = {}
    of_principal: dict[str, tuple[str, ...]] = {}
    for arn in principals.arns:
        if model.estate.principals[arn].kind == "group":
            continue
        holders = (arn, *model.groups_of(arn))
        attached = (a for h in holders for a in model.estate.principals[h].attached_policy_arns)
        mine = of_principal[arn] = tuple(p for p in dict.fromkeys(attached) if ":aws:policy/" not in p)
        for policy in mine:
            held.setdefault(policy, set()).add(arn)
    index = PrincipalIndex(sorted(held))
    return PolicyHolders(index, [principals.mask(held[p]) for p in index.arns], of_principal)


def _covering(
    index: TargetIndex, caller: str, fan: Fan, covered: Covered, cache: dict[tuple[object, ...], Covered]
) -> Covered:
    """`covered` and the roles a certain edge of `fan` to a service reaches through it."""
    services = tuple(m[0].removeprefix(SERVICE_NODE) for m in fan.specials() if not m[3])
    if not services:
        return covered
    account = account_of(caller)
    key = (account, covered.roles, services)
    held = cache.get(key)
    if held is None:
        roles = set(covered.roles)
        for service in services:
            roles.update(r for r, g in index.service_roles(account, service).items() if not g.conditional)
        held = cache[key] = Covered(frozenset(roles), index.principals.mask(roles))
    return held


def escalation_fans(
    model: IamModel, principals: PrincipalIndex | None = None, classes: TargetClasses | None = None
) -> list[Fan]:
    """Every method's fan for every role and user, in a stable order (the services' fans last)."""
    principals = principals if principals is not None else PrincipalIndex(model.estate.principals)
    index = TargetIndex(model, principals)
    policies = _policy_holders(model, principals)
    ctx = CallerContext(
        index,
        classes if classes is not None else TargetClasses(model, principals),
        policies,
        TargetClasses(model, policies.index),
        {},
        {},
        {},
        _eligible(model, principals),
    )
    fans: list[Fan] = []
    hubs: set[tuple[str, str]] = set()  # (service, account) that some caller reaches
    covering: dict[tuple[object, ...], Covered] = {}
    for caller in model.actors:
        if model.effective(caller).is_full_access():
            continue  # an administrator has nothing to escalate to
        first: list[Fan] = []
        covered = NOTHING_COVERED  # roles it certainly reaches through a service already
        possible = ctx.possible(caller, model.actors[caller].kind, METHODS)  # (the others: no fan)
        for method in possible:
            if method.reach in SECOND_PHASE:
                continue
            fan = method_fan(ctx, caller, method, None, covered)
            if fan is not None:
                first.append(fan)
                covered = _covering(index, caller, fan, covered, covering)
        held = HeldTargets(caller, first, index, principals)
        second = [
            fan
            for method in possible
            if method.reach in SECOND_PHASE and (fan := method_fan(ctx, caller, method, held)) is not None
        ]
        for fan in (*first, *second):
            fans.append(fan)
            hubs.update((m[0].removeprefix(SERVICE_NODE), account_of(caller)) for m in fan.specials())
    for service, account in sorted(hubs):
        roles = sorted(index.service_roles(account, service).items())
        members = [(role, None, (grant,), grant.conditional, grant.conditions, None) for role, grant in roles]
        fans.append(ListedFan(f"{SERVICE_NODE}{service}", SERVICE_ASSUMES, Members(members, principals)))
    return fans


def escalation_edges(model: IamModel) -> list[EscalationEdge]:
    """Every escalation edge, listed (benchmarks and tests; the analysis keeps the fans)."""
    return list(iter_edges(escalation_fans(model)))


def iter_edges(fans: list[Fan]) -> Iterator[EscalationEdge]:
    return iter(EscalationEdges(fans))
