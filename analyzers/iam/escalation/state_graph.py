"""The escalation search's states and arcs, built from the fans (see `paths` for what states mean).

States are numbered so that sets of them are bitsets: as(P) is P's position in the
`PrincipalIndex`, control(P) that plus N (the number of principals), and the few others (a
service acting for an account, a user after joining a group) are numbered from 2N on.

Arcs are split by where they lead. The *core* is every state with an arc out of it (a principal
that can escalate further, a service, a controlled principal that steps back to its plain self);
arcs into the core are listed one by one, in the order networkx would hold them, because the
search (`search`) walks the core exactly as networkx's Dijkstra does. Every other state is a
*sink* (administrators above all: paths end there; and every principal that can do nothing
more): arcs into sinks are kept per source as a few (weight, bitset) pairs, the lightest arc per
sink, built from the fans' bitsets without listing a target. A 10,000-function estate's 520,000
arcs become 9,000 core arcs and a few hundred bitsets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from analyzers.iam.escalation.fans import Fan
from analyzers.iam.escalation.methods import RANK, SERVICE_ASSUMES
from analyzers.iam.escalation.principal_index import PrincipalIndex, mask_of, positions
from analyzers.iam.escalation.types import EscalationMethod, Yields
from analyzers.iam.grant import account_of

State = tuple[str, ...]
HOP = 10_000  # the weight of one hop; ranks and conditional marks on a path stay below it
CONDITIONAL = 100  # above any rank: between the same two states, a certain edge wins
MAX_HOPS = 5
CUTOFF = MAX_HOPS * HOP + HOP - 1  # at most MAX_HOPS hops, whatever their ranks and marks
SERVICE_NODE = "service:"


def base_weight(method: EscalationMethod) -> int:
    """An edge's weight without its conditional mark: a hop plus the method's rank (a service's
    own step to the role it assumes is part of the caller's hop, and weighs nothing)."""
    return 0 if method is SERVICE_ASSUMES else HOP + RANK[method.id]


class StateSpace:
    """States and their numbers."""

    def __init__(
        self, principals: PrincipalIndex, caps: Callable[[str], frozenset[str]] | None = None
    ) -> None:
        """`caps(arn)`: the removable caps a principal has (IamModel.caps); without it none."""
        self.principals = principals
        self.size = len(principals)
        self.low = (1 << self.size) - 1  # every as-state
        self._extras: dict[State, int] = {}
        self._extra_states: list[State] = []
        self._caps = caps
        self._capped: dict[frozenset[str], int] = {}
        self._lifted_states: dict[tuple[frozenset[str], int], int] = {}

    def capped(self, method: EscalationMethod) -> int:
        """The principals a controlling `method` leads to a `control+` state of: those with a cap
        the method lifts (their plain control state keeps every cap)."""
        removes = method.removes
        if not removes or self._caps is None or method.yields is not Yields.CONTROL:
            return 0
        held = self._capped.get(removes)
        if held is None:
            caps = self._caps
            held = self._capped[removes] = mask_of(
                p for p, arn in enumerate(self.principals.arns) if caps(arn) & removes
            )
        return held

    def lifted(self, method: EscalationMethod, target: str) -> str:
        """The caps a controlling hop lifts on `target`, as the `control+` state names them."""
        if not method.removes or self._caps is None:
            return ""
        return ",".join(sorted(method.removes & self._caps(target)))

    def lifted_state(self, method: EscalationMethod, place: int) -> int:
        """`target_state` of a controlling `method`'s edge to the principal at `place` that has a
        cap the method lifts (a `control+` state), kept per (caps lifted, principal): both graphs
        ask it of every such edge, tens of thousands on a 2,000-role account."""
        key = (method.removes, place)
        held = self._lifted_states.get(key)
        if held is None:
            target = self.principals.arns[place]
            held = self._lifted_states[key] = self.extra(("control+", target, self.lifted(method, target)))
        return held

    def as_state(self, arn: str) -> int:
        return self.principals.position[arn]

    def extra(self, state: State) -> int:
        held = self._extras.get(state)
        if held is None:
            held = self._extras[state] = 2 * self.size + len(self._extra_states)
            self._extra_states.append(state)
        return held

    def known(self, state: State) -> int | None:
        """The number of a state (None: no edge reaches or leaves it)."""
        kind = state[0]
        if kind in ("as", "control"):
            place = self.principals.position.get(state[1])
            return None if place is None else place + (self.size if kind == "control" else 0)
        return self._extras.get(state)

    def state(self, number: int) -> State:
        if number < self.size:
            return ("as", self.principals.arns[number])
        if number < 2 * self.size:
            return ("control", self.principals.arns[number - self.size])
        return self._extra_states[number - 2 * self.size]

    def node(self, number: int) -> str:
        """The graph node a state stands for (a service state: the service; a member state: the group)."""
        if number < 2 * self.size:
            return self.principals.arns[number % self.size]
        state = self._extra_states[number - 2 * self.size]
        return state[1] if state[0] in ("service", "control+") else state[-1]

    def nodes(self, numbers: Sequence[int]) -> list[str]:
        """`node` of each state, in order (one call for the thousands of administrators a start
        may reach alike)."""
        arns, size, node = self.principals.arns, self.size, self.node
        plain = 2 * size
        return [arns[n % size] if n < plain else node(n) for n in numbers]

    def fold(self, mask: int) -> int:
        """The principal positions of a bitset of as- and control-states."""
        return (mask | mask >> self.size) & self.low

    def target_state(self, fan: Fan, target: str) -> int:
        """The state an edge of `fan` to `target` leads to."""
        if target.startswith(SERVICE_NODE):
            return self.extra(("service", target, account_of(fan.source)))
        yields = fan.method.yields
        if yields is Yields.MEMBERSHIP:
            return self.extra(("member", fan.source, target))
        if yields is Yields.CONTROL and (lifted := self.lifted(fan.method, target)):
            return self.extra(("control+", target, lifted))  # control with caps lifted
        shift = self.size if yields is Yields.CONTROL else 0
        return self.principals.position[target] + shift

    def source_state(self, fan: Fan) -> int:
        if fan.source.startswith(SERVICE_NODE):  # a service acts per account: its roles'
            first = next(iter(fan.members()))
            return self.extra(("service", fan.source, account_of(first[0])))
        return self.principals.position[fan.source]


@dataclass(slots=True)
class Arcs:
    """One graph's arcs: certain edges only, or every edge."""

    core: set[int] = field(default_factory=set)  # states with an arc out
    core_mask: int = 0  # the as- and control-states among them
    core_out: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # into the core, in order
    sink_out: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # (weight, sinks), disjoint
    lightest: dict[int, int] = field(default_factory=dict)  # state -> its lightest arc into the core

    def out_of(self, state: int) -> bool:
        return state in self.core


def build_arcs(
    space: StateSpace,
    by_source: dict[int, list[Fan]],
    everything: bool,
    stays_core: Callable[[int], bool],
) -> Arcs:
    """The arcs of the certain edges (or of `everything`); `stays_core(state)` says whether a
    controlling or joined state steps back to its plain self (not when it is an administrator)."""
    arcs = Arcs()
    size = space.size
    lifts: list[int] = []  # control and member states reached: they step back unless admin
    controls = 0
    for source, fans in by_source.items():
        reaching = False
        for fan in fans:
            targets = fan.certain | (fan.conditional if everything else 0)
            specials = [m for m in fan.specials() if everything or not m[3]]
            if not targets and not specials:
                continue
            reaching = True
            yields = fan.method.yields
            if yields is Yields.CONTROL:
                capped = space.capped(fan.method)
                controls |= targets & ~capped
                lifts.extend(
                    space.target_state(fan, space.principals.arns[p]) for p in positions(targets & capped)
                )
            elif yields is Yields.MEMBERSHIP:
                lifts.extend(space.target_state(fan, m[0]) for m in fan.members() if everything or not m[3])
        if reaching:
            arcs.core.add(source)
    lifts.extend(size + p for p in positions(controls))
    lifted = [state for state in dict.fromkeys(lifts) if stays_core(state)]
    arcs.core.update(lifted)
    core_as = mask_of(s for s in arcs.core if s < size)
    core_control = mask_of(s - size for s in arcs.core if size <= s < 2 * size)
    arcs.core_mask = core_as | core_control << size
    for source, fans in by_source.items():
        if source in arcs.core:
            _source_arcs(arcs, space, source, fans, everything, (core_as, core_control))
    for state in lifted:
        plain = space.state(state)
        arcs.core_out[state] = [(space.as_state(plain[1]), 0)]
    return arcs


def _source_arcs(
    arcs: Arcs,
    space: StateSpace,
    source: int,
    fans: list[Fan],
    everything: bool,
    core: tuple[int, int],
) -> None:
    """One source's arcs: into the core one by one (first arrival keeps its place, a lighter edge
    its weight, as networkx's add_edge would), into sinks as disjoint bitsets per weight."""
    size, principals = space.size, space.principals
    adjacency: dict[int, int] = {}
    sinks: list[tuple[int, int]] = []
    for fan in fans:
        base = base_weight(fan.method)
        yields = fan.method.yields
        if yields is Yields.MEMBERSHIP:
            for member in fan.members():
                if everything or not member[3]:
                    _arrive(adjacency, space.target_state(fan, member[0]), base + CONDITIONAL * member[3])
            continue
        shift = size if yields is Yields.CONTROL else 0
        certain = fan.certain
        conditional = fan.conditional if everything else 0
        if shift and (capped := space.capped(fan.method)) and (certain | conditional) & capped:
            for place in positions((certain | conditional) & capped):  # to control+ states
                is_conditional = not certain >> place & 1
                state = space.lifted_state(fan.method, place)
                _arrive(adjacency, state, base + CONDITIONAL * is_conditional)
            certain &= ~capped
            conditional &= ~capped
        core_here = core[1] if shift else core[0]
        if (certain | conditional) & core_here:
            # (asked for the whole core: fans over shared members answer from one cached listing)
            for place, is_conditional in fan.ordered(core_here, principals):
                if everything or not is_conditional:
                    state, weight = place + shift, base + CONDITIONAL * is_conditional
                    held = adjacency.get(state)  # (`_arrive`, inline: the hottest loop here)
                    if held is None or weight < held:
                        adjacency[state] = weight
        if certain & ~core_here:
            sinks.append((base, (certain & ~core_here) << shift))
        if conditional & ~core_here:
            sinks.append((base + CONDITIONAL, (conditional & ~core_here) << shift))
        for member in fan.specials():
            if everything or not member[3]:
                _arrive(adjacency, space.target_state(fan, member[0]), base + CONDITIONAL * member[3])
    arcs.core_out[source] = list(adjacency.items())
    if adjacency:
        arcs.lightest[source] = min(adjacency.values())
    if sinks:
        sinks.sort(key=lambda pair: pair[0])
        kept: list[tuple[int, int]] = []
        assigned = 0
        for weight, mask in sinks:
            new = mask & ~assigned
            if new:
                if kept and kept[-1][0] == weight:
                    kept[-1] = (weight, kept[-1][1] | new)
                else:
                    kept.append((weight, new))
                assigned |= new
        arcs.sink_out[source] = kept


def _arrive(adjacency: dict[int, int], state: int, weight: int) -> None:
    held = adjacency.get(state)
    if held is None or weight < held:
        adjacency[state] = weight
