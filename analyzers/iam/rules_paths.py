"""IAM rules over paths: iam.privesc (with the `can-assume` / `escalates-to` graph edges), and
iam.unparseable-policy (policies the engine cannot parse leave access unknown, not denied).

`analyze_iam(estate, graph)` runs the whole IAM analysis once: the model of every principal's
policies, the escalation edges (added to the estate graph so reachability can chain through
them), the shortest escalation paths per principal, and the findings of every IAM rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import networkx as nx

from analyzers.findings.model import RULES, Evidence, Finding, Rule, Severity
from analyzers.gc_pause import cyclic_gc_paused
from analyzers.iam.escalation.edges import EdgeEvidence, EscalationEdge, escalation_edges
from analyzers.iam.escalation.methods import SERVICE_ASSUMES
from analyzers.iam.escalation.paths import EscalationGraph, EscalationPath
from analyzers.iam.escalation.targets import SERVICE_NODE
from analyzers.iam.principal_policies import IamModel
from analyzers.iam.rules_permissions import lower, name_of, permission_findings
from estate.model.functions import Estate
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


ROLE_FANOUT = 250
"""A principal's edges by one method to more principals than this are drawn through a `role-set`
node, shared by every principal whose edges by that method are the same: ninety developers who
may each update every function's code would otherwise be 450,000 edges on a 10,000-function
estate (and quadratic beyond). Reach queries and rules walk through the set node like any other;
the IAM analysis' own edges and paths are unchanged."""


def add_iam_edges(graph: nx.MultiDiGraph, edges: list[EscalationEdge]) -> None:
    """`escalates-to:<method>` edges (and `can-assume` for trust-based ones) into the estate graph.

    A large estate has about a million of them: on a plain MultiDiGraph they are written straight
    into its adjacency (what `add_node`/`add_edge` do, without their per-call overhead); fan-outs
    above ROLE_FANOUT go through `role-set` nodes."""
    writer = _EdgeWriter(graph)
    groups: dict[tuple[str, str], list[EscalationEdge]] = {}
    for edge in edges:
        groups.setdefault((edge.source, edge.method.id), []).append(edge)
    sets: dict[tuple[object, ...], str] = {}
    for (source, method_id), group in groups.items():
        if len(group) <= ROLE_FANOUT or method_id in _ASSUMING:
            for edge in group:
                writer.edge(edge)
            continue
        signature = (method_id, tuple((e.target, e.via, id(e.grants), e.conditional) for e in group))
        hub = sets.get(signature)
        if hub is None:
            hub = sets[signature] = f"role-set:{method_id}:{len(sets) + 1}"
            graph.add_node(hub, kind="role-set", label=f"{len(group):,} principals ({method_id})")
            for edge in group:
                writer.edge(edge, holder=hub)
        writer.into_set(source, hub, group)
    nx._clear_cache(graph)


_ASSUMING = frozenset({"sts-assume-role", SERVICE_ASSUMES.id})


class _EdgeWriter:
    """Writes escalation edges into the graph (nodes it lacks are added: services, principals)."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph
        self.put = _writer(graph)
        self.nodes = graph._node

    def _ensure(self, node: str) -> None:
        if node not in self.nodes:
            kind = "service" if node.startswith(SERVICE_NODE) else "principal"
            self.graph.add_node(node, kind=kind, label=node.rsplit("/", 1)[-1])

    def edge(self, edge: EscalationEdge, holder: str | None = None) -> None:
        """The edge from its caller, or (`holder`) from a role-set node standing for its callers."""
        source = edge.source if holder is None else holder
        self._ensure(source)
        self._ensure(edge.target)
        method = edge.method
        evidence = EdgeEvidence(edge, holder)
        keys = list(dict.fromkeys(h.key for h in edge.hinges)) if edge.hinges else []
        attrs: dict[str, object] = {
            "kind": "escalates-to",
            "method": method.id,
            "yields": method.yields.value,
            "via": edge.via,
            "conditional": edge.conditional,
            "condition_keys": keys,
            "evidence": evidence,
        }
        self.put(source, edge.target, f"escalates-to:{method.id}", attrs)
        if method.id in _ASSUMING:
            assume = {"kind": "can-assume", "conditional": edge.conditional, "condition_keys": keys}
            self.put(source, edge.target, "can-assume", {**assume, "evidence": evidence})

    def into_set(self, source: str, hub: str, group: list[EscalationEdge]) -> None:
        """`source` -> the role-set node standing for its `group` of edges by one method."""
        self._ensure(source)
        first = group[0]
        method = first.method
        self.put(
            source,
            hub,
            f"escalates-to:{method.id}",
            {
                "kind": "escalates-to",
                "method": method.id,
                "yields": method.yields.value,
                "via": None,
                # the set's edges say which targets need conditions; none needed to enter it
                "conditional": all(e.conditional for e in group),
                "condition_keys": [],
                "target_count": len(group),
                "evidence": {
                    "method": method.id,
                    "title": method.title,
                    "from": source,
                    "to": hub,
                    "targets": len(group),
                    "sample_targets": [e.target for e in group[:10]],
                    "permissions (first target)": [g.to_json() for g in first.grants],
                    "note": "each edge from the set names the function or role used and its permissions",
                },
            },
        )


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


def analyze_iam(estate: Estate, graph: nx.MultiDiGraph | None = None) -> IamAnalysis:
    """The IAM analysis of an estate; with `graph`, its escalation edges are added to it."""
    with cyclic_gc_paused():  # millions of small objects kept, none dropped in cycles
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
