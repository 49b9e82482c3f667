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

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from analyzers.iam.escalation.edge_record import EscalationEdge
from analyzers.iam.escalation.methods import RANK, SERVICE_ASSUMES
from analyzers.iam.escalation.search import RouteSearches, State
from analyzers.iam.escalation.targets import SERVICE_NODE, is_service
from analyzers.iam.escalation.types import Yields
from analyzers.iam.grant import account_of
from analyzers.iam.principal_policies import IamModel
from analyzers.iam.privilege import Privilege
from policy.catalogue import load_catalogue
from policy.decision import Hinge

MAX_HOPS = 5


def _from_state(edge: EscalationEdge) -> State:
    if is_service(edge.source):  # a service acts for callers of the role's own account
        return ("service", edge.source, account_of(edge.target))
    return ("as", edge.source)


_CONTROL, _MEMBERSHIP = Yields.CONTROL, Yields.MEMBERSHIP  # (enum attribute reads are slow)
_STEPS_BACK = frozenset({"control", "member"})  # states that step back to the plain one for free


def _to_state(edge: EscalationEdge) -> State:
    target = edge.target
    if target.startswith(SERVICE_NODE):
        return ("service", target, account_of(edge.source))
    yields = edge.method.yields
    if yields is _CONTROL:
        return ("control", target)
    if yields is _MEMBERSHIP:
        return ("member", edge.source, target)
    return ("as", target)


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


Arcs = dict[State, dict[State, _Arc]]  # state -> next state -> the best edge between them


