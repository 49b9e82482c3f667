"""Three-valued (Kleene) truth for static analysis: TRUE, FALSE, or UNKNOWN.

Statically we rarely know the caller's source IP, tags or MFA state, so a condition on them is
neither true nor false. Kleene logic keeps that honest: UNKNOWN only collapses when the other side
decides the result alone (FALSE and anything is FALSE, TRUE or anything is TRUE). Every operation
is monotone in the order FALSE < UNKNOWN < TRUE, which the evaluator's Deny/Allow monotonicity
properties rely on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final, Generic, TypeVar


class Tri(Enum):
    FALSE = 0
    UNKNOWN = 1
    TRUE = 2

    @staticmethod
    def of(value: bool) -> Tri:
        return Tri.TRUE if value else Tri.FALSE

    def __invert__(self) -> Tri:
        return _NOT[self]

    def __and__(self, other: Tri) -> Tri:
        return self if self.value <= other.value else other

    def __or__(self, other: Tri) -> Tri:
        return self if self.value >= other.value else other

    def __bool__(self) -> bool:
        raise TypeError("Tri has three values; compare with Tri.TRUE / Tri.FALSE explicitly")


_NOT = {Tri.TRUE: Tri.FALSE, Tri.FALSE: Tri.TRUE, Tri.UNKNOWN: Tri.UNKNOWN}


def all_of(values: Iterable[Tri]) -> Tri:
    """Kleene AND over values (TRUE for none)."""
    result = Tri.TRUE
    for value in values:
        if value is Tri.FALSE:
            return Tri.FALSE
        if value is Tri.UNKNOWN:
            result = Tri.UNKNOWN
    return result


def any_of(values: Iterable[Tri]) -> Tri:
    """Kleene OR over values (FALSE for none)."""
    result = Tri.FALSE
    for value in values:
        if value is Tri.TRUE:
            return Tri.TRUE
        if value is Tri.UNKNOWN:
            result = Tri.UNKNOWN
    return result


@dataclass(frozen=True, slots=True)
class Unresolved:
    """What an UNKNOWN hinges on: a context key, the test applied to it, and why it is open."""

    key: str
    operator: str
    values: tuple[str, ...]
    note: str


Q = TypeVar("Q")


@dataclass(frozen=True, slots=True)
class Verdict(Generic[Q]):
    """A truth value with the open questions behind it (empty unless UNKNOWN).

    Q is what an open question is: `Unresolved` inside a statement, a statement-anchored hinge
    once the evaluator knows which statement it came from.
    """

    truth: Tri
    unresolved: tuple[Q, ...] = ()

    def __invert__(self) -> Verdict[Q]:
        return Verdict(~self.truth, self.unresolved)


TRUE: Final[Verdict[Any]] = Verdict(Tri.TRUE)
FALSE: Final[Verdict[Any]] = Verdict(Tri.FALSE)


def _combine(verdicts: Iterable[Verdict[Q]], decisive: Tri) -> Verdict[Q]:
    """AND (decisive FALSE) or OR (decisive TRUE), keeping the open questions of UNKNOWN parts."""
    open_parts: list[Q] = []
    unknown = False
    for verdict in verdicts:
        if verdict.truth is decisive:
            return verdict if not verdict.unresolved else Verdict(decisive)
        if verdict.truth is Tri.UNKNOWN:
            unknown = True
            open_parts.extend(verdict.unresolved)
    if unknown:
        return Verdict(Tri.UNKNOWN, tuple(dict.fromkeys(open_parts)))
    return TRUE if decisive is Tri.FALSE else FALSE


def verdict_all(verdicts: Iterable[Verdict[Q]]) -> Verdict[Q]:
    return _combine(verdicts, Tri.FALSE)


def verdict_any(verdicts: Iterable[Verdict[Q]]) -> Verdict[Q]:
    return _combine(verdicts, Tri.TRUE)


def both(left: Verdict[Q], right: Verdict[Q]) -> Verdict[Q]:
    """Two-way AND, the hot path of statement matching."""
    if left.truth is Tri.FALSE or right.truth is Tri.FALSE:
        return FALSE
    if left.truth is Tri.TRUE:
        return right
    if right.truth is Tri.TRUE:
        return left
    return Verdict(Tri.UNKNOWN, tuple(dict.fromkeys((*left.unresolved, *right.unresolved))))


def either(left: Verdict[Q], right: Verdict[Q]) -> Verdict[Q]:
    """Two-way OR."""
    if left.truth is Tri.TRUE or right.truth is Tri.TRUE:
        return TRUE
    if left.truth is Tri.FALSE:
        return right
    if right.truth is Tri.FALSE:
        return left
    return Verdict(Tri.UNKNOWN, tuple(dict.fromkeys((*left.unresolved, *right.unresolved))))
