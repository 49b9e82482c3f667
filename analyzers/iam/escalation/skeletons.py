"""Members whose every edge holds on the same grants: one skeleton of (target, via) pairs, shared.

Why: on a 100,000-function estate a hundred and fifty groups of callers, each with statements of
their own, may update every function's code: each group's check listed the same 50,000 roles
(each with its first function) and made 50,000 members, most of the IAM analysis' time and memory.
When every permission a method needs is granted on every resource, the engine's answer is the same
for every candidate: the members are the reach's first (target, via) per target, listed once per
account and narrowing (`Skeleton`), and the grants once per group (`UniformMembers`); a member is
made only when read.
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.iam.escalation.fans import Member, Members
from analyzers.iam.escalation.principal_index import PrincipalIndex, mask_of, positions
from analyzers.iam.grant import Grant
from policy.decision import Hinge


class Skeleton:
    """A reach's (target, via) pairs, the first per target, in candidate order."""

    __slots__ = ("_ordered", "_rank", "_via", "mask", "pairs")

    def __init__(self, pairs: list[tuple[str, str | None]], index: PrincipalIndex) -> None:
        self.pairs = tuple(pairs)
        where = index.position
        self.mask = mask_of(where[t] for t, _ in self.pairs)
        self._via: dict[str, str | None] | None = None
        self._ordered: dict[int, list[tuple[int, str]]] = {}
        self._rank: dict[str, int] | None = None

    def rank(self, target: str) -> int:
        if self._rank is None:
            self._rank = {t: i for i, (t, _) in enumerate(self.pairs)}
        return self._rank[target]

    def via(self, target: str) -> tuple[bool, str | None]:
        """(whether `target` is listed, its via)."""
        if self._via is None:
            self._via = dict(self.pairs)
        return target in self._via, self._via.get(target)

    def ordered(self, wanted: int, index: PrincipalIndex) -> list[tuple[int, str]]:
        """(position, target) of the pairs whose target's position is in `wanted`, in order."""
        held = self._ordered.get(wanted)
        if held is None:
            chosen = set(positions(wanted & self.mask))
            where = index.position
            held = self._ordered[wanted] = [(where[t], t) for t, _ in self.pairs if where[t] in chosen]
        return held


class UniformMembers(Members):
    """A skeleton's members, each on the same grants (made when read)."""

    __slots__ = ("_grants", "_hinges", "_uniform_conditional", "skeleton")

    def __init__(
        self, skeleton: Skeleton, grants: tuple[Grant, ...], conditional: bool, hinges: tuple[Hinge, ...]
    ) -> None:
        self.skeleton = skeleton
        self._grants = grants
        self._uniform_conditional = conditional
        self._hinges = hinges
        self.certain = 0 if conditional else skeleton.mask
        self.conditional = skeleton.mask if conditional else 0
        self.specials = ()
        self._items = None
        self._at = None
        self._ordered = {}
        self._rank = None

    def rank(self, target: str) -> int:
        return self.skeleton.rank(target)

    def _member(self, target: str, via: str | None) -> Member:
        return (target, via, self._grants, self._uniform_conditional, self._hinges, None)

    @property
    def items(self) -> tuple[Member, ...]:
        return tuple(self.iter_items())

    def iter_items(self) -> Iterator[Member]:
        member = self._member
        return (member(t, via) for t, via in self.skeleton.pairs)

    def at(self, target: str) -> Member | None:
        listed, via = self.skeleton.via(target)
        return self._member(target, via) if listed else None

    def ordered(self, wanted: int, index: PrincipalIndex) -> list[tuple[int, Member]]:
        return [
            (place, self._member(t, self.skeleton.via(t)[1]))
            for place, t in self.skeleton.ordered(wanted, index)
        ]