def _prefer(arc: _Arc, edge: EscalationEdge, weight: int) -> None:
    """A second edge between the same two states: what `nx.DiGraph.add_edge` would keep (the
    lighter edge wins; the other becomes an alternative)."""
    if weight < arc.weight:
        assert arc.edge is not None
        arc.alternatives.append(arc.edge.method.id)
        arc.edge, arc.weight = edge, weight
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
    # Dominance depends on privilege and certainty only: decided once per distinct pair.
    kinds = list(dict.fromkeys((p.privilege, p.conditional) for p in found))
    dominated = {
        (privilege, conditional)
        for privilege, conditional in kinds
        if any(
            other.strictly_above(privilege) and (conditional or not other_conditional)
            for other, other_conditional in kinds
        )
    }
    kept = [p for p in found if (p.privilege, p.conditional) not in dominated]
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
    """The state graph of every escalation edge, searched per start principal.

    Arcs are kept in plain dicts, in the order networkx would hold them (the graphs `certain`
    and `everything` are built from them on request); starts whose searches would be the same
    step for step (the same arcs out, to states that never lead back to either) share one."""

    def __init__(self, model: IamModel, edges: Iterable[EscalationEdge]) -> None:
        self.model = model
        self._certain: Arcs = {}
        self._everything: Arcs = {}
        self._order: dict[int, dict[State, None]] = {id(self._certain): {}}
        self._graphs: dict[str, nx.DiGraph] = {}
        self._privileges: dict[State, Privilege] = {}
        self._conditional = False  # any conditional edge at all (else one search is enough)
        self._adjacencies: dict[int, dict[State, list[tuple[State, int]]]] = {}
        self._spent_bits: dict[str, int] = {}  # method id -> the actions its first step spends
        self._interned: dict[tuple[bool, int, int], Privilege] = {}
        self._above: dict[tuple[int, int, int], bool] = {}  # (base id, privilege id, spent) -> verdict
        self._route_searches: dict[int, RouteSearches] = {}
        edges = list(edges)
        self._conditional = any(e.conditional for e in edges)
        if self._conditional:
            self._order[id(self._everything)] = {}
        else:  # the same arcs: paths_from then searches the certain ones only
            self._everything = self._certain
        pairs = [(arcs, self._order[id(arcs)]) for arcs in (self._everything, self._certain)]
        both = tuple(pairs) if self._conditional else (pairs[1],)
        everything = (pairs[0],)
        privileges, admin_sources = self._privileges, set[State]()
        sources: dict[str, State] = {}
        for edge in edges:
            source_arn = edge.source
            known = sources.get(source_arn)
            if known is not None:
                source = known
            elif source_arn.startswith(SERVICE_NODE):
                source = _from_state(edge)  # a service acts per account: the target's
            else:
                source = sources[source_arn] = ("as", source_arn)
            if source in admin_sources:
                continue
            held = privileges.get(source)
            if (held if held is not None else self.privilege(source)).admin:
                admin_sources.add(source)
                continue  # an administrator has nothing left to gain: paths end there
            target = _to_state(edge)
            conditional = edge.conditional
            weight = _weight(edge)
            for arcs, order in everything if conditional else both:
                if source not in order:
                    order[source] = None
                if target not in order:
                    order[target] = None
                nexts = arcs.get(source)
                if nexts is None:
                    nexts = arcs[source] = {}
                arc = nexts.get(target)
                if arc is None:
                    nexts[target] = _Arc(edge, weight)
                else:
                    _prefer(arc, edge, weight)
                if target[0] in _STEPS_BACK and not self.privilege(target).admin:
                    back = ("as", target[1])
                    order.setdefault(back)
                    arcs.setdefault(target, {})[back] = _Arc(None, 0)

    @property
    def certain(self) -> nx.DiGraph:
        """The certain edges as a networkx graph (weight and arc on each edge)."""
        return self._graph("certain", self._certain)

    @property
    def everything(self) -> nx.DiGraph:
        """Every edge, certain or conditional, as a networkx graph."""
        return self._graph("everything", self._everything)

    def _graph(self, name: str, arcs: Arcs) -> nx.DiGraph:
        graph = self._graphs.get(name)
        if graph is None:
            graph = self._graphs[name] = nx.DiGraph()
            graph.add_nodes_from(self._order[id(arcs)])
            graph.add_edges_from(
                (u, v, {"weight": arc.weight, "arc": arc})
                for u, nexts in arcs.items()
                for v, arc in nexts.items()
            )
        return graph

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

    def _path(self, arcs: Arcs, start: str, route: list[State]) -> EscalationPath:
        hops: list[Hop] = []
        for u, v in itertools.pairwise(route):
            arc = arcs[u][v]
            if arc.edge is None:
                continue
            if arc.edge.method is SERVICE_ASSUMES and hops:
                hops[-1] = Hop(hops[-1].edge, hops[-1].alternatives, arc.edge)
            else:
                hops.append(Hop(arc.edge, tuple(dict.fromkeys(arc.alternatives))))
        functions = tuple(sorted(f.arn for f in self.model.functions_by_role.get(start, ())))
        return EscalationPath(start, _node(route[-1]), tuple(hops), self.privilege(route[-1]), functions)

    def _adjacency(self, arcs: Arcs) -> dict[State, list[tuple[State, int]]]:
        """The successors with their weights, in networkx's own order (built once)."""
        held = self._adjacencies.get(id(arcs))
        if held is None:
            held = {u: [(v, arc.weight) for v, arc in nexts.items()] for u, nexts in arcs.items()}
            self._adjacencies[id(arcs)] = held
        return held

    def _spent(self, edge: EscalationEdge | None) -> int:
        if edge is None:
            return 0
        held = self._spent_bits.get(edge.method.id)
        if held is None:
            held = self._spent_bits[edge.method.id] = load_catalogue().patterns_bits(edge.method.actions)
        return held

    def _search(self, arcs: Arcs, origin: State, base: Privilege) -> list[list[State]]:
        """The routes (from `origin`) to states strictly above `base`."""
        searches = self._route_searches.get(id(arcs))
        if searches is None:
            adjacency = self._adjacency(arcs)
            searches = self._route_searches[id(arcs)] = RouteSearches(adjacency, _CUTOFF, _node)
        found = searches.routes(origin)
        if found is None:
            return []
        order, pred, start, extra = found
        tails: list[list[State]] = []
        privileges, above, out_arcs, base_id = self._privileges, self._above, arcs[origin], id(base)
        spent_by_step: dict[State, int] = {}
        for state, first_step in order:
            privilege = privileges.get(state) or self.privilege(state)
            if privilege.is_empty:
                continue
            spent = spent_by_step.get(first_step)
            if spent is None:
                spent = spent_by_step[first_step] = self._spent(out_arcs[first_step].edge)
            verdict_key = (base_id, id(privilege), spent)
            verdict = above.get(verdict_key)
            if verdict is None:
                verdict = above[verdict_key] = privilege.strictly_above(base, spent)
            if verdict:
                tail = extra.get(state)
                if tail is None:
                    tail = [state]
                    while (state := pred[state]) != start:
                        tail.append(state)
                    tail.reverse()
                tails.append(tail)
        return [[origin, *tail] for tail in tails]

    def paths_from(self, start: str) -> list[EscalationPath]:
        """The strictly more privileged principals `start` can become, each by its best path."""
        origin: State = ("as", start)
        if origin not in self._order[id(self._everything)]:
            return []
        base = self.privilege(origin)
        if base.admin:
            return []
        paths: dict[str, EscalationPath] = {}
        graphs = (self._certain, self._everything) if self._conditional else (self._certain,)
        for arcs in graphs:  # certain ways first; conditional ones fill in
            for route in self._search(arcs, origin, base):
                path = self._path(arcs, start, route)
                held = paths.get(path.target)
                if held is None or _better(path, held):
                    paths[path.target] = path
        return sorted(_maximal(paths.values()), key=lambda p: (p.conditional, not p.admin, p.target))
