"""IAM rules over paths: iam.privesc (one per escalating principal, from the IAM analysis' paths), and
iam.unparseable-policy (policies the engine cannot parse leave access unknown, not denied).

Both read the IAM analysis (`analyzers.iam.analysis`) that every iam.* rule shares; `iam_findings`
gives all of an analysis' IAM findings at once, for callers outside `analyze()`.
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from analyzers.findings.model import Evidence, Finding, Rule, Severity
from analyzers.findings.registry import RULES
from analyzers.iam.analysis import IamAnalysis, iam_pass
from analyzers.iam.escalation.paths import EscalationPath
from analyzers.iam.principal_policies import IamModel
from analyzers.iam.rules_permissions import lower, name_of, permission_findings
from estate.model import Estate
from estate.model.invoke_grants import PolicyProblem

UNPARSEABLE_POLICY = RULES.register(
    Rule(
        id="iam.unparseable-policy",
        analyzer="iam",
        severity=Severity.MEDIUM,
        title="A policy could not be parsed, so the access it grants is unknown",
        rationale=(
            "lambdascope never guesses: a policy it cannot parse is left out of every analysis, so "
            "who can invoke the resource (or what a role can do) is unknown until it is fixed."
        ),
        remediation="Inspect the policy text in the evidence; AWS may accept forms we do not yet parse.",
        compliance=(),
    ),
    check=lambda ctx: [
        *unparseable_policy_findings(ctx.estate, ctx.graph),
        *iam_problem_findings(ctx.once(iam_pass).model),
    ],
)
PRIVESC = RULES.register(
    Rule(
        id="iam.privesc",
        analyzer="iam",
        severity=Severity.CRITICAL,
        title="The principal can become a more privileged principal",
        rationale=(
            "Through IAM write permissions, a role it may assume, or a role it may pass to a service "
            "(Lambda, EC2, CloudFormation, ...), the principal can act with permissions it was not "
            "granted; its effective privilege is that of the most privileged principal it reaches."
        ),
        remediation=(
            "Remove the permission the first hop uses (see each hop's statements), scope iam:PassRole "
            "and sts:AssumeRole to the roles needed, or cap the principal with a permissions boundary."
        ),
        compliance=("PCI-DSS-4.0:7.2.1", "PCI-DSS-4.0:7.2.2", "AWS-FSBP:IAM.21"),
    ),
    check=lambda ctx: privesc_findings(ctx.once(iam_pass)),
)


def unparseable_policy_findings(estate: Estate, graph: nx.MultiDiGraph) -> Iterator[Finding]:
    """Resource policies the graph builder could not parse (recorded once, at build time)."""
    problems: list[PolicyProblem] = graph.graph.get("policy_problems", [])
    for problem in problems:
        fn = estate.function(problem.function_arn)
        if fn is not None:
            yield Finding(
                rule=UNPARSEABLE_POLICY,
                resource=fn.arn,
                title=f"{fn.name}: resource policy could not be parsed ({problem.message})",
                severity=Severity.MEDIUM,
                evidence=(
                    Evidence("error", problem.message),
                    Evidence("policy", fn.policy.text if fn.policy else None),
                ),
                region=fn.region,
            )


def iam_problem_findings(model: IamModel) -> Iterator[Finding]:
    """Identity policies the IAM model could not parse."""
    for problem in model.problems:
        yield Finding(
            rule=UNPARSEABLE_POLICY,
            resource=problem.holder,
            title=f"{problem.policy}: {problem.message}, so the access it grants is unknown",
            severity=Severity.MEDIUM,
            evidence=(Evidence("policy", problem.policy), Evidence("error", problem.message)),
            region="global",
        )


def _hop_label(index: int, path: EscalationPath) -> str:
    hop = path.hops[index]
    return f"hop {index + 1}: {hop.edge.method.id}"


def privesc_finding(model: IamModel, path: EscalationPath) -> Finding:
    start, target = name_of(model, path.start), name_of(model, path.target)
    severity = Severity.CRITICAL if path.admin else Severity.HIGH
    what = "an administrator" if path.admin else "more privileged"
    if path.target == path.start:
        becomes = f"can rewrite its own permissions ({what})"
    else:
        becomes = f"can become {target} ({what})"
    hops = f"{len(path.hops)} hop{'s' if len(path.hops) > 1 else ''}: {' -> '.join(path.methods)}"
    title = f"{start}: {becomes} in {hops}"
    evidence = [Evidence(_hop_label(i, path), hop.evidence()) for i, hop in enumerate(path.hops)]
    evidence.append(Evidence("target privilege", path.privilege.describe()))
    if path.functions:
        evidence.append(Evidence("functions executing as it", list(path.functions)))
    if path.conditional:
        severity = lower(severity)
        keys = list(dict.fromkeys(h.key for h in path.hinges))
        unlisted = [h.edge.method.unknown for h in path.hops if h.edge.method.unknown]
        title += f" (conditional: {', '.join([*keys, *(['unlisted resources'] if unlisted else [])])})"
        evidence.append(Evidence("conditions", [h.to_json() for h in path.hinges]))
        if unlisted:
            evidence.append(Evidence("needs resources not in the snapshot", unlisted))
    if (scp_note := model.scp_evidence(path.start)) is not None:
        evidence.append(scp_note)
    cap = min((h.edge.method.severity for h in path.hops), key=lambda s: s.rank, default=severity)
    severity = min(severity, cap, key=lambda s: s.rank)
    return Finding(
        PRIVESC, path.start, title, severity, path=path.nodes, evidence=tuple(evidence), region="global"
    )


def privesc_findings(iam: IamAnalysis) -> list[Finding]:
    """The iam.privesc findings: one per escalation path the analysis found."""
    return [privesc_finding(iam.model, p) for found in iam.paths.values() for p in found]


def iam_findings(iam: IamAnalysis) -> list[Finding]:
    """Every iam.* finding of one IAM analysis except those on resource policies (the graph's)."""
    return [*permission_findings(iam.model), *privesc_findings(iam), *iam_problem_findings(iam.model)]
