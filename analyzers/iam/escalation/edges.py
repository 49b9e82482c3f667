"""Check every escalation method for every principal: the `escalates-to` edges, with their evidence.

Work is kept proportional to what principals may actually do: a method is tried only when the
caller may perform each of its actions somewhere (one bitset test each), resources the caller
creates itself are checked once per caller, and candidate targets come from indexes (roles by
the principals and accounts their trust policies name, roles by the services they trust,
functions by role). Each remaining (caller, target) pair goes through the engine's evaluator.

Two phases: methods that work on the caller itself or on what it already becomes (`Reach.HELD`,
`Reach.ATTACHED_POLICY`) run after the others, from their one-hop identity edges.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from analyzers.iam.escalation.edge_record import EscalationEdge
from analyzers.iam.escalation.methods import METHODS, SERVICE_ASSUMES
from analyzers.iam.escalation.targets import SERVICE_NODE, Candidate, TargetIndex, candidates, is_service
from analyzers.iam.escalation.types import EscalationMethod, Need, On, Reach, Yields
from analyzers.iam.grant import Grant, account_of
from analyzers.iam.principal_policies import IamModel
from policy.decision import Hinge

_SECOND_PHASE = frozenset({Reach.HELD, Reach.ATTACHED_POLICY})


# Reaches whose candidates depend on the caller only through its account, the Resource patterns
# of its Allows, and never being their own target: callers alike share one check of them.
_SHARED_REACH = frozenset({Reach.FUNCTION_ROLE, Reach.SERVICE_ROLE, Reach.ACCOUNT_ROLE, Reach.OTHER_USER})
_NOBODY = "\x00nobody"  # a caller name no principal has: candidates then leave nobody out

# target, via, grants, and the edge's conditional and hinges
Checked = tuple[str, str | None, tuple[Grant, ...], bool, tuple[Hinge, ...]]


@dataclass(frozen=True, slots=True)
class _Shared:
    """A method's checks for one caller, valid for every caller with the same sharing key: the
    engine's grants per candidate (those that pass), in candidate order, nobody left out."""

    checked: tuple[Checked, ...]
    targets: frozenset[str]
    best: tuple[Checked, ...]  # the edges of a caller that is no target and has nothing settled

    @classmethod
    def check(
        cls,
        index: TargetIndex,
        caller: str,
        method: EscalationMethod,
        narrowing: Mapping[On, tuple[str, ...]],
        filters: Sequence[tuple[On, re.Pattern[str]]],
        fixed: dict[Need, Grant],
    ) -> _Shared:
        model = index.model
        nobody = f"arn:aws:iam::{account_of(caller)}:role/{_NOBODY}"
        checked: list[Checked] = []
        for candidate in candidates(index, nobody, method, [], narrowing):
            target = candidate.target
            if _target_kind(model, target) not in method.target_kinds:
                continue
            if filters and any(
                p.fullmatch((target if on is On.TARGET else candidate.via) or "") is None for on, p in filters
            ):
                continue
            edge = _check(model, caller, method, candidate, fixed)
            if edge is not None:
                checked.append((target, edge.via, edge.grants, edge.conditional, edge.hinges))
        found = tuple(checked)
        return cls(found, frozenset(t for t, *_ in found), _replay(found, nobody, set()))

    def edges_for(self, caller: str, method: EscalationMethod, settled: set[str]) -> list[EscalationEdge]:
        """What the candidate loop of `_method_edges` yields for this caller, from the checks."""
        plain = caller not in self.targets and (not settled or self.targets.isdisjoint(settled))
        best = self.best if plain else _replay(self.checked, caller, settled)
        return [
            _edge(caller, target, method, grants, via, c, hinges) for target, via, grants, c, hinges in best
        ]


_SLOTS = tuple(
    getattr(EscalationEdge, name).__set__
    for name in ("source", "target", "method", "grants", "via", "prior", "conditional", "hinges")
)


def _edge(
    source: str,
    target: str,
    method: EscalationMethod,
    grants: tuple[Grant, ...],
    via: str | None,
    conditional: bool,
    hinges: tuple[Hinge, ...],
) -> EscalationEdge:
    """`EscalationEdge(source, target, method, grants, via)` (no prior), its derived fields given:
    half the cost of the frozen dataclass's __init__, for the million edges of a large estate."""
    edge = object.__new__(EscalationEdge)
    put_source, put_target, put_method, put_grants, put_via, put_prior, put_conditional, put_hinges = _SLOTS
    put_source(edge, source)
    put_target(edge, target)
    put_method(edge, method)
    put_grants(edge, grants)
    put_via(edge, via)
    put_prior(edge, None)
    put_conditional(edge, conditional)
    put_hinges(edge, hinges)
    return edge


def _replay(checked: tuple[Checked, ...], caller: str, settled: set[str]) -> tuple[Checked, ...]:
    """The candidate loop's choice (first certain way per target, else the last conditional
    one), over checks made for a caller alike."""
    best: dict[str, Checked] = {}
    for item in checked:
        target, _, _, conditional, _ = item
        if target == caller or target in settled:
            continue
        if target not in best or not conditional:
            best[target] = item
            if not conditional:
                settled.add(target)
    return tuple(best.values())


def _target_kind(model: IamModel, arn: str) -> str:
    principal = model.estate.principals.get(arn)
    return principal.kind if principal else ""


