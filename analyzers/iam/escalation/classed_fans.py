"""A first-phase method's fan checked per class of targets: the roles a caller may re-trust or pass
to a service, the users it may take over, when no other caller shares its checks.

`method_fans` makes one when the method's candidates are principals listed by an index (every role
or user of the account, the roles a service may assume) and every permission it needs is either
granted on every resource or decided on the target by the identity route (or a rewritten trust
policy, which names the caller whatever the role): `target_classes` then decides each need once per
class of targets, and the fan reads each member's grants from its class.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from analyzers.iam.escalation.fans import Drawn, Fan, Member
from analyzers.iam.escalation.principal_index import PrincipalIndex, frozen_positions, positions
from analyzers.iam.escalation.target_classes import Combo, combo_of, grants_for, sure
from analyzers.iam.escalation.targets import TargetIndex
from analyzers.iam.escalation.types import EscalationMethod, Reach
from analyzers.iam.grant import Grant


@dataclass(frozen=True, slots=True)
class Listed:
    """A reach's candidate targets in one account, in the index's order (the same for every
    caller there; each caller leaves out itself and what it reaches through a service)."""

    order: tuple[str, ...]
    rank: Mapping[str, int]  # each target's place in `order`
    mask: int
    trust: Mapping[str, Grant] | None  # for a PassRole method: the service's right to assume each
    trust_certain: int  # the roles it may assume without a condition


def listed_targets(
    index: TargetIndex, method: EscalationMethod, account: str, patterns: tuple[str, ...] | None
) -> Listed:
    """What `targets.candidates` lists for the reach (before leaving the caller out)."""
    trust = None
    if method.reach is Reach.SERVICE_ROLE:
        assert method.service is not None
        trust = index.service_roles(account, method.service)
        names = list(trust) if patterns is None else index.listed(index.roles, account, patterns)
        order = tuple(r for r in names if r in trust)
    elif method.reach is Reach.ACCOUNT_ROLE:
        order = tuple(index.listed(index.roles, account, patterns))
    else:
        order = tuple(index.listed(index.users, account, patterns))
    principals = index.principals
    certain = principals.mask(r for r, g in trust.items() if not g.conditional) if trust is not None else -1
    return Listed(order, {t: i for i, t in enumerate(order)}, principals.mask(order), trust, certain)


class ClassedFan(Fan):
    """Edges to the listed targets (in their order; but those in `skipped`: the caller, and roles
    it reaches through a service already) that some class of `combos` allows; a PassRole
    method's edge also carries the service's right to assume the role."""

    __slots__ = ("_certain", "_conditional", "_listed", "_places", "_principals", "_targets", "combos")

    def __init__(
        self,
        source: str,
        method: EscalationMethod,
        listed: Listed,
        combos: list[Combo],
        skipped: int,
        principals: PrincipalIndex,
    ) -> None:
        super().__init__(source, method)
        self._listed = listed
        self.combos = combos
        self._principals = principals
        allowed = certain = 0
        for combo in combos:
            allowed |= combo[0]
            if method.unknown is None and sure(combo):
                certain |= combo[0]
        self._targets = allowed & listed.mask & ~skipped
        self._certain = self._targets & certain & listed.trust_certain
        self._conditional = self._targets & ~self._certain
        self._places: tuple[frozenset[int], frozenset[int]] | None = None

    @property
    def certain(self) -> int:
        return self._certain

    @property
    def conditional(self) -> int:
        return self._conditional

    def _member(self, target: str, place: int) -> Member | None:
        combo = combo_of(self.combos, place)
        if combo is None:
            return None
        grants = grants_for(combo, target)
        if self._listed.trust is not None:
            grants = (*grants, self._listed.trust[target])
        conditional = self.method.unknown is not None or any(g.conditional for g in grants)
        return (target, None, grants, conditional, tuple(h for g in grants for h in g.conditions), None)

    def _sets(self) -> tuple[frozenset[int], frozenset[int]]:
        """The positions of the targets, and of the conditional ones."""
        if self._places is None:
            self._places = (frozen_positions(self._targets), frozen_positions(self._conditional))
        return self._places

    def rank(self, target: str) -> int:
        return self._listed.rank[target]

    def reaches(self, target: str) -> bool:
        return self._principals.position.get(target) in self._sets()[0]

    def is_conditional(self, target: str) -> bool:
        return self._principals.position.get(target) in self._sets()[1]

    def target_order(self) -> list[str]:
        where, chosen = self._principals.position, self._sets()[0]
        return [t for t in self._listed.order if where[t] in chosen]

    def keys_to(self, target: str) -> tuple[str, ...]:
        """From the target's class and the service's trust (no grant made)."""
        combo = combo_of(self.combos, self._principals.position[target])
        if combo is None:
            return ()
        mine = [h.key for g in combo[1] for h in g.conditions]
        if self._listed.trust is not None:
            mine.extend(h.key for h in self._listed.trust[target].conditions)
        return tuple(dict.fromkeys(mine))

    def drawn(self) -> Iterator[Drawn]:
        """Each target's certainty and condition keys, from its class (no grant made)."""
        where, conditional = self._principals.position, self._sets()[1]
        trust = self._listed.trust
        per_combo = [tuple(h.key for g in combo[1] for h in g.conditions) for combo in self.combos]
        of_place: dict[int, int] = {}
        if any(per_combo):
            for i, combo in enumerate(self.combos):
                of_place.update(dict.fromkeys(positions(combo[0] & self._targets), i))
        for target in self.target_order():
            place = where[target]
            mine = per_combo[of_place[place]] if of_place else ()
            if trust is not None and trust[target].conditions:
                mine = (*mine, *(h.key for h in trust[target].conditions))
            yield target, None, place in conditional, tuple(dict.fromkeys(mine)) if mine else ()

    def members(self) -> Iterator[Member]:
        where, targets = self._principals.position, set(positions(self._targets))
        for target in self._listed.order:
            place = where[target]
            if place in targets:
                member = self._member(target, place)
                if member is not None:
                    yield member

    def member(self, target: str) -> Member | None:
        place = self._principals.position.get(target)
        if place is None or not self._targets >> place & 1:
            return None
        return self._member(target, place)

    def ordered(self, wanted: int, index: PrincipalIndex) -> list[tuple[int, bool]]:
        wanted &= self._targets
        if not wanted:
            return []
        where, chosen, certain = index.position, set(positions(wanted)), self._certain
        return [
            (place, not certain >> place & 1)
            for target in self._listed.order
            if (place := where[target]) in chosen
        ]
