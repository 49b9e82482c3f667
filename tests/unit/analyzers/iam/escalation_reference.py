"""The escalation search as it was before summaries: every edge listed, a networkx Dijkstra per start.

Kept as the reference the summarised search (fans, bitsets of sinks, first administrators only)
must agree with, path for path: the same targets, hops, methods, alternatives and conditions.
It reads the edges `IamAnalysis.edges` lists (made from the fans) and nothing else of them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import networkx as nx

from analyzers.iam.escalation.edge_record import EscalationEdge
from analyzers.iam.escalation.hops import EscalationPath, Hop, better, maximal
from analyzers.iam.escalation.methods import RANK, SERVICE_ASSUMES
from analyzers.iam.escalation.state_graph import CONDITIONAL, CUTOFF, HOP
from analyzers.iam.escalation.types import Yields
from analyzers.iam.grant import account_of
from analyzers.iam.principal_policies import IamModel
from analyzers.iam.privilege import Privilege
from policy.catalogue import load_catalogue

State = tuple[str, ...]


def _from_state(edge: EscalationEdge) -> State:
    if edge.source.startswith("service:"):
        return ("service", edge.source, account_of(edge.target))
    return ("as", edge.source)


def _to_state(edge: EscalationEdge, model: IamModel) -> State:
    if edge.target.startswith("service:"):
        return ("service", edge.target, account_of(edge.source))
    if edge.method.yields is Yields.CONTROL:
        lifted = ",".join(sorted(edge.method.removes & model.caps(edge.target)))
        return ("control+", edge.target, lifted) if lifted else ("control", edge.target)
    if edge.method.yields is Yields.MEMBERSHIP:
        return ("member", edge.source, edge.target)
    return ("as", edge.target)


def _node(state: State) -> str:
    return state[1] if state[0] in ("service", "control+") else state[-1]


def _weight(edge: EscalationEdge) -> int:
    penalty = CONDITIONAL if edge.conditional else 0
    return penalty if edge.method is SERVICE_ASSUMES else HOP + penalty + RANK[edge.method.id]


class ReferenceSearch:
    def __init__(self, model: IamModel, edges: Iterable[EscalationEdge]) -> None:
        self.model = model
        self._privileges: dict[State, Privilege] = {}
        listed = list(edges)
        self.conditional = any(e.conditional for e in listed)
        self.certain = self._graph([e for e in listed if not e.conditional])
        self.everything = self._graph(listed)

    def privilege(self, state: State) -> Privilege:
        if state not in self._privileges:
            model = self.model
            if state[0] == "service":
                found = Privilege(False, 0, 0)
            elif state[0] == "control":
                found = Privilege.of(model.ceiling(state[1]))
            elif state[0] == "control+":
                found = Privilege.of(model.ceiling(state[1], frozenset(state[2].split(","))))
            elif state[0] == "member":
                found = Privilege.of(model.joined(state[1], state[2]))
            else:
                found = Privilege.of(model.effective(state[1]))
            self._privileges[state] = found
        return self._privileges[state]

    def _graph(self, edges: list[EscalationEdge]) -> nx.DiGraph:
        graph = nx.DiGraph()
        for edge in edges:
            source = _from_state(edge)
            if self.privilege(source).admin:
                continue
            target, weight = _to_state(edge, self.model), _weight(edge)
            if graph.has_edge(source, target):
                data = graph[source][target]
                if weight < data["weight"]:  # the lighter edge wins; the other is an alternative
                    data["alternatives"].append(data["edge"].method.id)
                    data["edge"], data["weight"] = edge, weight
                else:
                    data["alternatives"].append(edge.method.id)
            else:
                graph.add_edge(source, target, weight=weight, edge=edge, alternatives=[])
            if target[0] in ("control", "control+", "member") and not self.privilege(target).admin:
                graph.add_edge(target, ("as", target[1]), weight=0, edge=None, alternatives=[])
        return graph

    def paths_from(self, start: str) -> list[EscalationPath]:
        origin: State = ("as", start)
        if origin not in self.everything:
            return []
        base = self.privilege(origin)
        if base.admin:
            return []
        paths: dict[str, EscalationPath] = {}
        for graph in (self.certain, self.everything) if self.conditional else (self.certain,):
            if origin not in graph:
                continue
            dist, routes = nx.single_source_dijkstra(graph, origin, cutoff=CUTOFF, weight="weight")
            for state in dist:  # in the order networkx settles them
                privilege = self.privilege(state)
                if state == origin or privilege.is_empty:
                    continue
                route = routes[state]
                spent = load_catalogue().patterns_bits(graph[origin][route[1]]["edge"].method.actions)
                if not privilege.strictly_above(base, spent):
                    continue
                path = self._path(graph, start, route)
                held = paths.get(path.target)
                if held is None or better(path, held):
                    paths[path.target] = path
        return sorted(maximal(paths.values()), key=lambda p: (p.conditional, not p.admin, p.target))

    def _path(self, graph: nx.DiGraph, start: str, route: list[State]) -> EscalationPath:
        hops: list[Hop] = []
        for u, v in itertools.pairwise(route):
            data = graph[u][v]
            if data["edge"] is None:
                continue
            if data["edge"].method is SERVICE_ASSUMES and hops:
                hops[-1] = Hop(hops[-1].edge, hops[-1].alternatives, data["edge"])
            else:
                hops.append(Hop(data["edge"], tuple(dict.fromkeys(data["alternatives"]))))
        functions = tuple(sorted(f.arn for f in self.model.functions_by_role.get(start, ())))
        return EscalationPath(start, _node(route[-1]), tuple(hops), self.privilege(route[-1]), functions)
