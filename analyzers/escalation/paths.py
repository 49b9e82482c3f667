"""Chains of escalation edges: from each principal to the principals it can become, and the best way.

The search runs over *states*, not bare principals, because what a caller ends up with depends on
how it got there:
- ("as", P): acting as P, with P's current permissions;
- ("control", P): acting as P after rewriting P's identity policies (capped by P's boundary/SCPs);
- ("member", U, G): acting as user U after adding itself to group G;
- ("service", S, account): code the caller runs in service S (Lambda, EC2...), which may assume
  any role of the account whose trust policy admits S (the caller may pass it every role).
A controlling or joined state can do at least what the plain one can, so it steps back to it at
no cost. Shortest paths (networkx Dijkstra, depth bounded by MAX_HOPS) weigh one hop plus the
method's rank (a deterministic tie-break); they are searched first over certain edges only, then
over all, so a conditional edge never makes a path certain nor replaces a certain way. A service
step (PassRole through `service:lambda.amazonaws.com` to the role it assumes) is part of the
caller's hop. Paths end at administrators: beyond one there is nothing left to gain.

For each start principal, a target is reported once, by its best path, and only when it is
strictly more privileged (iam_privilege) and not itself dominated by another reported target
reached at least as certainly (a start that reaches an admin is not also told about every
lesser role on the way).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import networkx as nx

from analyzers.escalation.edges import EscalationEdge
from analyzers.escalation.methods import RANK, SERVICE_ASSUMES
from analyzers.escalation.targets import is_service
from analyzers.escalation.types import Yields
from analyzers.iam_grant import account_of
from analyzers.iam_model import IamModel
from analyzers.iam_privilege import Privilege
from policy.catalogue import load_catalogue
from policy.decision import Hinge

MAX_HOPS = 5
State = tuple[str, ...]


def _from_state(edge: EscalationEdge) -> State:
    if is_service(edge.source):  # a service acts for callers of the role's own account
        return ("service", edge.source, account_of(edge.target))
    return ("as", edge.source)


def _to_state(edge: EscalationEdge) -> State:
    if is_service(edge.target):
        return ("service", edge.target, account_of(edge.source))
    if edge.yields is Yields.CONTROL:
        return ("control", edge.target)
    if edge.yields is Yields.MEMBERSHIP:
        return ("member", edge.source, edge.target)
    return ("as", edge.target)


def _node(state: State) -> str:
    return state[1] if state[0] == "service" else state[-1]


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a path; a PassRole step that goes through a service carries the service's own
    step to the role (`through`), so a path counts the caller's actions, not the graph's nodes."""

    edge: EscalationEdge
    alternatives: tuple[str, ...] = ()  # other methods between the same states
    through: EscalationEdge | None = None  # the service -> role step (its trust policy)

    @property
    def target(self) -> str:
        return (self.through or self.edge).target

    @property
    def nodes(self) -> tuple[str, ...]:
        return (self.edge.target, self.through.target) if self.through else (self.edge.target,)

    @property
    def conditional(self) -> bool:
        return self.edge.conditional or (self.through is not None and self.through.conditional)

    @property
    def hinges(self) -> tuple[Hinge, ...]:
        return self.edge.hinges + (self.through.hinges if self.through else ())

    def evidence(self) -> dict[str, object]:
        out = {**self.edge.evidence(), "alternatives": list(self.alternatives)}
        if self.through is not None:
            out["to"] = self.through.target
            out["through"] = self.through.evidence()
        return out


@dataclass(frozen=True, slots=True)
class EscalationPath:
    """How `start` becomes `target` (hop by hop), and what it then holds."""

    start: str
    target: str
    hops: tuple[Hop, ...]
    privilege: Privilege
    functions: tuple[str, ...] = field(default=())  # functions that execute as `start`

    @property
    def conditional(self) -> bool:
        return any(h.conditional for h in self.hops)

    @property
    def admin(self) -> bool:
        return self.privilege.admin

    @property
    def hinges(self) -> tuple[Hinge, ...]:
        return tuple(h for hop in self.hops for h in hop.hinges)

    @property
    def nodes(self) -> tuple[str, ...]:
        """Graph node ids: the first function running as `start` (if any), `start`, each hop's end."""
        head = self.functions[:1]
        return (*head, self.start, *(n for h in self.hops for n in h.nodes))

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(h.edge.method.id for h in self.hops)


