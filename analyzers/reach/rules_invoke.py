"""Reachability rules over the graph's `invokes` edges.

`reach.public-invoke` is condition-aware: only `invokes` edges from `internet` that no condition
scopes to identified callers count. A `Principal: *` grant scoped by aws:SourceArn,
aws:SourceAccount or aws:PrincipalOrgID was attributed to what it names when the graph was
built, a service principal (S3, SNS, EventBridge) is never the internet, and a function URL grant
only counts when the URL exists with AuthType NONE. Two-hop doors count too: an unauthenticated
API route (internet -> route -> function) whose integration API Gateway may really invoke, and a
public alias (internet -> alias -> function). A route whose function policy does not (or only
conditionally) let API Gateway in for that route is not reported: the path is not known to work.

`reach.cross-account-invoke`: a grant to another account, a principal of another account, any
authenticated AWS account (`account:*`), an organisation (org-scoped `*`), or a service acting
for another account's resource. Severity follows whether the other side is in this account's
organisation: known member low, unknown membership medium, outside (or no organisation) high.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from analyzers.findings.model import Evidence, Finding, Rule, Severity
from analyzers.findings.registry import RULES
from estate.model import Estate, LambdaFunction
from estate.model.invoke_grants import INTERNET, InvokeGrant
from policy.document import Condition
from policy.scoping import SCOPING_KEYS

PUBLIC_INVOKE = RULES.register(
    Rule(
        id="reach.public-invoke",
        analyzer="reachability",
        severity=Severity.CRITICAL,
        title="Anyone can invoke the function",
        rationale=(
            "A resource-policy grant to `*` with no condition that identifies the caller, a "
            "function URL with AuthType NONE, a public alias, or an API Gateway route with no "
            "authorization lets anyone on the internet run the function and spend its role's permissions."
        ),
        remediation=(
            "Scope the statement with aws:SourceArn/aws:SourceAccount or aws:PrincipalOrgID, "
            "name the calling principal, switch the function URL to AuthType AWS_IAM, or put an "
            "authorizer (IAM, Cognito, JWT, Lambda) on the API route."
        ),
        compliance=("AWS-FSBP:Lambda.1", "PCI-DSS-4.0:1.4.1", "PCI-DSS-4.0:7.2.1"),
    ),
    check=lambda ctx: public_invoke_findings(ctx.estate, ctx.graph),
)
CROSS_ACCOUNT_INVOKE = RULES.register(
    Rule(
        id="reach.cross-account-invoke",
        analyzer="reachability",
        severity=Severity.HIGH,
        title="Another account can invoke the function",
        rationale=(
            "A resource-policy grant to another account (or its principals, its resources via a "
            "service, or a whole organisation) lets code outside this account run the function with "
            "its role's permissions; outside the organisation no SCP or RCP of ours caps the caller."
        ),
        remediation=(
            "Confirm the partner needs it; name the exact calling role instead of the account root, "
            "add aws:SourceArn/aws:SourceAccount for service principals, and remove stale grants."
        ),
    ),
    check=lambda ctx: cross_account_findings(ctx.estate, ctx.graph),
)


def _edges_into(graph: nx.MultiDiGraph, node: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for src, _dst, data in graph.in_edges(node, data=True):
        if data.get("kind") == "invokes":
            yield src, data


def _function_of(graph: nx.MultiDiGraph, estate: Estate, node: str) -> LambdaFunction | None:
    """The function a node is (or, for an alias or route, unconditionally invokes)."""
    fn = estate.function(node)
    if fn is not None:
        return fn
    for _src, dst, data in graph.out_edges(node, data=True):
        if data.get("kind") == "invokes" and not data.get("conditional"):
            return estate.function(dst)
    return None


@dataclass(frozen=True, slots=True)
class _Door:
    path: tuple[str, ...]
    edges: tuple[Mapping[str, Any], ...]


def _public_doors(graph: nx.MultiDiGraph) -> dict[str, list[_Door]]:
    """function ARN -> the public ways in: direct, or through one route or alias node."""
    doors: dict[str, list[_Door]] = {}
    for _src, dst, data in graph.out_edges(INTERNET, data=True):
        if data.get("kind") != "invokes" or not data.get("public"):
            continue
        if graph.nodes[dst].get("kind") == "function":
            doors.setdefault(dst, []).append(_Door((INTERNET, dst), (data,)))
            continue
        for _mid, fn, onward in graph.out_edges(dst, data=True):
            if onward.get("kind") != "invokes" or onward.get("conditional"):
                continue  # a route API Gateway may not invoke is not a known path
            if graph.nodes[fn].get("kind") == "function":
                doors.setdefault(fn, []).append(_Door((INTERNET, dst, fn), (data, onward)))
    return doors


def _door_evidence(fn: LambdaFunction, door: _Door) -> tuple[list[Evidence], str, bool]:
    """(evidence lines, how, narrowed by a non-identifying condition)."""
    out: list[Evidence] = []
    first = door.edges[0]
    ev = first.get("evidence") or {}
    last = door.edges[-1].get("evidence") or {}
    if last.get("via") == "api-gateway":
        route = f"{last.get('api')} {last.get('route')}"
        out.append(Evidence("API route", route))
        out.append(Evidence("authorization", last.get("authorization_type")))
        out.append(Evidence("API endpoint type", last.get("endpoint_type")))
        out.append(Evidence("stages", last.get("stages")))
        permission = last.get("permission") or {}
        out.append(Evidence("API Gateway may invoke", permission.get("statements")))
        return out, f"unauthenticated API route {route}", False
    if len(door.path) == 3:
        out.append(Evidence("alias", last.get("alias")))
        out.append(Evidence(f"alias statement {ev.get('sid') or '(no Sid)'}", ev.get("statement")))
        return out, f"public alias {last.get('alias')}", bool(ev.get("narrowing_conditions"))
    out.append(Evidence(f"statement {ev.get('sid') or '(no Sid)'}", ev.get("statement")))
    if ev.get("via") == "function-url" and fn.url is not None:
        out.append(Evidence("FunctionUrl.AuthType", fn.url.auth_type))
        out.append(Evidence("FunctionUrl", fn.url.url))
        return out, "function URL with AuthType NONE", False
    return out, "resource policy grants `*`", bool(ev.get("narrowing_conditions"))


def public_invoke_findings(estate: Estate, graph: nx.MultiDiGraph) -> Iterator[Finding]:
    if INTERNET not in graph:
        return
    for arn, doors in sorted(_public_doors(graph).items()):
        fn = estate.function(arn)
        if fn is None:
            continue
        doors.sort(key=lambda d: (len(d.path), d.path))
        evidence: list[Evidence] = []
        hows: list[str] = []
        direct_unnarrowed = False
        narrowed_only = True
        for door in doors:
            lines, how, narrowed = _door_evidence(fn, door)
            evidence.extend(lines)
            hows.append(how)
            if not narrowed:
                narrowed_only = False
                direct_unnarrowed = direct_unnarrowed or "API route" not in how
        # A non-scoping condition (source IP, time) narrows but does not identify the caller; an
        # unauthenticated route still sits behind API Gateway's throttling and stage settings.
        severity = Severity.CRITICAL if direct_unnarrowed else Severity.HIGH
        if narrowed_only:
            severity = Severity.HIGH
        yield Finding(
            rule=PUBLIC_INVOKE,
            resource=arn,
            title=f"{fn.name}: anyone can invoke it ({'; '.join(dict.fromkeys(hows))})",
            severity=severity,
            path=doors[0].path,
            evidence=tuple(evidence),
            region=fn.region,
        )


# --- cross-account ------------------------------------------------------------------------------


def _arn_account(value: str) -> str | None:
    parts = value.split(":")
    if len(parts) >= 6 and parts[0] == "arn" and parts[4].isdigit() and len(parts[4]) == 12:
        return parts[4]
    return None


def _service_accounts(grant: InvokeGrant | None) -> set[str]:
    """Accounts a service-principal grant acts for, from SourceAccount/SourceOwner/SourceArn."""
    if grant is None:
        return set()
    found: set[str] = set()
    for cond in grant.conditions:
        key = cond.key.lower()
        if cond.negated:
            continue
        if key in ("aws:sourceaccount", "aws:sourceowner"):
            found.update(v for v in cond.values if v.isdigit())
        elif key == "aws:sourcearn":
            found.update(a for a in map(_arn_account, cond.values) if a)
    return found


def _foreign(graph: nx.MultiDiGraph, src: str, data: Mapping[str, Any], home: str) -> list[str]:
    """The other accounts (`account:<id>`, `account:*`, `org:<id>`) an invokes edge lets in."""
    if src.startswith("org:") or src == "account:*":
        return [src]
    if src.startswith("account:"):
        return [src] if src.removeprefix("account:") != home else []
    if src.startswith("service:"):
        grant = data.get("grant")
        return [f"account:{a}" for a in sorted(_service_accounts(grant)) if a != home]
    if src == INTERNET or src.startswith("authenticated:"):
        return []
    account = graph.nodes[src].get("account") or _arn_account(src)
    return [f"account:{account}"] if account and account != home else []


@dataclass(frozen=True, slots=True)
class _Membership:
    severity: Severity
    text: str


def _membership(estate: Estate, fn: LambdaFunction, who: str) -> _Membership:
    ours = estate.org_policies.get(fn.account)
    org_id = ours.organization_id if ours else None
    no_org = ours is not None and org_id is None and ours.scps.state == "none"
    if who == "account:*":
        return _Membership(Severity.HIGH, "any authenticated principal of any AWS account")
    if who.startswith("org:"):
        org = who.removeprefix("org:")
        if org_id == org:
            return _Membership(Severity.LOW, f"any account of this account's organisation {org}")
        if org_id or no_org:
            mine = f"this account's is {org_id}" if org_id else "this account is in no organisation"
            return _Membership(Severity.HIGH, f"any account of organisation {org} ({mine})")
        return _Membership(Severity.MEDIUM, f"any account of organisation {org} (this account's is unknown)")
    account = who.removeprefix("account:")
    if no_org:
        return _Membership(Severity.HIGH, f"account {account}, outside any organisation of ours")
    if org_id is None:
        return _Membership(Severity.MEDIUM, f"account {account}; organisation membership unknown")
    members = {a for a, p in estate.org_policies.items() if p.organization_id == org_id}
    if ours is not None and ours.management_account:
        members.add(ours.management_account)
    if account in members:
        return _Membership(Severity.LOW, f"account {account}, a member of organisation {org_id}")
    return _Membership(
        Severity.MEDIUM,
        f"account {account}; not among the collected accounts of organisation {org_id} (membership unknown)",
    )


def _extra_conditions(grant: InvokeGrant) -> list[Condition]:
    """Conditions beyond those naming the caller (which the finding already reports as `who`)."""
    return [c for c in grant.narrowing if c not in grant.scoped_by and c.key.lower() not in SCOPING_KEYS]


def _hinges(data: Mapping[str, Any]) -> bool:
    grant = data.get("grant")
    if isinstance(grant, InvokeGrant):
        return bool(_extra_conditions(grant))
    return bool(data.get("conditional"))


_DOWN = {Severity.HIGH: Severity.MEDIUM, Severity.MEDIUM: Severity.LOW, Severity.LOW: Severity.LOW}


def cross_account_findings(estate: Estate, graph: nx.MultiDiGraph) -> Iterator[Finding]:
    found: dict[tuple[str, str], list[tuple[tuple[str, ...], Mapping[str, Any]]]] = {}
    for node, attrs in graph.nodes(data=True):
        if attrs.get("kind") not in ("function", "alias", "invoker"):
            continue
        fn = _function_of(graph, estate, node)
        if fn is None:
            continue
        for src, data in _edges_into(graph, node):
            for who in _foreign(graph, src, data, fn.account):
                path: tuple[str, ...] = (src, fn.arn) if node == fn.arn else (src, node, fn.arn)
                found.setdefault((fn.arn, who), []).append((path, data))
    for (arn, who), ways in sorted(found.items()):
        fn = estate.function(arn)
        assert fn is not None
        membership = _membership(estate, fn, who)
        conditional = all(_hinges(data) for _path, data in ways)
        severity = _DOWN[membership.severity] if conditional else membership.severity
        evidence = [Evidence("who", membership.text)]
        for _path, data in ways:
            ev = data.get("evidence") or {}
            label = f"statement {ev.get('sid')}" if ev.get("sid") else f"via {data.get('via')}"
            evidence.append(Evidence(label, ev.get("statement") or ev))
            if _hinges(data) and isinstance(data.get("grant"), InvokeGrant):
                extra = [c.to_json() for c in _extra_conditions(data["grant"])]
                evidence.append(Evidence("only when", extra))
        if conditional:
            evidence.append(Evidence("conditional", "every grant hinges on a condition; kept, not dropped"))
        yield Finding(
            rule=CROSS_ACCOUNT_INVOKE,
            resource=arn,
            title=f"{fn.name}: invocable from {membership.text}",
            severity=severity,
            path=ways[0][0],
            evidence=tuple(evidence),
            region=fn.region,
        )
