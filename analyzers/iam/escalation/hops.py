"""An escalation path as the rules and the IAM pane read it: its hops, and which paths to report.

`maximal` is the reporting rule: for each start, a target is reported once, by its best path
(`better`), and only when it is not dominated by another reported target reached at least as
certainly (a start that reaches an admin is not also told about every lesser role on the way); of
equally privileged targets, only those reached in the fewest hops.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from analyzers.iam.escalation.edge_record import EscalationEdge
from analyzers.iam.escalation.types import EscalationMethod
from analyzers.iam.privilege import Privilege
from policy.decision import Hinge


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


class EscalationPath:
    """How `start` becomes `target` (hop by hop), and what it then holds.

    The hops may be made on first reading (`later`): the search knows each path's methods and
    certainty from the weights of its arcs, and of the 90,000 paths of a dense account the rules
    read the hops of one per principal; the others are only counted and listed."""

    __slots__ = ("_hops", "_later", "conditional", "functions", "hop_methods", "privilege", "start", "target")

    def __init__(
        self,
        start: str,
        target: str,
        hops: tuple[Hop, ...] | None,
        privilege: Privilege,
        functions: tuple[str, ...] = (),
        *,
        later: Callable[[], tuple[Hop, ...]] | None = None,
        hop_methods: tuple[EscalationMethod, ...] = (),
        conditional: bool = False,
    ) -> None:
        self.start = start
        self.target = target
        self.privilege = privilege
        self.functions = functions  # functions that execute as `start`
        self._hops = hops
        self._later = later
        if hops is not None:
            hop_methods = tuple(h.edge.method for h in hops)
            conditional = any(h.conditional for h in hops)
        elif later is None:
            raise ValueError("an escalation path needs its hops, or a way to make them")
        self.hop_methods = hop_methods  # the method of each hop
        self.conditional = conditional

    @property
    def hops(self) -> tuple[Hop, ...]:
        if self._hops is None:
            assert self._later is not None
            self._hops = self._later()
            self._later = None
        return self._hops

    def __repr__(self) -> str:
        return f"EscalationPath({self.start} -> {self.target}: {' -> '.join(self.methods)})"

    @property
    def admin(self) -> bool:
        return self.privilege.admin

    @property
    def hop_count(self) -> int:
        return len(self.hop_methods)

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
        return tuple(m.id for m in self.hop_methods)


class Ranked(Protocol):
    """What `better` and `maximal` read of a path (an `EscalationPath`, or the search's record of
    one before it is made)."""

    @property
    def privilege(self) -> Privilege: ...

    @property
    def conditional(self) -> bool: ...

    @property
    def hop_count(self) -> int: ...


R = TypeVar("R", bound=Ranked)


def better(new: Ranked, held: Ranked) -> bool:
    if new.conditional != held.conditional:
        return held.conditional
    if new.privilege.strictly_above(held.privilege):
        return True
    if held.privilege.strictly_above(new.privilege):
        return False
    return new.hop_count < held.hop_count


def maximal(paths: Iterable[R]) -> list[R]:
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
        key = prize(p)
        fewest[key] = min(fewest.get(key, p.hop_count), p.hop_count)
    return [p for p in kept if p.hop_count == fewest[prize(p)]]


def prize(path: Ranked) -> tuple[object, ...]:
    privilege = path.privilege
    if privilege.admin:
        return (True, path.conditional)
    return (False, path.conditional, privilege.allowed, privilege.possible)
