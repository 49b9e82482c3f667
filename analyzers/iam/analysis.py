"""The IAM analysis of an estate, run once: the model of every principal's policies, the escalation
edges (added to the estate graph so reachability can chain through them) and the shortest
escalation paths per principal. The iam.* rules turn it into findings (`iam_pass` shares it).

Edges and paths are kept as summaries (`escalation`): the edges as fans listed on reading, the
paths per start as groups made into paths on reading. Figures (2-core machine, CPU seconds):
a 10,000-function synthetic estate 7 s -> 1.3 s; a 2,000-role IAM-dense account 52 s -> 2.3 s;
a 100,000-function estate, which ran out of memory at 14 GiB, 18 s and 1 GB.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx

from analyzers.findings.context import RuleContext
from analyzers.gc_pause import cyclic_gc_paused
from analyzers.iam.escalation.account_edges import add_account_trust_edges
from analyzers.iam.escalation.edge_record import EscalationEdge
from analyzers.iam.escalation.edges import escalation_fans
from analyzers.iam.escalation.fans import EscalationEdges
from analyzers.iam.escalation.graph_edges import add_iam_edges
from analyzers.iam.escalation.paths import EscalationGraph, EscalationPath
from analyzers.iam.escalation.principal_index import PrincipalIndex
from analyzers.iam.escalation.routes import EscalationPaths
from analyzers.iam.escalation.target_classes import TargetClasses
from analyzers.iam.principal_policies import IamModel
from estate.model import Estate


@dataclass(repr=False)
class IamAnalysis:
    """Everything the IAM analysis computed: the iam.* rules read it, and so do the IAM pane and
    principal summaries."""

    model: IamModel
    edges: Sequence[EscalationEdge]  # made on reading, fan by fan (`EscalationEdges.fans`)
    escalation: EscalationGraph
    paths: Mapping[str, list[EscalationPath]] = field(default_factory=dict)  # made on reading
    classes: TargetClasses | None = None  # the engine's decisions per class of targets, reused by rules

    def __repr__(self) -> str:
        return (
            f"IamAnalysis({len(self.model.actors)} principals, {len(self.edges)} escalation edges, "
            f"{_count(self.paths)} paths)"
        )


def analyze_iam(
    estate: Estate, graph: nx.MultiDiGraph | None = None, as_of: dt.date | None = None
) -> IamAnalysis:
    """The IAM analysis of an estate; with `graph`, its escalation edges are added to it.
    Time-bound conditions are decided at the snapshot's time, or on the `as_of` day."""
    with cyclic_gc_paused():  # millions of small objects kept, none dropped in cycles
        model = IamModel(estate, as_of=as_of)
        principals = PrincipalIndex(estate.principals)
        classes = TargetClasses(model, principals)
        fans = escalation_fans(model, principals, classes)
        if graph is not None:
            add_iam_edges(graph, fans, principals)
            add_account_trust_edges(graph, model)  # `account:<id>` nodes of the accounts trust names
        escalation = EscalationGraph(model, fans, principals)
        routes = {arn: found for arn in model.actors if (found := escalation.routes_from(arn))}
    return IamAnalysis(
        model, EscalationEdges(fans), escalation, EscalationPaths(routes, escalation.made), classes
    )


def _count(paths: Mapping[str, list[EscalationPath]]) -> int:
    if isinstance(paths, EscalationPaths):
        return paths.count()
    return sum(len(p) for p in paths.values())


def iam_pass(ctx: RuleContext) -> IamAnalysis:
    """The IAM analysis the iam.* rules (and the network rules) share, run once per context.

    `analyze()` records the one it ran while building the graph (`RuleContext.given`); computed
    here, it adds no edges (the context's graph is frozen).
    """
    return analyze_iam(ctx.estate, as_of=ctx.today)
