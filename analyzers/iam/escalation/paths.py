"""Chains of escalation edges: from each principal to the principals it can become, and the best way.

The search runs over *states*, not bare principals, because what a caller ends up with depends on
how it got there:
- ("as", P): acting as P, with P's current permissions;
- ("control", P): acting as P after rewriting P's identity policies (capped by P's boundary/SCPs);
- ("member", U, G): acting as user U after adding itself to group G;
- ("service", S, account): code the caller runs in service S (Lambda, EC2...), which may assume
  any role of the account whose trust policy admits S (the caller may pass it every role).
A controlling or joined state can do at least what the plain one can, so it steps back to it at
no cost. Shortest paths (Dijkstra, depth bounded by MAX_HOPS) weigh one hop plus the method's
rank (a deterministic tie-break); they are searched first over certain edges only, then over all,
so a conditional edge never makes a path certain nor replaces a certain way. A service step
(PassRole through `service:lambda.amazonaws.com` to the role it assumes) is part of the caller's
hop. Paths end at administrators: beyond one there is nothing left to gain. Which paths are
reported is `hops.maximal`: per target its best path, only targets not dominated by another.

The state graph is built from the fans (`state_graph`) and searched with sinks in bulk
(`search`). A start that certainly reaches an administrator, and reaches none only under
conditions (`admin_reach`), is reported with exactly the administrators of the first hop layer
where it meets one (anything else is dominated or longer): its search stops there and only those
are made into paths. Other starts take the full search, every reached state read as before.
A start's answer is kept compact (`routes.Routes`) and made into paths when read.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analyzers.iam.escalation.admin_reach import AdminReach
from analyzers.iam.escalation.edge_record import EscalationEdge
from analyzers.iam.escalation.fans import Fan, Member, edge_of
from analyzers.iam.escalation.hops import EscalationPath, Hop, better, maximal
from analyzers.iam.escalation.methods import METHODS, RANK, SERVICE_ASSUMES
from analyzers.iam.escalation.principal_index import PrincipalIndex, mask_of, positions
from analyzers.iam.escalation.routes import Group, Routes, Shape
from analyzers.iam.escalation.search import Search, search
from analyzers.iam.escalation.state_graph import (
    CONDITIONAL,
    HOP,
    MAX_HOPS,
    Arcs,
    StateSpace,
    base_weight,
    build_arcs,
)
from analyzers.iam.escalation.types import EscalationMethod, Yields
from analyzers.iam.principal_policies import IamModel
from analyzers.iam.privilege import Privilege
from policy.catalogue import load_catalogue

__all__ = ["MAX_HOPS", "EscalationGraph", "EscalationPath", "Hop"]

_BY_RANK = {RANK[m.id]: m for m in METHODS}
_YIELDS_OF_KIND = {
    "as": Yields.IDENTITY,
    "control": Yields.CONTROL,
    "control+": Yields.CONTROL,
    "member": Yields.MEMBERSHIP,
}


def method_of(weight: int) -> EscalationMethod:
    """The method of the lightest edge an arc of this weight stands for (ranks are unique)."""
    return SERVICE_ASSUMES if weight < HOP else _BY_RANK[(weight - HOP) % CONDITIONAL]


class EscalationGraph:
    """The state graph of every escalation fan, searched per start principal."""

    def __init__(
        self, model: IamModel, fans: Iterable[Fan], principals: PrincipalIndex | None = None
    ) -> None:
        self.model = model
        self.space = space = StateSpace(principals or PrincipalIndex(model.estate.principals), model.caps)
        self._privileges: dict[int, Privilege] = {}
        self._interned: dict[tuple[bool, int, int], Privilege] = {}
        self._above: dict[tuple[int, int, int], bool] = {}
        self._spent_bits: dict[str, int] = {}
        self._functions: dict[str, tuple[str, ...]] = {}
        self._reach: dict[int, AdminReach] = {}
        self.by_source: dict[int, list[Fan]] = {}
        conditional = False
        targets = 0  # as- and control-states some fan leads to
        for fan in fans:
            source = space.source_state(fan)
            if self.privilege(source).admin:
                continue  # an administrator has nothing left to gain: paths end there
            self.by_source.setdefault(source, []).append(fan)
            mine = fan.certain | fan.conditional
            if fan.method.yields is Yields.CONTROL:  # (control+ states: admin_extras below)
                targets |= (mine & ~space.capped(fan.method)) << space.size
            else:
                targets |= mine
            conditional = conditional or bool(fan.conditional) or any(m[3] for m in fan.specials())
        self.admin_sinks = mask_of(s for s in positions(targets) if self.privilege(s).admin)
        self.certain = build_arcs(space, self.by_source, False, self._steps_back)
        self.everything = (
            build_arcs(space, self.by_source, True, self._steps_back) if conditional else self.certain
        )
        self.conditional = conditional
        extras = set(self.everything.core_out) | {
            v for out in self.everything.core_out.values() for v, _ in out
        }
        self.admin_extras = frozenset(s for s in extras if s >= 2 * space.size and self.privilege(s).admin)
        self._extras_order = {state: i for i, state in enumerate(self.admin_extras)}  # (iteration order)

    # -- privileges ---------------------------------------------------------------------------
    def _steps_back(self, state: int) -> bool:
        return not self.privilege(state).admin

    def privilege(self, state: int) -> Privilege:
        cached = self._privileges.get(state)
        if cached is None:
            kind, *rest = self.space.state(state)
            model = self.model
            if kind == "service":
                found = Privilege(False, 0, 0)  # a way through, never a prize
            elif kind == "control":
                found = Privilege.of(model.ceiling(rest[0]))
            elif kind == "control+":
                found = Privilege.of(model.ceiling(rest[0], frozenset(rest[1].split(","))))
            elif kind == "member":
                found = Privilege.of(model.joined(rest[0], rest[1]))
            elif rest[0] in model.actors:
                found = Privilege.of(model.effective(rest[0]))
            else:
                found = Privilege(False, 0, 0)  # a group acts only through its members
            # equal privileges share one object (cheap comparisons and caches by id)
            cached = self._privileges[state] = self._interned.setdefault(
                (found.admin, found.allowed, found.possible), found
            )
        return cached

    def _spent(self, method: EscalationMethod) -> int:
        held = self._spent_bits.get(method.id)
        if held is None:
            held = self._spent_bits[method.id] = load_catalogue().patterns_bits(method.actions)
        return held

    def _strictly_above(self, privilege: Privilege, base: Privilege, spent: int) -> bool:
        key = (id(base), id(privilege), spent)
        verdict = self._above.get(key)
        if verdict is None:
            verdict = self._above[key] = privilege.strictly_above(base, spent)
        return verdict

    def _admin_reach(self, arcs: Arcs) -> AdminReach:
        held = self._reach.get(id(arcs))
        if held is None:
            space = self.space
            held = self._reach[id(arcs)] = AdminReach(
                arcs,
                self.admin_sinks,
                self.admin_extras,
                space.fold,
                lambda s: space.principals.position[space.node(s)],
            )
        return held

    # -- paths --------------------------------------------------------------------------------
    def functions_of(self, start: str) -> tuple[str, ...]:
        held = self._functions.get(start)
        if held is None:
            found = self.model.functions_by_role.get(start, ())
            held = self._functions[start] = tuple(sorted(f.arn for f in found))
        return held

    def arc(self, arcs: Arcs, u: int, v: int) -> tuple[EscalationEdge, tuple[str, ...]] | None:
        """The edge an arc stands for (the lightest, the first of equals) and the other methods
        between the same states (None: a controlling state stepping back)."""
        space = self.space
        target_kind = space.state(v)[0]
        if u >= space.size and space.state(u)[0] in ("control", "control+", "member"):
            return None
        everything = arcs is self.everything and self.conditional
        target = space.node(v) if target_kind != "service" else space.state(v)[1]
        best: tuple[int, Fan, Member] | None = None
        alternatives: list[str] = []
        for fan in self.by_source.get(u, ()):
            if target_kind != "service" and fan.method.yields is not _YIELDS_OF_KIND[target_kind]:
                continue
            if target_kind.startswith("control") and space.target_state(fan, target) != v:
                continue  # a controlling method that lifts other caps leads elsewhere
            found = fan.member(target)
            if found is None or (found[3] and not everything):
                continue
            weight = base_weight(fan.method) + CONDITIONAL * found[3]
            if best is None:
                best = (weight, fan, found)
            elif weight < best[0]:  # what networkx's add_edge keeps: the lighter edge
                alternatives.append(best[1].method.id)
                best = (weight, fan, found)
            else:
                alternatives.append(fan.method.id)
        assert best is not None, (space.state(u), space.state(v))
        _, fan, member = best
        return edge_of(fan.source, fan.method, member), tuple(dict.fromkeys(alternatives))

    def hops(self, arcs: Arcs, route: list[int]) -> tuple[Hop, ...]:
        """The hops of a route (a service's step to its role joins the caller's hop)."""
        hops: list[Hop] = []
        for u, v in itertools.pairwise(route):
            found = self.arc(arcs, u, v)
            if found is None:
                continue
            edge, alternatives = found
            if edge.method is SERVICE_ASSUMES and hops:
                hops[-1] = Hop(hops[-1].edge, hops[-1].alternatives, edge)
            else:
                hops.append(Hop(edge, alternatives))
        return tuple(hops)

    def path(self, arcs: Arcs, start: str, prefix: Sequence[int], last: int, shape: Shape) -> EscalationPath:
        """The path along `prefix` then `last` (`shape`: its methods and certainty), its hops
        made when first read."""
        return EscalationPath(
            start,
            self.space.node(last),
            None,
            self.privilege(last),
            self.functions_of(start),
            later=functools.partial(self._hops_to, arcs, prefix, last),
            hop_methods=shape[0],
            conditional=shape[1],
        )

    def _hops_to(self, arcs: Arcs, prefix: Sequence[int], last: int) -> tuple[Hop, ...]:
        return self.hops(arcs, [*prefix, last])

    def paths_from(self, start: str) -> list[EscalationPath]:
        """The strictly more privileged principals `start` can become, each by its best path."""
        routes = self.routes_from(start)
        return [] if routes is None else self.made(routes)

    def made(self, routes: Routes) -> list[EscalationPath]:
        """A start's paths, best first."""
        start, arcs = routes.start, routes.arcs
        found = [
            self.path(arcs, start, prefix, state, shape)
            for prefix, shape, states in routes.groups
            for state in states
        ]
        found.extend(routes.made)
        return sorted(found, key=lambda p: (p.conditional, not p.admin, p.target))

    def routes_from(self, start: str) -> Routes | None:
        """What `start` reaches, compact (None: nothing more privileged)."""
        origin = self.space.known(("as", start))
        if origin is None or origin not in self.everything.core:
            return None
        base = self.privilege(origin)
        if base.admin:
            return None
        found = self._first_admins(start, origin)
        if found is None:
            made = self._every_target(start, origin, base)
            found = Routes(start, self.certain, made=tuple(made)) if made else None
        return found

    def _first_admins(self, start: str, origin: int) -> Routes | None:
        """The administrators of the first hop layer where the start meets one, when that is the
        whole answer (None: it is not; see the module docstring). A start with no certain edge
        at all has only conditional paths: the first administrators of the full graph, then."""
        if origin in self.certain.core:
            arcs = self.certain
            if self.conditional:
                certain = self._admin_reach(self.certain).within(origin, MAX_HOPS)
                if not certain or self._admin_reach(self.everything).within(origin, MAX_HOPS) & ~certain:
                    return None
        else:
            arcs = self.everything
        found = search(arcs, origin, self.admin_sinks, self.admin_extras, stop_at_admin=True)
        if not found.admin_seen:
            return None
        return Routes(start, arcs, self._admin_groups(found))

    def _admin_groups(self, found: Search) -> tuple[Group, ...]:
        """Per administrator principal reached, its first state reached (in the order networkx's
        search yields them), grouped by the route to the state before it."""
        space, size = self.space, self.space.size
        chosen: dict[int, tuple[tuple[int, int], tuple[int, ...], int]] = {}  # principal -> order, before
        taken = 0  # the principals in `chosen`, as a bitset
        every = (1 << size) - 1
        for distance, rank, before, weight, mask in found.reached(self.admin_sinks):
            # states in ascending order, a principal's first one kept: per block of `size` states
            # (its as-states, then its control states), the principals not taken yet
            offset = 0
            while mask:
                new = mask & every & ~taken
                if new:
                    order, route = (distance, rank), (before, weight)
                    for principal in positions(new):
                        chosen[principal] = (order, route, principal + offset)
                    taken |= new
                mask >>= size
                offset += size
        # the administrator extras the search popped (those in `found.dist`), in the order of
        # `admin_extras` (a start meets a few of the hundreds a dense account has)
        for state in sorted(found.extras, key=self._extras_order.__getitem__):
            key = (found.dist[state], found.popped[found.pred[state]])
            principal = space.principals.position[space.node(state)]
            held = chosen.get(principal)
            if held is None or key < held[0]:
                before = found.pred[state]
                chosen[principal] = (key, (before, found.dist[state] - found.dist[before]), state)
        groups: dict[tuple[int, ...], list[int]] = {}
        for _, via, state in chosen.values():
            groups.setdefault(via, []).append(state)
        out: list[Group] = []
        for (before, weight), states in groups.items():
            prefix = found.route_to(before)
            out.append((tuple(prefix), _shape([*_weights(found, prefix), weight]), tuple(states)))
        return tuple(out)

    def _every_target(self, start: str, origin: int, base: Privilege) -> list[EscalationPath]:
        """Every state reached, read as networkx's search yields them (the full search); paths
        are made only for the targets `maximal` keeps."""
        best: dict[str, _Reached] = {}
        graphs = (self.certain, self.everything) if self.conditional else (self.certain,)
        every_state = (1 << (2 * self.space.size)) - 1
        for arcs in graphs:  # certain ways first; conditional ones fill in
            if origin not in arcs.core:
                continue
            found = search(arcs, origin)
            reached: list[tuple[tuple[int, int], int, int, int | None]] = [
                ((d, found.popped[found.pred[v]]), v, d, None) for v, d in found.dist.items() if v != origin
            ]
            for distance, rank, pred, _, mask in found.reached(every_state):
                reached.extend(((distance, rank), state, distance, pred) for state in positions(mask))
            reached.sort(key=lambda r: r[0])  # the order networkx's search yields them
            marks = _Marks(found)
            for _, state, distance, before in reached:
                privilege = self.privilege(state)
                if privilege.is_empty:
                    continue
                route = found.route_to(state) if before is None else [*found.route_to(before), state]
                # the first step's weight names its method, whose permissions the start spends
                weight = distance if len(route) == 2 and before is not None else found.dist[route[1]]
                if not self._strictly_above(privilege, base, self._spent(method_of(weight))):
                    continue
                conditional = marks.conditional(before, distance) if before is not None else marks.of(state)
                weights = _weights(found, route if before is None else route[:-1])
                if before is not None:
                    weights.append(distance - found.dist[before])
                record = _Reached(
                    self.space.node(state), privilege, conditional, distance // HOP, arcs, route, weights
                )
                held = best.get(record.target)
                if held is None or better(record, held):
                    best[record.target] = record
        return [
            self.path(r.arcs, start, r.route[:-1], r.route[-1], _shape(r.weights))
            for r in maximal(best.values())
        ]


