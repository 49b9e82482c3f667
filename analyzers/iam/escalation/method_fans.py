"""One method for one caller: the fan of its edges, checked by the engine as little as it can be.

Work is kept proportional to what principals may actually do: a method is tried only when the
caller may perform each of its actions somewhere (one bitset test each), resources the caller
creates itself are checked once per caller, and candidate targets come from indexes (roles by
the principals and accounts their trust policies name, roles by the services they trust,
functions by role). Then, cheapest first:
- a PassRole method whose every permission is granted on every resource is one edge, to the
  service (its own edges reach the roles the service may assume);
- a second-phase method (`Reach.HELD`, `ATTACHED_POLICY`) granted on every resource is a
  `HeldFan` over what the caller holds: no engine call at all;
- a method whose candidates depend on the caller only through its account and its Resource
  patterns is checked once for every caller alike (`IamModel.sharing_key`): they share one
  `Members`, each leaving out itself;
- otherwise each candidate goes through the engine's evaluator.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from analyzers.iam.escalation.classed_fans import ClassedFan, Listed, listed_targets
from analyzers.iam.escalation.edge_record import EscalationEdge
from analyzers.iam.escalation.fans import Fan, ListedFan, Member, Members, member_of
from analyzers.iam.escalation.held import HeldFan, HeldTargets, PolicyHolders
from analyzers.iam.escalation.skeletons import Skeleton, UniformMembers
from analyzers.iam.escalation.target_classes import Classes, Combo, TargetClasses, combine
from analyzers.iam.escalation.targets import SERVICE_NODE, Candidate, TargetIndex, candidates
from analyzers.iam.escalation.types import EscalationMethod, Need, On, Reach, Yields
from analyzers.iam.grant import Grant, account_of
from analyzers.iam.principal_policies import IamModel
from policy.catalogue import load_catalogue

SECOND_PHASE = frozenset({Reach.HELD, Reach.ATTACHED_POLICY})
# Reaches whose candidates depend on the caller only through its account, the Resource patterns
# of its Allows, and never being their own target: callers alike share one check of them.
_SHARED_REACH = frozenset({Reach.FUNCTION_ROLE, Reach.SERVICE_ROLE, Reach.ACCOUNT_ROLE, Reach.OTHER_USER})
# Reaches whose candidates are principals listed by an index: checked per class of them when no
# other caller shares the checks.
_CLASSED_REACH = frozenset({Reach.SERVICE_ROLE, Reach.ACCOUNT_ROLE, Reach.OTHER_USER})


class _Unclassed:
    """`_classed_fan`'s answer when the targets cannot be classed (check them one by one)."""


_UNCLASSED = _Unclassed()
_NOBODY = "\x00nobody"  # a caller name no principal has: candidates then leave nobody out
Filters = Sequence[tuple[On, re.Pattern[str]]]


@dataclass(frozen=True, slots=True)
class Covered:
    """Roles a caller certainly reaches through a service already (identity methods skip them)."""

    roles: frozenset[str] = frozenset()
    mask: int = 0


NOTHING_COVERED = Covered()


@dataclass(frozen=True, slots=True)
class CallerContext:
    """What one caller's methods share: the indexes, the checks made for callers alike, and the
    target kinds' bitsets (roles, users, principals with a customer managed policy)."""

    index: TargetIndex
    classes: TargetClasses
    policies: PolicyHolders  # customer managed policies, and who holds each
    policy_classes: TargetClasses  # over the policies
    shares: dict[tuple[object, ...], Members]
    listed: dict[tuple[object, ...], Listed]
    skeletons: dict[tuple[object, ...], Skeleton]
    eligible: Mapping[tuple[frozenset[str], bool], int]  # (target kinds, needs a customer policy)
    _anywhere: dict[str, int] = field(default_factory=dict)  # caller -> actions allowed anywhere
    _possible: dict[tuple[str, int, int], list[EscalationMethod]] = field(default_factory=dict)

    def _anywhere_bits(self, caller: str) -> int:
        anywhere = self._anywhere.get(caller)
        if anywhere is None:
            allowed, conditional, scoped = self.index.model.effective(caller).bits()
            anywhere = self._anywhere[caller] = allowed | conditional | scoped
        return anywhere

    def may_all(self, caller: str, method: EscalationMethod) -> bool:
        """Whether the caller may perform every identity-route action of the method somewhere,
        even under conditions (`IamModel.may`, one bitset test per method)."""
        needed = _needed(method)
        return needed is not None and self._anywhere_bits(caller) & needed == needed

    def possible(self, caller: str, kind: str, methods: Sequence[EscalationMethod]) -> list[EscalationMethod]:
        """The `methods` whose first two checks in `method_fan` the caller passes (its kind, and
        `may_all`), in order: the rest have no fan, and most callers may try few methods.
        Shared by callers of one kind allowed the same actions (the list is read-only): a test
        per method is a bitwise AND of two catalogue-wide integers, and at 100,000 functions
        50,000 roles made 1.5 million of them (1.2 s)."""
        anywhere = self._anywhere_bits(caller)
        key = (kind, id(methods), anywhere)
        found = self._possible.get(key)
        if found is None:
            of_kind = _of_kind(kind, methods)  # keeps `methods` alive: its id stays its own
            found = self._possible[key] = [m for m, needed in of_kind if anywhere & needed == needed]
        return found