_HOP = 10_000  # the weight of one hop; ranks and conditional marks on a path stay below it
_CONDITIONAL = 100  # above any rank: between the same two states, a certain edge wins
_CUTOFF = MAX_HOPS * _HOP + _HOP - 1  # at most MAX_HOPS hops, whatever their ranks and marks


@dataclass(slots=True)
class _Arc:
    """The best edge between two states (the others between them are kept as alternatives)."""

    edge: EscalationEdge | None  # None for the free step back from a controlling/joined state
    weight: int
    alternatives: list[str] = field(default_factory=list)


def _weight(edge: EscalationEdge) -> int:
    penalty = _CONDITIONAL if edge.conditional else 0
    if edge.method is SERVICE_ASSUMES:  # the service's step is part of the caller's hop
        return penalty
    return _HOP + penalty + RANK[edge.method.id]


def _add(graph: nx.DiGraph, source: State, target: State, edge: EscalationEdge) -> None:
    weight = _weight(edge)
    data = graph.get_edge_data(source, target)
    if data is None:
        graph.add_edge(source, target, weight=weight, arc=_Arc(edge, weight))
        return
    arc: _Arc = data["arc"]
    if weight < arc.weight:
        assert arc.edge is not None
        arc.alternatives.append(arc.edge.method.id)
        arc.edge, arc.weight = edge, weight
        data["weight"] = weight
    else:
        arc.alternatives.append(edge.method.id)


def _better(new: EscalationPath, held: EscalationPath) -> bool:
    if new.conditional != held.conditional:
        return held.conditional
    if new.privilege.strictly_above(held.privilege):
        return True
    if held.privilege.strictly_above(new.privilege):
        return False
    return len(new.hops) < len(held.hops)


def _maximal(paths: Iterable[EscalationPath]) -> list[EscalationPath]:
    """Targets not dominated by another reached at least as certainly; of equally privileged
    targets, those reached in the fewest hops (a longer way to an equal prize adds nothing)."""
    found = list(paths)
    kept = [
        p
        for p in found
        if not any(
            q is not p and q.privilege.strictly_above(p.privilege) and (p.conditional or not q.conditional)
            for q in found
        )
    ]
    fewest: dict[tuple[object, ...], int] = {}
    for p in kept:
        key = _prize(p)
        fewest[key] = min(fewest.get(key, len(p.hops)), len(p.hops))
    return [p for p in kept if len(p.hops) == fewest[_prize(p)]]


def _prize(path: EscalationPath) -> tuple[object, ...]:
    privilege = path.privilege
    if privilege.admin:
        return (True, path.conditional)
    return (False, path.conditional, privilege.allowed, privilege.possible)


