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
import threading
from collections.abc import Callable, Mapping, Sequence
from functools import partial

import networkx as nx

from analyzers.findings.context import RuleContext
from analyzers.gc_pause import cyclic_gc_paused
from analyzers.iam.escalation.account_edges import add_account_trust_edges
from analyzers.iam.escalation.edge_record import EscalationEdge
from analyzers.iam.escalation.edges import escalation_fans
from analyzers.iam.escalation.fans import EscalationEdges, Fan
from analyzers.iam.escalation.graph_edges import add_iam_edges
from analyzers.iam.escalation.paths import EscalationGraph, EscalationPath
from analyzers.iam.escalation.principal_index import PrincipalIndex
from analyzers.iam.escalation.routes import EscalationPaths
from analyzers.iam.escalation.target_classes import TargetClasses
from analyzers.iam.principal_policies import IamModel
from estate.model import Estate


class IamAnalysis:
    """Everything the IAM analysis computed: the iam.* rules read it, and so do the IAM pane and
    principal summaries.

    The escalation search (`escalation`, `paths`) runs when first read, not with the edges: the
    access stage needs only the edges. In the headless commands the first reader is the
    iam.privesc rule, checked in the parent process beside the forked child that runs the
    reachability rules or, on an account with more principals than functions, in a child
    forked as soon as the fans are made (`rule_workers.early_rules`): either way beside another
    process's work, and never inherited by the processes forked before it. The answers are the
    same whenever they are made: the search reads only the model and the fans.
    """

    def __init__(
        self,
        model: IamModel,
        edges: Sequence[EscalationEdge],  # made on reading, fan by fan (`EscalationEdges.fans`)
        escalation: EscalationGraph | Callable[[], EscalationGraph],
        paths: Mapping[str, list[EscalationPath]] | None = None,  # made on reading
        classes: TargetClasses | None = None,  # the engine's decisions per class of targets
        principals: PrincipalIndex | None = None,  # the fans' bit positions (`draw_escalation`)
    ) -> None:
        self.model = model
        self.edges = edges
        self.classes = classes
        self.principals = principals
        self._escalation = escalation
        self._paths = paths
        self._lock = threading.Lock()  # the TUI's panes may read the paths from two threads

    @property
    def escalation(self) -> EscalationGraph:
        """The principals' escalation graph, searched on the first reading."""
        with self._lock:
            if not isinstance(self._escalation, EscalationGraph):
                self._escalation = self._escalation()
            return self._escalation

    @property
    def paths(self) -> Mapping[str, list[EscalationPath]]:
        """Every escalating principal's paths, best first (made on each reading, from routes kept)."""
        escalation = self.escalation
        with self._lock:
            if self._paths is None:
                with cyclic_gc_paused():
                    found = ((arn, escalation.routes_from(arn)) for arn in self.model.actors)
                    routes = {arn: start for arn, start in found if start}
                self._paths = EscalationPaths(routes, escalation.made)
            return self._paths

    def search(self) -> None:
        """Run the escalation search now, if it has not run (a worker thread, before the panes
        read the paths on the UI thread)."""
        self.paths  # noqa: B018  (the property runs it)

    @property
    def searched(self) -> bool:
        """Whether the escalation search has run in this process (tests, diagnostics)."""
        return self._paths is not None

    def __repr__(self) -> str:
        paths = f"{_count(self._paths)} paths" if self._paths is not None else "paths not searched yet"
        edges = f"{len(self.edges)} escalation edges"
        return f"IamAnalysis({len(self.model.actors)} principals, {edges}, {paths})"


def analyze_iam(
    estate: Estate,
    graph: nx.MultiDiGraph | None = None,
    as_of: dt.date | None = None,
    *,
    model: IamModel | None = None,
) -> IamAnalysis:
    """The IAM analysis of an estate; with `graph`, its escalation edges are added to it (else
    `draw_escalation` adds them later). Time-bound conditions are decided at the snapshot's
    time, or on the `as_of` day. The escalation paths are searched when first read
    (`IamAnalysis.paths`). `model`: the estate's `IamModel(estate, as_of=as_of)`, when the caller
    made it already (`analyze` starts the access stage on it first)."""
    with cyclic_gc_paused():  # millions of small objects kept, none dropped in cycles
        model = model if model is not None else IamModel(estate, as_of=as_of)
        principals = PrincipalIndex(estate.principals)
        classes = TargetClasses(model, principals)
        fans = escalation_fans(model, principals, classes)
    search = partial(_searched, model, fans, principals)
    iam = IamAnalysis(model, EscalationEdges(fans), search, None, classes, principals)
    if graph is not None:
        draw_escalation(graph, iam)
    return iam


def draw_escalation(graph: nx.MultiDiGraph, iam: IamAnalysis) -> None:
    """The IAM analysis' edges into the estate graph: escalation (`graph_edges`) and the
    `account:<id>` nodes of the accounts trust policies name. Apart from `analyze_iam` so that a
    process forked to search the paths (which read only the model and the fans) starts before
    the drawing, not after it."""
    if not isinstance(iam.edges, EscalationEdges) or iam.principals is None:
        raise ValueError("draw_escalation needs an IamAnalysis made by analyze_iam")
    with cyclic_gc_paused():
        add_iam_edges(graph, iam.edges.fans, iam.principals)
        add_account_trust_edges(graph, iam.model)


def _searched(model: IamModel, fans: list[Fan], principals: PrincipalIndex) -> EscalationGraph:
    with cyclic_gc_paused():
        return EscalationGraph(model, fans, principals)


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
