"""What a caller holds, and the second-phase methods that act on it (`Reach.HELD`, `ATTACHED_POLICY`).

A caller that may attach a policy to any role (`iam:AttachRolePolicy` on `*`) and rewrite the trust
policy of any role holds every role of the account in one hop, and controls each of them in one
more: its edges by that method are "control of everything it holds". `HeldTargets` keeps that set
once per caller, as bitsets built from its one-hop identity fans (a service it may pass every
role to stands for the roles the service may assume), and `HeldFan` is a method's fan over it: its
grants are the same for every target when the permission is granted on every resource, else they
come per class of targets (or of the policies it acts on) the engine answers alike.

Members are listed only when someone reads them (an edge's evidence, a set edge's expansion),
by the candidate loop the edges were once made by (per target: the first certain way, else the
first conditional one), so they are the same edges; `drawn()` gives what the graph shows of each
(via, certainty, condition keys) from the bitsets without making an edge.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from analyzers.iam.escalation.edge_record import EscalationEdge
from analyzers.iam.escalation.fans import Drawn, Fan, Member
from analyzers.iam.escalation.principal_index import PrincipalIndex, frozen_positions, positions
from analyzers.iam.escalation.target_classes import Combo, combo_of, grants_for, sure
from analyzers.iam.escalation.targets import SERVICE_NODE, TargetIndex
from analyzers.iam.escalation.types import EscalationMethod, Yields
from analyzers.iam.grant import Grant, account_of
from policy.decision import Hinge

Way = tuple[Fan, str] | None  # the identity fan, and its target, by which the caller holds a target


class HeldTargets:
    """The caller, and every principal one of its identity fans makes it (through a service: each
    role the service may assume); `certain` those it holds without a condition on the way."""

    def __init__(
        self, caller: str, first: Sequence[Fan], index: TargetIndex, principals: PrincipalIndex
    ) -> None:
        self.caller = caller
        self.index = index
        self.fans = [f for f in first if f.method.yields is Yields.IDENTITY]
        certain = every = principals.bit(caller)
        account = account_of(caller)
        self._services: list[tuple[Fan, list[tuple[str, bool, dict[str, Grant]]]]] = []
        for fan in self.fans:
            every |= fan.certain | fan.conditional
            certain |= fan.certain
            services = []
            for member in fan.specials():
                service = member[0].removeprefix(SERVICE_NODE)
                roles = index.service_role_mask(account, service)
                every |= roles
                if not member[3]:
                    certain |= roles
                services.append((member[0], member[3], index.service_roles(account, service)))  # (read only)
            self._services.append((fan, services))
        self.certain = certain
        self.every = every
        self._ways: dict[str, list[tuple[str, Way]]] = {}
        self._first: dict[str, Way] | None = None
        self._rank: dict[str, int] | None = None
        self._place_rank: dict[int, int] | None = None

    def ways(self) -> Iterator[tuple[str, Way]]:
        """The caller (no way: it is itself), then each target of its identity fans with the way
        that makes it that target, in order (what the one-hop candidate loop walks)."""
        yield self.caller, None
        walked: dict[str, bool] = {}  # service -> walked only conditionally so far
        for fan, services in self._services:
            for target in fan.target_order():
                if target.startswith(SERVICE_NODE):
                    roles, conditional = next((r, c) for s, c, r in services if s == target)
                    # The same service's roles again, no more certainly: never anyone's first way,
                    # nor the first certain one (many methods pass roles to ECS, Glue, CodeBuild...)
                    if target in walked and (conditional or not walked[target]):
                        continue
                    walked[target] = conditional
                    yield from ((role, (fan, target)) for role in roles)
                else:
                    yield target, (fan, target)

    def first_ways(self) -> dict[str, Way]:
        """Every target held, in the order first held, with the first way to it: `ways()` with
        each target's first way kept, walked without it (a caller passing roles to services
        holds thousands, and `ways()` yields them again per fan): a service met again adds no
        role, since its first walk added them all."""
        if self._first is None:
            first: dict[str, Way] = {self.caller: None}
            walked: set[str] = set()
            for fan, services in self._services:
                for target in fan.target_order():
                    if not target.startswith(SERVICE_NODE):
                        if target not in first:
                            first[target] = (fan, target)
                        continue
                    if target in walked:
                        continue
                    walked.add(target)
                    way: Way = (fan, target)
                    for role in next(r for s, _, r in services if s == target):
                        if role not in first:
                            first[role] = way
            self._first = first
        return self._first

    def rank(self) -> dict[str, int]:
        """Each target held -> its place in the order first held."""
        if self._rank is None:
            self._rank = {t: i for i, t in enumerate(self.first_ways())}
        return self._rank

    def place_rank(self) -> dict[int, int]:
        """`rank()` by principal position (what sorting a fan's targets reads, per target)."""
        if self._place_rank is None:
            where = self.index.principals.position
            self._place_rank = {where[t]: i for t, i in self.rank().items() if t in where}
        return self._place_rank

    def candidates(self) -> Iterator[tuple[str, EscalationEdge | None]]:
        """`ways()` with the edge of each way (the prior edge of a second-phase edge)."""
        for target, way in self.ways():
            yield target, prior_of(way)

    def ways_to(self, target: str) -> list[tuple[str, Way]]:
        """`ways()` restricted to one target (one look-up per fan; kept per target)."""
        held = self._ways.get(target)
        if held is not None:
            return held
        found: list[tuple[str, Way]] = [(target, None)] if target == self.caller else []
        for fan, services in self._services:
            if fan.reaches(target):
                found.append((target, (fan, target)))
            found.extend((target, (fan, service)) for service, _, roles in services if target in roles)
        self._ways[target] = found
        return found


def prior_of(way: Way) -> EscalationEdge | None:
    return None if way is None else way[0].edge_to(way[1])


def _way_conditional(way: Way) -> bool:
    return way is not None and way[0].is_conditional(way[1])


@dataclass(frozen=True, slots=True)
class PolicyHolders:
    """Customer managed policies numbered (their classes are bitsets over this index), and the
    principals each is attached to, directly or through a group, as a bitset of principals."""

    index: PrincipalIndex
    holders: list[int]
    of_principal: dict[str, tuple[str, ...]]  # principal -> its customer policies, in attached order


class HeldFan(Fan):
    """A second-phase method's fan over what the caller holds (of the method's target kinds; for
    a managed-policy method, those with a customer managed policy attached), each target reached
    as certainly as the caller holds it and as its grants allow (`combos`: per class of targets
    or, with `vias`, of the policies it acts on)."""

    __slots__ = (
        "_certain",
        "_conditional",
        "_places",
        "_sure_vias",
        "_targets",
        "_vias_certain",
        "combos",
        "held",
        "vias",
    )

    def __init__(
        self,
        method: EscalationMethod,
        combos: list[Combo],
        held: HeldTargets,
        eligible: int,
        vias: PolicyHolders | None = None,
    ) -> None:
        super().__init__(held.caller, method)
        self.combos = combos
        self.held = held
        self.vias = vias
        allowed = certain = vias_certain = 0
        for combo in combos:
            mask = combo[0]
            if vias is not None:  # classes of policies: their holders
                mask = 0
                for place in positions(combo[0]):
                    mask |= vias.holders[place]
            allowed |= mask
            if method.unknown is None and sure(combo):
                certain |= mask
                vias_certain |= combo[0]
        self._vias_certain = vias_certain  # the policies acted on without a condition
        targets = held.every & eligible & allowed
        self._certain = held.certain & targets & certain
        self._conditional = targets & ~self._certain
        self._targets = targets
        self._places: tuple[frozenset[int], frozenset[int]] | None = None
        self._sure_vias: frozenset[str] | None = None

    @property
    def certain(self) -> int:
        return self._certain

    @property
    def conditional(self) -> int:
        return self._conditional

    def _sets(self) -> tuple[frozenset[int], frozenset[int]]:
        """The positions of the targets, and of the certain ones."""
        if self._places is None:
            self._places = (frozen_positions(self._targets), frozen_positions(self._certain))
        return self._places

    def _grants(self, key: str) -> tuple[tuple[Grant, ...], bool, tuple[Hinge, ...]] | None:
        """The grants for a target (or, with `vias`, a policy), whether they are certain, their hinges."""
        combo = self._combo(key)
        if combo is None:
            return None
        grants = grants_for(combo, key)
        certain = self.method.unknown is None and sure(combo)
        return grants, certain, tuple(h for g in grants for h in g.conditions)

    def _expand(self, found: Iterable[tuple[str, Way]]) -> Iterator[tuple[str, str | None, Way]]:
        """Candidates (target, via, way) as the method's reach walks them (its targets only)."""
        chosen = self._sets()[0]
        where = self.held.index.principals.position
        policies = self.vias.of_principal if self.vias is not None else None
        for target, way in found:
            if where.get(target) not in chosen:
                continue
            if policies is not None:
                for policy in policies[target]:
                    yield target, policy, way
            else:
                yield target, None, way

    def _chosen(self, found: Iterable[tuple[str, Way]]) -> dict[str, Member]:
        """Per target, the first certain way, else the first conditional one (the candidate loop)."""
        best: dict[str, tuple[str | None, tuple[Grant, ...], bool, tuple[Hinge, ...], Way]] = {}
        settled: set[str] = set()
        granted: dict[str | None, tuple[tuple[Grant, ...], bool, tuple[Hinge, ...]] | None] = {}
        for target, via, way in self._expand(found):
            if target in settled:
                continue
            key = target if via is None else via  # what the grants are about
            if key not in granted:
                granted[key] = self._grants(key)
            grants = granted[key]
            if grants is None:
                continue
            conditional = not grants[1] or _way_conditional(way)
            if target not in best or not conditional:
                hinges = grants[2] + (way[0].hinges_to(way[1]) if way is not None and conditional else ())
                best[target] = (via, grants[0], conditional, hinges, way)
                if not conditional:
                    settled.add(target)
        return {t: (t, via, g, c, h, prior_of(way)) for t, (via, g, c, h, way) in best.items()}

    def members(self) -> Iterator[Member]:
        return iter(self._chosen(self.held.ways()).values())

    def member(self, target: str) -> Member | None:
        if self.held.index.principals.position.get(target) not in self._sets()[0]:
            return None
        return self._chosen(self.held.ways_to(target)).get(target)

    def target_order(self) -> list[str]:
        """In the order the caller came to hold them (the candidate loop's), without an edge."""
        chosen = self._sets()[0]
        where = self.held.index.principals.position
        return [t for t in self.held.first_ways() if where.get(t) in chosen]

    def is_conditional(self, target: str) -> bool:
        return self.held.index.principals.position[target] not in self._sets()[1]

    def rank(self, target: str) -> int:
        return self.held.rank()[target]

    def drawn(self) -> Iterator[Drawn]:
        """Each target's via, certainty and condition keys, from the bitsets: a certain edge has no
        open condition; a conditional one is the candidate loop's first way (and first policy)."""
        certain = self._sets()[1]
        where = self.held.index.principals.position
        first_ways = self.held.first_ways()
        keys = [tuple(h.key for g in combo[1] for h in g.conditions) for combo in self.combos]
        classes: dict[str, int] = {}  # target (or policy) -> its combo, for the conditional ones
        if self._conditional:
            index = self.held.index.principals if self.vias is None else self.vias.index
            for i, combo in enumerate(self.combos):
                mask = combo[0] & self._conditional if self.vias is None else combo[0]
                classes.update(dict.fromkeys(index.members(mask), i))
        for target in self.target_order():
            if where[target] in certain:
                yield target, self._via(target), False, ()
                continue
            way = first_ways[target]
            key: str = target
            if self.vias is not None:
                key = next(p for p in self.vias.of_principal[target] if p in classes)
            theirs = way[0].keys_to(way[1]) if way is not None else ()
            mine = (*keys[classes[key]], *theirs)
            yield target, None if self.vias is None else key, True, tuple(dict.fromkeys(mine)) if mine else ()

    def _combo(self, key: str) -> Combo | None:
        index = self.held.index.principals if self.vias is None else self.vias.index
        return combo_of(self.combos, index.position[key])

    def _via(self, target: str) -> str | None:
        """A certain target's via: its first customer policy acted on without a condition."""
        if self.vias is None:
            return None
        if self._sure_vias is None:
            self._sure_vias = frozenset(self.vias.index.members(self._vias_certain))
        return next(p for p in self.vias.of_principal[target] if p in self._sure_vias)

    def ordered(self, wanted: int, index: PrincipalIndex) -> list[tuple[int, bool]]:
        wanted &= self._targets
        if not wanted:
            return []
        certain = self._sets()[1]
        if index is self.held.index.principals:
            places = sorted(positions(wanted), key=self.held.place_rank().__getitem__)
        else:
            rank = self.held.rank()
            places = sorted(positions(wanted), key=lambda p: rank[index.arns[p]])
        return [(place, place not in certain) for place in places]