class EscalationGraph:
    """The state graph of every escalation edge (networkx), searched per start principal."""

    def __init__(self, model: IamModel, edges: Iterable[EscalationEdge]) -> None:
        self.model = model
        self.certain: nx.DiGraph = nx.DiGraph()
        self.everything: nx.DiGraph = nx.DiGraph()
        self._privileges: dict[State, Privilege] = {}
        self._conditional = False  # any conditional edge at all (else one search is enough)
        self._adjacencies: dict[int, dict[State, list[tuple[State, int]]]] = {}
        self._spent_bits: dict[str, int] = {}  # method id -> the actions its first step spends
        self._interned: dict[tuple[bool, int, int], Privilege] = {}
        self._above: dict[tuple[int, int, int], bool] = {}  # (base id, privilege id, spent) -> verdict
        for edge in edges:
            source, target = _from_state(edge), _to_state(edge)
            if self.privilege(source).admin:
                continue  # an administrator has nothing left to gain: paths end there
            self._conditional = self._conditional or edge.conditional
            graphs = (self.everything,) if edge.conditional else (self.everything, self.certain)
            for graph in graphs:
                _add(graph, source, target, edge)
                if target[0] in {"control", "member"} and not self.privilege(target).admin:
                    graph.add_edge(target, ("as", target[1]), weight=0, arc=_Arc(None, 0))

    def privilege(self, state: State) -> Privilege:
        cached = self._privileges.get(state)
        if cached is None:
            if state[0] == "service":
                self._privileges[state] = Privilege(False, 0, 0)  # a way through, never a prize
                return self._privileges[state]
            if state[0] == "control":
                permissions = self.model.ceiling(state[1])
            elif state[0] == "member":
                permissions = self.model.joined(state[1], state[2])
            else:
                permissions = self.model.effective(state[1])
            found = Privilege.of(permissions)  # equal privileges share one object (cheap comparisons)
            cached = self._privileges[state] = self._interned.setdefault(
                (found.admin, found.allowed, found.possible), found
            )
        return cached

    def _path(self, graph: nx.DiGraph, start: str, route: list[State]) -> EscalationPath:
        hops: list[Hop] = []
        for u, v in itertools.pairwise(route):
            arc: _Arc = graph.edges[u, v]["arc"]
            if arc.edge is None:
                continue
            if arc.edge.method is SERVICE_ASSUMES and hops:
                hops[-1] = Hop(hops[-1].edge, hops[-1].alternatives, arc.edge)
            else:
                hops.append(Hop(arc.edge, tuple(dict.fromkeys(arc.alternatives))))
        functions = tuple(sorted(f.arn for f in self.model.functions_by_role.get(start, ())))
        return EscalationPath(start, _node(route[-1]), tuple(hops), self.privilege(route[-1]), functions)

    def _adjacency(self, graph: nx.DiGraph) -> dict[State, list[tuple[State, int]]]:
        """The graph's successors with their weights, in networkx's own order (built once)."""
        held = self._adjacencies.get(id(graph))
        if held is None:
            held = {u: [(v, data["weight"]) for v, data in nbrs.items()] for u, nbrs in graph.adj.items()}
            self._adjacencies[id(graph)] = held
        return held

    def _spent(self, edge: EscalationEdge | None) -> int:
        if edge is None:
            return 0
        held = self._spent_bits.get(edge.method.id)
        if held is None:
            held = self._spent_bits[edge.method.id] = load_catalogue().patterns_bits(edge.method.actions)
        return held

    def paths_from(self, start: str) -> list[EscalationPath]:
        """The strictly more privileged principals `start` can become, each by its best path."""
        origin: State = ("as", start)
        if origin not in self.everything:
            return []
        base = self.privilege(origin)
        if base.admin:
            return []
        paths: dict[str, EscalationPath] = {}
        graphs = (self.certain, self.everything) if self._conditional else (self.certain,)
        for graph in graphs:  # certain ways first; conditional ones fill in
            adjacency = self._adjacency(graph)
            if origin not in adjacency:
                continue
            for state, route in _shortest_routes(adjacency, origin):
                privilege = self.privilege(state)
                if privilege.is_empty:
                    continue
                first = graph.edges[route[0], route[1]]["arc"].edge
                spent = self._spent(first)
                key = (id(base), id(privilege), spent)
                verdict = self._above.get(key)
                if verdict is None:
                    verdict = self._above[key] = privilege.strictly_above(base, spent)
                if not verdict:
                    continue
                path = self._path(graph, start, route)
                held = paths.get(path.target)
                if held is None or _better(path, held):
                    paths[path.target] = path
        return sorted(_maximal(paths.values()), key=lambda p: (p.conditional, not p.admin, p.target))


def _shortest_routes(
    adjacency: dict[State, list[tuple[State, int]]], origin: State
) -> Iterator[tuple[State, list[State]]]:
    """Every state within _CUTOFF of `origin` but itself, with its shortest route, nearest first.

    networkx's single-source Dijkstra step for step (same heap order, same tie-breaks, so the
    same routes), minus its per-edge overhead; routes are rebuilt only for the states asked for.
    """
    dist: dict[State, int] = {}
    seen: dict[State, int] = {origin: 0}
    pred: dict[State, State] = {}
    counter = itertools.count()
    fringe: list[tuple[int, int, State]] = [(0, next(counter), origin)]
    routes: dict[State, list[State]] = {origin: [origin]}
    push, pop, cutoff, nothing = heapq.heappush, heapq.heappop, _CUTOFF, ()
    while fringe:
        dist_v, _, v = pop(fringe)
        if v in dist:
            continue
        dist[v] = dist_v
        if v != origin:
            route = routes[v] = [*routes[pred[v]], v]
            yield v, route
        for u, cost in adjacency.get(v, nothing):
            vu_dist = dist_v + cost
            if vu_dist > cutoff or u in dist:
                continue
            held = seen.get(u)
            if held is None or vu_dist < held:
                seen[u] = vu_dist
                push(fringe, (vu_dist, next(counter), u))
                pred[u] = v