@dataclass(frozen=True, slots=True)
class _Reached:
    """A state the full search reached, as `better` and `maximal` rank it (its path made later)."""

    target: str
    privilege: Privilege
    conditional: bool
    hop_count: int
    arcs: Arcs
    route: list[int]
    weights: list[int]


class _Marks:
    """Whether the route to a state takes a conditional edge (read off the arcs' weights: a
    conditional edge weighs CONDITIONAL more than its method's rank allows)."""

    def __init__(self, found: Search) -> None:
        self._found = found
        self._held: dict[int, bool] = {found.origin: False}

    def of(self, state: int) -> bool:
        held = self._held.get(state)
        if held is None:
            found = self._found
            before = found.pred[state]
            held = self._held[state] = self.conditional(before, found.dist[state])
        return held

    def conditional(self, before: int, distance: int) -> bool:
        """A route through `before` ending at `distance`."""
        weight = distance - self._found.dist[before]
        return weight % HOP >= CONDITIONAL or self.of(before)


def _shape(weights: Sequence[int]) -> Shape:
    """Read off the arcs' weights: a hop's weight names its method, a conditional edge weighs
    CONDITIONAL more (a service's own step and a stepping back weigh less than a hop)."""
    return tuple(method_of(w) for w in weights if w >= HOP), any(w % HOP >= CONDITIONAL for w in weights)


def _weights(found: Search, route: list[int]) -> list[int]:
    """The weights of the arcs of a route through popped states."""
    dist = found.dist
    return [dist[v] - dist[u] for u, v in itertools.pairwise(route)]