def _needed(method: EscalationMethod) -> int | None:
    needed = _NEEDED.get(method.id, -1)
    if needed == -1:
        needed = _NEEDED[method.id] = _needed_bits(method)
    return needed


_NEEDED: dict[str, int | None] = {}
_OF_KIND: dict[tuple[str, int], tuple[Sequence[EscalationMethod], list[tuple[EscalationMethod, int]]]] = {}


def _of_kind(kind: str, methods: Sequence[EscalationMethod]) -> list[tuple[EscalationMethod, int]]:
    """The `methods` a caller of `kind` may use whose actions the catalogue knows, with their
    `_needed` bits, in order (made once per list of methods: every caller asks)."""
    held = _OF_KIND.get((kind, id(methods)))
    if held is None or held[0] is not methods:  # (the list itself is kept: its id stays its own)
        found = [(m, _needed(m)) for m in methods if kind in m.caller_kinds]
        held = _OF_KIND[kind, id(methods)] = (methods, [(m, n) for m, n in found if n is not None])
    return held[1]


def _needed_bits(method: EscalationMethod) -> int | None:
    """The catalogue bits of the method's identity-route actions (None: one is not in the catalogue,
    so no caller may perform it)."""
    catalogue = load_catalogue()
    bits = 0
    for need in method.needs:
        if need.trust != "none":
            continue
        index = catalogue.index(need.action)
        if index is None:
            return None
        bits |= 1 << index
    return bits


def _best(checked: Iterable[Member], settled: set[str]) -> list[Member]:
    """The candidate loop's choice, per target: the first certain way, else the first conditional."""
    best: dict[str, Member] = {}
    for member in checked:
        target, conditional = member[0], member[3]
        if target in settled:
            continue
        if target not in best or not conditional:
            best[target] = member
            if not conditional:
                settled.add(target)
    return list(best.values())


def _check(
    model: IamModel, caller: str, method: EscalationMethod, candidate: Candidate, fixed: dict[Need, Grant]
) -> Member | None:
    """The candidate's member when the engine allows every need (None: it does not); certainty
    and open conditions as `EscalationEdge` derives them, without making the edge."""
    grants: list[Grant] = []
    for need in method.needs:
        held = fixed.get(need)
        if held is not None:
            grants.append(held)
            continue
        resource = candidate.target if need.on is On.TARGET else candidate.via
        if resource is None:
            return None
        grant = model.decide(caller, need.action, resource, passed_to=need.passed_to, trust=need.trust)
        if grant is None:
            return None
        grants.append(grant)
    if candidate.trust is not None:
        grants.append(candidate.trust)
    prior = candidate.prior
    conditional = method.unknown is not None or any(g.conditional for g in grants)
    conditional = conditional or (prior is not None and prior.conditional)
    hinges = tuple(h for g in grants for h in g.conditions) + (prior.hinges if prior is not None else ())
    return (candidate.target, candidate.via, tuple(grants), conditional, hinges, prior)


def _passes(
    model: IamModel, target: str, via: str | None, method: EscalationMethod, filters: Filters
) -> bool:
    principal = model.estate.principals.get(target)
    if principal is None or principal.kind not in method.target_kinds:
        return False
    return not filters or all(
        p.fullmatch((target if on is On.TARGET else via) or "") is not None for on, p in filters
    )


