"""IAM rules over paths: iam.privesc (one per escalating principal, from the IAM analysis' paths), and
iam.unparseable-policy (policies the engine cannot parse leave access unknown, not denied).

Both read the IAM analysis (`analyzers.iam.analysis`) that every iam.* rule shares; `iam_findings`
gives all of an analysis' IAM findings at once, for callers outside `analyze()`.
"""

from __future__ import annotations

import itertools
import operator
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


class AdminGroup:
    """Administrators a start reaches the same way (`routes.Group`): graded once for all of them,
    ranked and listed without an object per target, a path made only for the one shown."""

    __slots__ = (
        "_escalation",
        "_routes",
        "conditional",
        "hops",
        "key",
        "methods",
        "node",
        "nodes",
        "prefix",
        "severity",
        "severity_value",
        "shape",
        "states",
    )

    def __init__(self, escalation: EscalationGraph, routes: Routes, group: Group, severity: Severity) -> None:
        self._escalation = escalation
        self._routes = routes
        self.prefix, self.shape, states = group
        self.severity = severity
        self.conditional = self.shape[1]
        self.states = states
        self.node = escalation.space.node  # the principal (ARN) a state is
        self.nodes = escalation.space.nodes  # (of many states)
        hops = len(self.shape[0])
        self.key = (-severity.rank, self.conditional, hops)  # GradedPath.order but the target
        self.hops = hops
        self.methods = [m.id for m in self.shape[0]]
        self.severity_value = severity.value

    def path(self, state: int) -> EscalationPath:
        routes = self._routes
        return self._escalation.path(routes.arcs, routes.start, self.prefix, state, self.shape)


Ranked = tuple[str, int, "GradedPath | AdminGroup", int]
"""(target, place in the input, the graded path or the group it is of, the group's state or -1)."""
_TARGET = operator.itemgetter(0)


def ranked_targets(paths: Sequence[GradedPath], groups: Sequence[AdminGroup] = ()) -> list[Ranked]:
    """Every target, worst first (`GradedPath.order`; equal ones in input order, paths before
    groups): sorted per (severity, certainty, hops) bucket by ARN alone, as a start may reach
    thousands of administrators alike."""
    buckets: dict[tuple[int, bool, int], list[Ranked]] = {}
    place = 0
    for graded_path in paths:
        key = (-graded_path.severity.rank, graded_path.conditional, graded_path.path.hop_count)
        buckets.setdefault(key, []).append((graded_path.path.target, place, graded_path, -1))
        place += 1
    for group in groups:
        bucket = buckets.setdefault(group.key, [])
        states = group.states
        bucket.extend(
            zip(group.nodes(states), range(place, place + len(states)), itertools.repeat(group), states)
        )
        place += len(states)
    ranked: list[Ranked] = []
    for key in sorted(buckets):
        bucket = buckets[key]
        # by (target, place): a bucket is filled in place order, so a stable sort by the target
        # alone is that order (and compares strings, not tuples: twice as fast on 80,000 targets)
        bucket.sort(key=_TARGET)
        ranked += bucket
    return ranked


def privesc_finding(
    model: IamModel,
    targets: Sequence[GradedPath],
    groups: Sequence[AdminGroup] = (),
) -> Finding:
    """The one finding about a principal: its worst target by its best path, the others listed.

    The id is the rule's and the principal's alone: which of equally good paths is shown, or a
    target more or less, must not reopen a finding that was triaged or suppressed."""
    ranked = ranked_targets(targets, groups)
    _target, _place, first, state = ranked[0]
    if isinstance(first, GradedPath):
        path, gain, severity = first.path, first.gain, first.severity
    else:
        path, gain, severity = first.path(state), ADMIN_GAIN, first.severity
    start, target = name_of(model, path.start), name_of(model, path.target)
    what = gain.outcome
    if path.target == path.start:
        becomes = f"can rewrite its own permissions ({what})"
    else:
        becomes = f"can become {target} ({what})"
    hops = f"{len(path.hops)} hop{'s' if len(path.hops) > 1 else ''}: {' -> '.join(path.methods)}"
    title = f"{start}: {becomes} in {hops}"
    evidence = [Evidence("targets", len(ranked))]
    evidence.extend(Evidence(_hop_label(i, path), hop.evidence()) for i, hop in enumerate(path.hops))
    evidence.append(Evidence("target privilege", path.privilege.describe()))
    evidence.append(Evidence("gain", gain.to_json()))
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
        evidence.append(
            Evidence(
                "other targets",
                _others_json(ranked),
            )
        )
    if (scp_note := model.scp_evidence(path.start)) is not None:
        evidence.append(scp_note)
    return Finding(
        PRIVESC,
        path.start,
        title,
        severity,
        path=path.nodes,
        evidence=tuple(evidence),
        region="global",
        id=finding_id(PRIVESC.id, path.start),
    )


OtherTargets = dict[str, object]
"""One group of a finding's "other targets": the targets reached with the same outcome, severity,
number of hops, methods and certainty, listed by ARN (`_others_json`)."""
_HowReached = tuple[str, str, int, tuple[str, ...], bool]  # outcome, severity, hops, methods, conditional


def _others_json(ranked: list[Ranked]) -> list[OtherTargets]:
    """Every target but the first, grouped by how it is reached: the groups worst first (in the
    order their first target ranks) and each group's targets in rank order. One line per target
    repeating its outcome, severity and methods made 86 MB of JSON for the 2,000-role account
    (201,000 targets listed, 99% of the report) and 1.9 million lines at 100,000 functions,
    where administrators reached alike (`AdminGroup`) are most of them."""
    groups: dict[_HowReached, list[str]] = {}  # in the order their first target ranks
    keys: dict[int, _HowReached] = {}  # an AdminGroup's key, by the group's id
    for target, _place, source, _state in itertools.islice(ranked, 1, None):
        if isinstance(source, GradedPath):
            path = source.path
            key: _HowReached = (
                source.gain.outcome,
                source.severity.value,
                path.hop_count,
                tuple(path.methods),
                source.conditional,
            )
        else:
            found = keys.get(id(source))
            if found is None:
                found = keys[id(source)] = (
                    ADMIN_GAIN.outcome,
                    source.severity_value,
                    source.hops,
                    tuple(source.methods),
                    source.conditional,
                )
            key = found
        members = groups.get(key)
        if members is None:
            members = groups[key] = []
        members.append(target)
    return [
        {
            "outcome": outcome,
            "severity": severity,
            "hops": hops,
            "methods": list(methods),
            "conditional": conditional,
            "count": len(targets),
            "targets": targets,
        }
        for (outcome, severity, hops, methods, conditional), targets in groups.items()
    ]


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
        groups: list[AdminGroup] = []
        if routes is None:
            targets = [graded(p, grader.gain(p)) for p in paths[start]]
        else:  # groups of administrators (graded alike), and the paths the full search made
            targets = [graded(p, grader.gain(p)) for p in routes.made]
            for group in routes.groups:
                severity = severity_of(ADMIN_GAIN, group[1][0], group[1][1])
                if group[2]:
                    groups.append(AdminGroup(iam.escalation, routes, group, severity))
        if targets or groups:
            found.append(privesc_finding(iam.model, targets, groups))
    return found


def iam_findings(iam: IamAnalysis, tag_key: str | None = None) -> list[Finding]:
    """Every iam.* finding of one IAM analysis except those on resource policies (the graph's)."""
    return [
        *permission_findings(iam.model, iam.classes),
        *privesc_findings(iam, tag_key),
        *iam_problem_findings(iam.model),
    ]
