"""IAM rules over paths: iam.privesc (with the `can-assume` / `escalates-to` graph edges), and
iam.unparseable-policy (policies the engine cannot parse leave access unknown, not denied).

`analyze_iam(estate, graph)` runs the whole IAM analysis once: the model of every principal's
policies, the escalation edges (added to the estate graph so reachability can chain through
them), the shortest escalation paths per principal, and the findings of every IAM rule.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import networkx as nx

from analyzers.escalation.edges import EdgeEvidence, EscalationEdge, escalation_edges
from analyzers.escalation.methods import SERVICE_ASSUMES
from analyzers.escalation.paths import EscalationGraph, EscalationPath
from analyzers.escalation.targets import SERVICE_NODE
from analyzers.findings import RULES, Evidence, Finding, Rule, Severity
from analyzers.iam_model import IamModel
from analyzers.iam_permissions import lower, name_of, permission_findings
from estate.invokers import PolicyProblem
from estate.model import Estate

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
    )
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
    )
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


def _iam_problem_findings(model: IamModel) -> Iterator[Finding]:
    for problem in model.problems:
        yield Finding(
            rule=UNPARSEABLE_POLICY,
            resource=problem.holder,
            title=f"{problem.policy}: {problem.message}, so the access it grants is unknown",
            severity=Severity.MEDIUM,
            evidence=(Evidence("policy", problem.policy), Evidence("error", problem.message)),
            region="global",
        )


@dataclass(repr=False)
class IamAnalysis:
    """Everything the IAM analysis computed, kept for the IAM pane and principal summaries."""

    model: IamModel
    edges: list[EscalationEdge]
    escalation: EscalationGraph
    paths: dict[str, list[EscalationPath]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def __repr__(self) -> str:
        return (
            f"IamAnalysis({len(self.model.actors)} principals, {len(self.edges)} escalation edges, "
            f"{sum(len(p) for p in self.paths.values())} paths, {len(self.findings)} findings)"
        )


def add_iam_edges(graph: nx.MultiDiGraph, edges: list[EscalationEdge]) -> None:
    """`escalates-to:<method>` edges (and `can-assume` for trust-based ones) into the estate graph.

    A large estate has about a million of them: on a plain MultiDiGraph they are written straight
    into its adjacency (what `add_node`/`add_edge` do, without their per-call overhead)."""
    put = _writer(graph)
    assuming = {"sts-assume-role", SERVICE_ASSUMES.id}
    methods: dict[str, tuple[str, str, str, bool]] = {}  # id -> key, id, yields, assuming
    nodes = graph._node
    for edge in edges:
        source, target = edge.source, edge.target
        if source not in nodes or target not in nodes:
            for node in (source, target):
                if node not in nodes:
                    kind = "service" if node.startswith(SERVICE_NODE) else "principal"
                    graph.add_node(node, kind=kind, label=node.rsplit("/", 1)[-1])
        method = edge.method
        about = methods.get(method.id)
        if about is None:
            about = methods[method.id] = (
                f"escalates-to:{method.id}",
                method.id,
                method.yields.value,
                method.id in assuming,
            )
        key, method_id, yields, assumes = about
        evidence = EdgeEvidence(edge)
        hinges = edge.hinges
        conditional = edge.conditional
        keys = list(dict.fromkeys(h.key for h in hinges)) if hinges else []
        put(
            source,
            target,
            key,
            {
                "kind": "escalates-to",
                "method": method_id,
                "yields": yields,
                "via": edge.via,
                "conditional": conditional,
                "condition_keys": keys,
                "evidence": evidence,
            },
        )
        if assumes:
            attrs = {"kind": "can-assume", "conditional": conditional, "condition_keys": keys}
            put(source, target, "can-assume", {**attrs, "evidence": evidence})
    nx._clear_cache(graph)


def _writer(graph: nx.MultiDiGraph) -> Callable[[str, str, str, dict[str, object]], None]:
    """`graph.add_edge(u, v, key=key, **attrs)` for nodes already in the graph."""
    if type(graph) is not nx.MultiDiGraph:
        return lambda u, v, key, attrs: graph.add_edge(u, v, key=key, **attrs)
    succ, pred = graph._succ, graph._pred
    new_keys, new_data = graph.edge_key_dict_factory, graph.edge_attr_dict_factory
    plain = new_data is dict

    def put(u: str, v: str, key: str, attrs: dict[str, object]) -> None:
        neighbours = succ[u]
        keydict = neighbours.get(v)
        if keydict is None:
            keydict = neighbours[v] = new_keys()
            pred[v][u] = keydict
        data = keydict.get(key)
        if data is None:
            if plain:
                keydict[key] = attrs  # a fresh dict per call: what add_edge would have built
                return
            data = keydict[key] = new_data()
        data.update(attrs)

    return put


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


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the duration: the analysis allocates millions of
    small objects it keeps (edges, grants, graph attributes) and none it drops in cycles, so the
    collector's passes over an ever larger heap were a third of its time on large estates."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def analyze_iam(estate: Estate, graph: nx.MultiDiGraph | None = None) -> IamAnalysis:
    """The IAM analysis of an estate; with `graph`, its escalation edges are added to it."""
    with _collector_paused():
        model = IamModel(estate)
        edges = escalation_edges(model)
        if graph is not None:
            add_iam_edges(graph, edges)
        escalation = EscalationGraph(model, edges)
        paths = {arn: found for arn in model.actors if (found := escalation.paths_from(arn))}
        findings = [
            *permission_findings(model),
            *(privesc_finding(model, p) for found in paths.values() for p in found),
            *_iam_problem_findings(model),
        ]
    return IamAnalysis(model, edges, escalation, paths, findings)
