"""IAM rules over paths: iam.privesc (one per escalating principal, from the IAM analysis' paths), and
iam.unparseable-policy (policies the engine cannot parse leave access unknown, not denied).

Both read the IAM analysis (`analyzers.iam.analysis`) that every iam.* rule shares; `iam_findings`
gives all of an analysis' IAM findings at once, for callers outside `analyze()`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import networkx as nx

from analyzers.findings.model import Evidence, Finding, Rule, Severity, finding_id
from analyzers.findings.registry import RULES
from analyzers.iam.analysis import IamAnalysis, iam_pass
from analyzers.iam.escalation.paths import EscalationGraph, EscalationPath
from analyzers.iam.escalation.routes import EscalationPaths, Group, Routes
from analyzers.iam.escalation.types import EscalationMethod
from analyzers.iam.escalation_gain import ADMIN_GAIN, Gain, GainGrader
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
            "granted; its effective privilege is that of the most privileged principal it reaches. "
            "One finding per principal, rated by its worst outcome: becoming an administrator is "
            "critical, new read or write on pci/confidential stores or secrets high, other new write "
            "or permissions-management power medium, new reads only low; a path that holds only "
            "under a condition is one step lower. Every other target is listed in the evidence."
        ),
        remediation=(
            "Remove the permission the first hop uses (see each hop's statements), scope iam:PassRole "
            "and sts:AssumeRole to the roles needed, or cap the principal with a permissions boundary."
        ),
        compliance=("PCI-DSS-4.0:7.2.1", "PCI-DSS-4.0:7.2.2", "AWS-FSBP:IAM.21"),
    ),
    check=lambda ctx: privesc_findings(ctx.once(iam_pass), ctx.settings.classification_tag_key),
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


@dataclass(frozen=True, slots=True)
class GradedPath:
    """One target of an escalating principal: its best path, what it gains, and the severity."""

    path: EscalationPath
    gain: Gain
    severity: Severity
    conditional: bool

    @property
    def order(self) -> tuple[object, ...]:
        """Worst first: severity, then certain before conditional, fewer hops, then the target."""
        return (-self.severity.rank, self.conditional, self.path.hop_count, self.path.target)

    def to_json(self, model: IamModel) -> dict[str, object]:
        path = self.path
        return {
            "target": path.target,
            "name": name_of(model, path.target),
            "outcome": self.gain.outcome,
            "severity": self.severity.value,
            "hops": path.hop_count,
            "methods": list(path.methods),
            "conditional": self.conditional,
        }


def graded(path: EscalationPath, gain: Gain) -> GradedPath:
    """The path's severity: the gain's grade, one step lower when a condition decides it (the
    caller cannot make it hold), never above what its methods allow."""
    return GradedPath(path, gain, severity_of(gain, path.hop_methods, path.conditional), path.conditional)


def severity_of(gain: Gain, methods: Iterable[EscalationMethod], conditional: bool) -> Severity:
    severity = lower(gain.grade) if conditional else gain.grade
    rank = severity.rank
    for method in methods:
        cap = method.severity
        if cap.rank < rank:
            severity, rank = cap, cap.rank
    return severity


class GroupedTarget:
    """A `GradedPath` for one of the administrators a start reaches the same way as others
    (`routes.Routes`): graded once per group, its path made only if it is the one shown."""

    __slots__ = ("_escalation", "_routes", "conditional", "prefix", "severity", "shape", "state", "target")
    gain = ADMIN_GAIN

    def __init__(
        self, escalation: EscalationGraph, routes: Routes, group: Group, state: int, severity: Severity
    ) -> None:
        self._escalation = escalation
        self._routes = routes
        self.prefix, self.shape, _ = group
        self.state = state
        self.severity = severity
        self.conditional = self.shape[1]
        self.target = escalation.space.node(state)

    @property
    def path(self) -> EscalationPath:
        routes = self._routes
        return self._escalation.path(routes.arcs, routes.start, self.prefix, self.state, self.shape)

    @property
    def order(self) -> tuple[object, ...]:
        return (-self.severity.rank, self.conditional, len(self.shape[0]), self.target)

    def to_json(self, model: IamModel) -> dict[str, object]:
        return {
            "target": self.target,
            "name": name_of(model, self.target),
            "outcome": ADMIN_GAIN.outcome,
            "severity": self.severity.value,
            "hops": len(self.shape[0]),
            "methods": [m.id for m in self.shape[0]],
            "conditional": self.conditional,
        }


def privesc_finding(model: IamModel, targets: Sequence[GradedPath | GroupedTarget]) -> Finding:
    """The one finding about a principal: its worst target by its best path, the others listed.

    The id is the rule's and the principal's alone: which of equally good paths is shown, or a
    target more or less, must not reopen a finding that was triaged or suppressed."""
    ranked = sorted(targets, key=lambda t: t.order)
    best = ranked[0]
    path = best.path
    start, target = name_of(model, path.start), name_of(model, path.target)
    what = best.gain.outcome
    if path.target == path.start:
        becomes = f"can rewrite its own permissions ({what})"
    else:
        becomes = f"can become {target} ({what})"
    hops = f"{len(path.hops)} hop{'s' if len(path.hops) > 1 else ''}: {' -> '.join(path.methods)}"
    title = f"{start}: {becomes} in {hops}"
    evidence = [Evidence("targets", len(ranked))]
    evidence.extend(Evidence(_hop_label(i, path), hop.evidence()) for i, hop in enumerate(path.hops))
    evidence.append(Evidence("target privilege", path.privilege.describe()))
    evidence.append(Evidence("gain", best.gain.to_json()))
    if path.functions:
        evidence.append(Evidence("functions executing as it", list(path.functions)))
    if path.conditional:
        keys = list(dict.fromkeys(h.key for h in path.hinges))
        unlisted = [h.edge.method.unknown for h in path.hops if h.edge.method.unknown]
        title += f" (conditional: {', '.join([*keys, *(['unlisted resources'] if unlisted else [])])})"
        evidence.append(Evidence("conditions", [h.to_json() for h in path.hinges]))
        if unlisted:
            evidence.append(Evidence("needs resources not in the snapshot", unlisted))
    if len(ranked) > 1:
        others = len(ranked) - 1
        title += f"; {others} other target{'s' if others > 1 else ''}"
        evidence.append(Evidence("other targets", [t.to_json(model) for t in ranked[1:]]))
    if (scp_note := model.scp_evidence(path.start)) is not None:
        evidence.append(scp_note)
    return Finding(
        PRIVESC,
        path.start,
        title,
        best.severity,
        path=path.nodes,
        evidence=tuple(evidence),
        region="global",
        id=finding_id(PRIVESC.id, path.start),
    )


def privesc_findings_of(
    model: IamModel, paths: Iterable[EscalationPath], tag_key: str | None = None
) -> list[Finding]:
    """One iam.privesc finding per principal that starts any of `paths`."""
    grader = GainGrader(model, tag_key)
    by_start: dict[str, list[GradedPath]] = {}
    for path in paths:
        by_start.setdefault(path.start, []).append(graded(path, grader.gain(path)))
    return [privesc_finding(model, targets) for targets in by_start.values()]


def privesc_findings(iam: IamAnalysis, tag_key: str | None = None) -> list[Finding]:
    """The iam.privesc findings: one per principal that can escalate (see DESIGN.md section 5).
    A start's paths are made, graded and dropped before the next start's (a large estate has
    a million of them)."""
    grader = GainGrader(iam.model, tag_key)
    paths = iam.paths
    found = []
    for start in paths:
        routes = paths.routes(start) if isinstance(paths, EscalationPaths) else None
        if routes is None:
            targets: list[GradedPath | GroupedTarget] = [graded(p, grader.gain(p)) for p in paths[start]]
        else:  # groups of administrators (graded alike), and the paths the full search made
            targets = [graded(p, grader.gain(p)) for p in routes.made]
            for group in routes.groups:
                severity = severity_of(ADMIN_GAIN, group[1][0], group[1][1])
                targets.extend(GroupedTarget(iam.escalation, routes, group, s, severity) for s in group[2])
        if targets:
            found.append(privesc_finding(iam.model, targets))
    return found


def iam_findings(iam: IamAnalysis, tag_key: str | None = None) -> list[Finding]:
    """Every iam.* finding of one IAM analysis except those on resource policies (the graph's)."""
    return [
        *permission_findings(iam.model, iam.classes),
        *privesc_findings(iam, tag_key),
        *iam_problem_findings(iam.model),
    ]