def _check(
    model: IamModel, caller: str, method: EscalationMethod, candidate: Candidate, fixed: dict[Need, Grant]
) -> EscalationEdge | None:
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
    return EscalationEdge(caller, candidate.target, method, tuple(grants), candidate.via, candidate.prior)


def _method_edges(
    index: TargetIndex,
    caller: str,
    method: EscalationMethod,
    first: list[EscalationEdge],
    covered: set[str] | frozenset[str] = frozenset(),
    shares: dict[tuple[object, ...], _Shared] | None = None,
) -> Iterator[EscalationEdge]:
    """`method`'s edges from `caller`; identity edges to roles in `covered` (reached already
    through a service) are not repeated. `shares` holds the checks made for callers the engine
    answers alike (IamModel.sharing_key), reused instead of asking again."""
    if shares is None:
        shares = {}
    model = index.model
    kind = model.actors[caller].kind
    if kind not in method.caller_kinds:
        return
    if any(n.trust == "none" and not model.may(caller, n.action) for n in method.needs):
        return
    # Grants that do not depend on the target: scopes the caller picks, and actions it may
    # perform on every resource (then no target needs the evaluator).
    fixed: dict[Need, Grant] = {}
    for need in method.needs:
        if need.on is On.SCOPE:
            grant = model.on_scope(caller, need.action, need.scope.format(account=account_of(caller)))
            if grant is None:
                return
            fixed[need] = grant
        elif need.trust == "none" and (everywhere := model.everywhere(caller, need.action)) is not None:
            fixed[need] = everywhere
    if method.reach is Reach.SERVICE_ROLE and all(n in fixed for n in method.needs):
        # It may pass every role: one edge to the service, whose own edges reach the roles.
        assert method.service is not None
        if index.service_roles(account_of(caller), method.service):
            grants = tuple(fixed[n] for n in method.needs)
            yield EscalationEdge(caller, f"{SERVICE_NODE}{method.service}", method, grants)
        return
    # Where the rest may be allowed (the Resource patterns of the caller's Allows): candidates
    # are drawn under those patterns, and must pass their loose regexes before the evaluator.
    filters = []
    narrowing: dict[On, tuple[str, ...]] = {}
    for need in method.needs:
        if need in fixed or need.trust != "none" or need.on is On.SCOPE:
            continue
        pattern = model.resource_filter(caller, need.action)
        patterns = model.resource_patterns(caller, need.action)
        if pattern is not None and patterns is not None:
            filters.append((need.on, pattern))
            narrowing[need.on] = (*narrowing.get(need.on, ()), *patterns)
    best: dict[str, EscalationEdge] = {}
    # one certain way to a target is enough (e.g. one function of the many running as a role)
    settled = set(covered) if method.yields is Yields.IDENTITY else set()
    if method.reach in _SHARED_REACH and all(n.trust == "none" for n in method.needs):
        key = model.sharing_key(caller, method.actions)
        if key is not None:
            shared = shares.get((key, method.id))
            if shared is None:
                shared = shares[key, method.id] = _Shared.check(
                    index, caller, method, narrowing, filters, fixed
                )
            yield from shared.edges_for(caller, method, settled)
            return
    for candidate in candidates(index, caller, method, first, narrowing, settled):
        target = candidate.target
        if target in settled or _target_kind(model, target) not in method.target_kinds:
            continue
        if filters and any(
            p.fullmatch((target if on is On.TARGET else candidate.via) or "") is None for on, p in filters
        ):
            continue
        held = best.get(target)
        edge = _check(model, caller, method, candidate, fixed)
        if edge is not None and (held is None or not edge.conditional):
            best[target] = edge
            if not edge.conditional:
                settled.add(target)
    yield from best.values()


def escalation_edges(model: IamModel) -> list[EscalationEdge]:
    """Every method's edges for every role and user, in a stable order."""
    index = TargetIndex(model)
    edges: list[EscalationEdge] = []
    shares: dict[tuple[object, ...], _Shared] = {}
    hubs: set[tuple[str, str]] = set()  # (service, account) that some caller reaches
    for caller in model.actors:
        if model.effective(caller).is_full_access():
            continue  # an administrator has nothing to escalate to
        first: list[EscalationEdge] = []
        covered: set[str] = set()  # roles it certainly reaches through a service already
        for method in METHODS:
            if method.reach in _SECOND_PHASE:
                continue
            for edge in _method_edges(index, caller, method, first, covered, shares):
                first.append(edge)
                if is_service(edge.target) and not edge.conditional:
                    service = edge.target.removeprefix(SERVICE_NODE)
                    trusted = index.service_roles(account_of(caller), service)
                    covered.update(r for r, g in trusted.items() if not g.conditional)
        second: list[EscalationEdge] = []
        for method in METHODS:
            if method.reach in _SECOND_PHASE:
                second.extend(_method_edges(index, caller, method, first, shares=shares))
        edges.extend(first)
        edges.extend(second)
        hubs.update(
            (e.target.removeprefix(SERVICE_NODE), account_of(e.source))
            for part in (first, second)
            for e in part
            if e.target.startswith(SERVICE_NODE)
        )
    for service, account in sorted(hubs):
        for role, grant in sorted(index.service_roles(account, service).items()):
            edges.append(EscalationEdge(f"{SERVICE_NODE}{service}", role, SERVICE_ASSUMES, (grant,)))
    return edges