def _shared_members(
    ctx: CallerContext,
    caller: str,
    method: EscalationMethod,
    narrowing: Mapping[On, tuple[str, ...]],
    filters: Filters,
    fixed: dict[Need, Grant],
) -> Members:
    """The method's checks for one caller, valid for every caller with its sharing key: each
    target's first certain way (else its first conditional one), for a caller that is no target."""
    index, model = ctx.index, ctx.index.model
    nobody = f"arn:aws:iam::{account_of(caller)}:role/{_NOBODY}"
    checked: list[Member] = []
    settled: set[str] = set()  # (a target reached certainly needs no other way)
    if method.reach is not Reach.SERVICE_ROLE and all(n in fixed for n in method.needs):
        # every candidate passes alike (no service trust of its own): the first per target
        grants = tuple(fixed[n] for n in method.needs)
        conditional = method.unknown is not None or any(g.conditional for g in grants)
        hinges = tuple(h for g in grants for h in g.conditions)
        shape = (method.reach, method.target_kinds, account_of(caller), tuple(sorted(narrowing.items())))
        skeleton = ctx.skeletons.get(shape)
        if skeleton is None:
            pairs: list[tuple[str, str | None]] = []
            for candidate in candidates(index, nobody, method, (), narrowing):
                target = candidate.target
                if target not in settled and _passes(model, target, candidate.via, method, filters):
                    settled.add(target)
                    pairs.append((target, candidate.via))
            skeleton = ctx.skeletons[shape] = Skeleton(pairs, index.principals)
        return UniformMembers(skeleton, grants, conditional, hinges)
    for candidate in candidates(index, nobody, method, (), narrowing):
        if candidate.target in settled or not _passes(
            model, candidate.target, candidate.via, method, filters
        ):
            continue
        member = _check(model, caller, method, candidate, fixed)
        if member is not None:
            checked.append(member)
            if not member[3]:
                settled.add(candidate.target)
    return Members(_best(checked, set()), index.principals)


def _combos(
    ctx: CallerContext,
    caller: str,
    method: EscalationMethod,
    fixed: dict[Need, Grant],
    targets: int,
    on: On = On.TARGET,
    vias: PolicyHolders | None = None,
) -> list[Combo] | None:
    """Per class of `targets` (principals; with `vias`, policies), the grants of every need
    (None: a need is on something else, or the engine cannot class them: check one by one)."""
    per_need: list[Grant | Classes] = []
    classes = ctx.classes if vias is None else ctx.policy_classes
    for need in method.needs:
        if need in fixed:
            per_need.append(fixed[need])
            continue
        if need.on is not on:
            return None
        found = classes.classes(caller, need.action, targets, passed_to=need.passed_to, trust=need.trust)
        if found is None:
            return None
        per_need.append(found)
    return combine(targets, per_need)


def _classed_fan(
    ctx: CallerContext,
    caller: str,
    method: EscalationMethod,
    fixed: dict[Need, Grant],
    narrowing: Mapping[On, tuple[str, ...]],
    covered: Covered,
) -> Fan | _Unclassed | None:
    """The fan over the method's listed candidates, checked per class (`_UNCLASSED`: it cannot be)."""
    index = ctx.index
    account, patterns = account_of(caller), narrowing.get(On.TARGET)
    key = (method.reach, method.service, account, patterns)
    listed = ctx.listed.get(key)
    if listed is None:
        listed = ctx.listed[key] = listed_targets(index, method, account, patterns)
    skip = index.principals.bit(caller) | covered.mask
    combos = _combos(ctx, caller, method, fixed, listed.mask & ~skip)
    if combos is None:
        return _UNCLASSED
    fan = ClassedFan(caller, method, listed, combos, skip, index.principals)
    return fan if fan.certain | fan.conditional else None


