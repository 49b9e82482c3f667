"""Escalation edges kept as fans: the edges from one source by one method, as one object.

Why: the edges of one method from one caller are usually many and alike (every function's role
for a principal that may update every function; every role for one that may rewrite any trust
policy), and callers the engine answers alike share them. A `Fan` holds them once, as its members
(target, via, grants, certainty, open conditions, and how the caller already held the target) and
as bitsets of its certain and conditional targets (`principal_index`); the path search, the
drawing of the graph and the evidence read what they need from it, and an `EscalationEdge` is made
only for the edges someone looks at (`EscalationEdges` gives them all, lazily, in order).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator, Sequence
from typing import overload

from analyzers.iam.escalation.edge_record import EscalationEdge
from analyzers.iam.escalation.principal_index import PrincipalIndex, mask_of, positions
from analyzers.iam.escalation.types import EscalationMethod
from analyzers.iam.grant import Grant
from policy.decision import Hinge

# target, via, grants, conditional, hinges, prior (how the caller already becomes the target)
Member = tuple[str, str | None, tuple[Grant, ...], bool, tuple[Hinge, ...], EscalationEdge | None]
Drawn = tuple[str, str | None, bool, tuple[str, ...]]  # what the graph shows: target, via, conditional, keys


def keys_of(hinges: tuple[Hinge, ...]) -> tuple[str, ...]:
    """The distinct condition keys of an edge's open questions, in order."""
    return tuple(dict.fromkeys(h.key for h in hinges)) if hinges else ()


_SLOTS = tuple(
    getattr(EscalationEdge, name).__set__
    for name in ("source", "target", "method", "grants", "via", "prior", "conditional", "hinges")
)


def edge_of(source: str, method: EscalationMethod, member: Member) -> EscalationEdge:
    """The `EscalationEdge` of one member, its derived fields given: half the cost of the frozen
    dataclass's __init__, for the many edges a large estate lists."""
    target, via, grants, conditional, hinges, prior = member
    edge = object.__new__(EscalationEdge)
    put_source, put_target, put_method, put_grants, put_via, put_prior, put_conditional, put_hinges = _SLOTS
    put_source(edge, source)
    put_target(edge, target)
    put_method(edge, method)
    put_grants(edge, grants)
    put_via(edge, via)
    put_prior(edge, prior)
    put_conditional(edge, conditional)
    put_hinges(edge, hinges)
    return edge


def member_of(edge: EscalationEdge) -> Member:
    return (edge.target, edge.via, edge.grants, edge.conditional, edge.hinges, edge.prior)


class Members:
    """One method's checked targets, each once, in the order the check met them: shared by every
    caller the engine answers alike (IamModel.sharing_key)."""

    __slots__ = ("_at", "_items", "_ordered", "_rank", "certain", "conditional", "specials")

    def __init__(self, items: Sequence[Member], index: PrincipalIndex) -> None:
        self._items: tuple[Member, ...] | None = tuple(items)
        where = index.position
        certain: list[int] = []
        conditional: list[int] = []
        specials: list[int] = []  # members whose target is no principal (a service node)
        for i, member in enumerate(self.items):
            place = where.get(member[0])
            if place is None:
                specials.append(i)
            else:
                (conditional if member[3] else certain).append(place)
        self.certain = mask_of(certain)
        self.conditional = mask_of(conditional)
        self.specials = tuple(specials)
        self._at: dict[str, Member] | None = None
        self._ordered: dict[int, list[tuple[int, Member]]] = {}
        self._rank: dict[str, int] | None = None

    @property
    def items(self) -> tuple[Member, ...]:
        assert self._items is not None
        return self._items

    def iter_items(self) -> Iterator[Member]:
        """The members in order, without holding them all (see skeletons.UniformMembers)."""
        return iter(self.items)

    def at(self, target: str) -> Member | None:
        if self._at is None:
            self._at = {m[0]: m for m in self.items}
        return self._at.get(target)

    def rank(self, target: str) -> int:
        """The target's place in member order."""
        if self._rank is None:
            self._rank = {m[0]: i for i, m in enumerate(self.iter_items())}
        return self._rank[target]

    def ordered(self, wanted: int, index: PrincipalIndex) -> list[tuple[int, Member]]:
        """The members whose position is in `wanted`, in member order (cached per `wanted`)."""
        held = self._ordered.get(wanted)
        if held is None:
            chosen = set(positions(wanted & (self.certain | self.conditional)))
            where = index.position
            held = [(where[m[0]], m) for m in self.items if where.get(m[0], -1) in chosen]
            self._ordered[wanted] = held
        return held


