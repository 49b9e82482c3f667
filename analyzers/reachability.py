"""Reachability rules over the graph's `invokes` edges.

`reach.public-invoke` is condition-aware: only an `invokes` edge from `internet` that no
condition scopes to identified callers counts. A `Principal: *` grant scoped by aws:SourceArn,
aws:SourceAccount or aws:PrincipalOrgID was attributed to what it names when the graph was
built, a service principal (S3, SNS, EventBridge) is never the internet, and a function URL
grant only counts when the URL exists with AuthType NONE.
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from analyzers.findings import RULES, Evidence, Finding, Rule, Severity
from estate.invokers import INTERNET
from estate.model import Estate

PUBLIC_INVOKE = RULES.register(
    Rule(
        id="reach.public-invoke",
        analyzer="reachability",
        severity=Severity.CRITICAL,
        title="Anyone can invoke the function",
        rationale=(
            "A resource-policy grant to `*` with no condition that identifies the caller, or a "
            "function URL with AuthType NONE, lets anyone on the internet run the function and "
            "spend its role's permissions."
        ),
        remediation=(
            "Scope the statement with aws:SourceArn/aws:SourceAccount or aws:PrincipalOrgID, "
            "name the calling principal, or switch the function URL to AuthType AWS_IAM."
        ),
        compliance=("AWS-FSBP:Lambda.1", "PCI-DSS-4.0:1.4.1", "PCI-DSS-4.0:7.2.1"),
    )
)


def public_invoke_findings(estate: Estate, graph: nx.MultiDiGraph) -> Iterator[Finding]:
    if INTERNET not in graph:
        return
    by_function: dict[str, list[dict[str, object]]] = {}
    for _src, dst, data in graph.out_edges(INTERNET, data=True):
        if data.get("kind") == "invokes" and data.get("public"):
            by_function.setdefault(dst, []).append(data)
    for arn, edges in sorted(by_function.items()):
        fn = estate.function(arn)
        if fn is None:
            continue
        evidence: list[Evidence] = []
        hinges = False
        for edge in edges:
            ev = edge.get("evidence") or {}
            assert isinstance(ev, dict)
            if ev.get("narrowing_conditions"):
                hinges = True
            evidence.append(Evidence(f"statement {ev.get('sid') or '(no Sid)'}", ev.get("statement")))
            if ev.get("via") == "function-url" and fn.url is not None:
                evidence.append(Evidence("FunctionUrl.AuthType", fn.url.auth_type))
                evidence.append(Evidence("FunctionUrl", fn.url.url))
        how = (
            "function URL with AuthType NONE"
            if any(e.get("via") == "function-url" for e in edges)
            else "resource policy grants `*`"
        )
        # A non-scoping condition (source IP, time) narrows but does not identify the caller.
        severity = Severity.HIGH if hinges else Severity.CRITICAL
        yield Finding(
            rule=PUBLIC_INVOKE,
            resource=arn,
            title=f"{fn.name}: anyone can invoke it ({how})",
            severity=severity,
            path=(INTERNET, arn),
            evidence=tuple(evidence),
            region=fn.region,
        )