def method_fan(
    ctx: CallerContext,
    caller: str,
    method: EscalationMethod,
    held: HeldTargets | None,
    covered: Covered = NOTHING_COVERED,
) -> Fan | None:
    """`method`'s fan from `caller` (None: no edge); identity edges to roles `covered` (reached
    already through a service) are not repeated; `held` is what the caller holds (second phase)."""
    index = ctx.index
    model = index.model
    principals = index.principals
    if model.actors[caller].kind not in method.caller_kinds:
        return None
    if not ctx.may_all(caller, method):
        return None
    if method.service is not None and not index.service_roles(account_of(caller), method.service):
        return None  # no role the service may assume: nothing to pass, nothing running as one
    # Grants that do not depend on the target: scopes the caller picks, and actions it may
    # perform on every resource (then no target needs the evaluator).
    fixed: dict[Need, Grant] = {}
    for need in method.needs:
        if need.on is On.SCOPE:
            grant = model.on_scope(caller, need.action, need.scope.format(account=account_of(caller)))
            if grant is None:
                return None
            fixed[need] = grant
        elif need.trust == "none" and (everywhere := model.everywhere(caller, need.action)) is not None:
            fixed[need] = everywhere
    everything_fixed = all(n in fixed for n in method.needs)
    if method.reach is Reach.SERVICE_ROLE and everything_fixed:
        # It may pass every role: one edge to the service, whose own edges reach the roles.
        assert method.service is not None
        if not index.service_roles(account_of(caller), method.service):
            return None
        edge = EscalationEdge(
            caller, f"{SERVICE_NODE}{method.service}", method, tuple(fixed[n] for n in method.needs)
        )
        return ListedFan(caller, method, Members([member_of(edge)], principals))
    if method.reach in SECOND_PHASE and held is not None:
        by_policy = method.reach is Reach.ATTACHED_POLICY
        eligible = ctx.eligible[method.target_kinds, by_policy]
        if by_policy:  # classes of the policies the caller may rewrite
            vias = ctx.policies
            every_policy = (1 << len(vias.index)) - 1  # (positions 0..n-1: each policy's)
            combos = _combos(ctx, caller, method, fixed, every_policy, On.VIA, vias)
        else:
            vias, combos = None, _combos(ctx, caller, method, fixed, held.every & eligible)
        if combos is not None:
            fan = HeldFan(method, combos, held, eligible, vias)
            return fan if fan.certain | fan.conditional else None
    # Where the rest may be allowed (the Resource patterns of the caller's Allows): candidates
    # are drawn under those patterns, and must pass their loose regexes before the evaluator.
    filters: list[tuple[On, re.Pattern[str]]] = []
    narrowing: dict[On, tuple[str, ...]] = {}
    for need in method.needs:
        if need in fixed or need.trust != "none" or need.on is On.SCOPE:
            continue
        pattern = model.resource_filter(caller, need.action)
        patterns = model.resource_patterns(caller, need.action)
        if pattern is not None and patterns is not None:
            filters.append((need.on, pattern))
            narrowing[need.on] = (*narrowing.get(need.on, ()), *patterns)
    identity = method.yields is Yields.IDENTITY
    if method.reach in _SHARED_REACH and all(n.trust == "none" for n in method.needs):
        key = model.sharing_key(caller, method.actions)
        if key is not None:
            shared = ctx.shares.get((key, method.id))
            if shared is None:
                shared = ctx.shares[key, method.id] = _shared_members(
                    ctx, caller, method, narrowing, filters, fixed
                )
            listed = ListedFan(
                caller,
                method,
                shared,
                shared=True,
                covered=covered.roles if identity else frozenset(),
                skip_mask=principals.bit(caller) | (covered.mask if identity else 0),
            )
            return listed if len(listed) else None
    # one certain way to a target is enough (e.g. one function of the many running as a role)
    settled = set(covered.roles) if identity else set()
    if method.reach in _CLASSED_REACH:
        classed = _classed_fan(
            ctx, caller, method, fixed, narrowing, covered if identity else NOTHING_COVERED
        )
        if not isinstance(classed, _Unclassed):
            return classed
    found: list[Member] = []
    pairs = held.candidates() if held is not None else ()
    for candidate in candidates(index, caller, method, pairs, narrowing, settled):
        target = candidate.target
        if target in settled or not _passes(model, target, candidate.via, method, filters):
            continue
        member = _check(model, caller, method, candidate, fixed)
        if member is not None:
            found.append(member)
            if not member[3]:
                settled.add(target)
    if not found:
        return None
    return ListedFan(caller, method, Members(_best(found, set()), principals))