class Fan:
    """The edges from `source` by `method`: the interface the search, the drawing and the
    evidence read (see ListedFan, and held.HeldFan for the edges derived from what a caller holds)."""

    __slots__ = ("method", "source")

    def __init__(self, source: str, method: EscalationMethod) -> None:
        self.source = source
        self.method = method

    @property
    def certain(self) -> int:
        """Positions (PrincipalIndex) of the targets reached without conditions."""
        raise NotImplementedError

    @property
    def conditional(self) -> int:
        raise NotImplementedError

    def __len__(self) -> int:
        return (self.certain | self.conditional).bit_count() + len(self.specials())

    def members(self) -> Iterator[Member]:
        raise NotImplementedError

    def member(self, target: str) -> Member | None:
        raise NotImplementedError

    def specials(self) -> list[Member]:
        """Members whose target is not a principal: a service (a caller that may pass every role)."""
        return []

    def reaches(self, target: str) -> bool:
        return self.member(target) is not None

    def target_order(self) -> list[str]:
        """Every target (services included), in member order."""
        return [m[0] for m in self.members()]

    def is_conditional(self, target: str) -> bool:
        member = self.member(target)
        return member is not None and member[3]

    def hinges_to(self, target: str) -> tuple[Hinge, ...]:
        member = self.member(target)
        return () if member is None else member[4]

    def keys_to(self, target: str) -> tuple[str, ...]:
        """The condition keys of the edge to `target` (`keys_of` its hinges)."""
        return keys_of(self.hinges_to(target))

    def drawn(self) -> Iterator[Drawn]:
        """What the graph shows of each edge, in member order (without making the edges)."""
        for member in self.members():
            yield member[0], member[1], member[3], keys_of(member[4])

    def rank(self, target: str) -> int:
        """The target's place in member order (for listing a few of them in order)."""
        raise NotImplementedError

    def drawn_of(self, targets: frozenset[str]) -> Iterator[Drawn]:
        """`drawn()` for some of the targets only: for a few, in member order without a walk."""
        if len(targets) * 8 >= len(self):
            yield from (d for d in self.drawn() if d[0] in targets)
            return
        for target in sorted(targets, key=self.rank):
            member = self.member(target)
            if member is not None:
                yield member[0], member[1], member[3], keys_of(member[4])

    def ordered(self, wanted: int, index: PrincipalIndex) -> list[tuple[int, bool]]:
        """(position, conditional) of the targets whose position is in `wanted`, in member order."""
        raise NotImplementedError

    def edges(self) -> Iterator[EscalationEdge]:
        source, method = self.source, self.method
        for member in self.members():
            yield edge_of(source, method, member)

    def edge_to(self, target: str) -> EscalationEdge | None:
        member = self.member(target)
        return None if member is None else edge_of(self.source, self.method, member)


class ListedFan(Fan):
    """A fan over listed members; one over members checked for callers alike (`shared`) leaves
    out the caller itself and `covered` (roles it already reaches through a service, which
    identity methods do not repeat)."""

    __slots__ = ("_covered", "_shared", "_skip", "listed")

    def __init__(
        self,
        source: str,
        method: EscalationMethod,
        listed: Members,
        *,
        shared: bool = False,
        covered: frozenset[str] = frozenset(),
        skip_mask: int = 0,
    ) -> None:
        super().__init__(source, method)
        self.listed = listed
        self._shared = shared
        self._covered = covered
        self._skip = skip_mask  # the caller's and `covered`'s positions (shared members only)

    @property
    def certain(self) -> int:
        return self.listed.certain & ~self._skip if self._skip else self.listed.certain

    @property
    def conditional(self) -> int:
        return self.listed.conditional & ~self._skip if self._skip else self.listed.conditional

    def _kept(self, target: str) -> bool:
        return not self._shared or (target != self.source and target not in self._covered)

    def members(self) -> Iterator[Member]:
        if not self._shared:
            return self.listed.iter_items()
        return (m for m in self.listed.iter_items() if self._kept(m[0]))

    def member(self, target: str) -> Member | None:
        return self.listed.at(target) if self._kept(target) else None

    def rank(self, target: str) -> int:
        return self.listed.rank(target)

    def specials(self) -> list[Member]:
        if not self.listed.specials:
            return []
        items = self.listed.items
        return [items[i] for i in self.listed.specials if self._kept(items[i][0])]

    def ordered(self, wanted: int, index: PrincipalIndex) -> list[tuple[int, bool]]:
        found = self.listed.ordered(wanted, index)
        if not self._shared:
            return [(p, m[3]) for p, m in found]
        return [(p, m[3]) for p, m in found if self._kept(m[0])]


class EscalationEdges(Sequence[EscalationEdge]):
    """Every escalation edge, fan after fan, made on reading: the list the IAM analysis used to
    hold (a million edges on a 10,000-function estate) without holding it."""

    def __init__(self, fans: Sequence[Fan]) -> None:
        self.fans = tuple(fans)
        self._ends = list(itertools.accumulate(len(f) for f in self.fans))

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    def __iter__(self) -> Iterator[EscalationEdge]:
        for fan in self.fans:
            yield from fan.edges()

    @overload
    def __getitem__(self, index: int) -> EscalationEdge: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[EscalationEdge]: ...

    def __getitem__(self, index: int | slice) -> EscalationEdge | Sequence[EscalationEdge]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        at = bisect.bisect_right(self._ends, index)
        before = self._ends[at - 1] if at else 0
        return next(itertools.islice(self.fans[at].edges(), index - before, None))

    def into(self, target: str) -> Iterator[EscalationEdge]:
        """The edges whose target is `target`, in order (one look-up per fan)."""
        for fan in self.fans:
            edge = fan.edge_to(target)
            if edge is not None:
                yield edge
