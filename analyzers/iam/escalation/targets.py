"""Where an escalation method may lead: candidate targets per `Reach`, from indexes built once.

Candidates are cheap guesses, never verdicts: `edges` checks each through the engine. They are
kept few: roles by the principals and accounts their trust policies name, roles by the services
they trust, and, when the caller's policies name the resources a method acts on by pattern
(`function:team-a-*`, `role/ci-*`), only the ARNs under those patterns' literal prefixes.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass

from analyzers.iam.escalation.edge_record import EscalationEdge
from analyzers.iam.escalation.principal_index import PrincipalIndex
from analyzers.iam.escalation.types import EscalationMethod, On, Reach
from analyzers.iam.grant import Grant, account_of
from analyzers.iam.principal_policies import IamModel
from policy.actions import statement_applies_to_action

SERVICE_NODE = "service:"  # graph node prefix of an AWS service (service:lambda.amazonaws.com)
Narrowing = Mapping[On, tuple[str, ...]]  # Resource patterns the caller's Allows name, per `On`


@dataclass(frozen=True, slots=True)
class Candidate:
    target: str
    via: str | None = None
    prior: EscalationEdge | None = None  # how the caller already becomes the target (Reach.HELD)
    trust: Grant | None = None  # a service's right to assume the target (PassRole methods)


def _resource_part(text: str) -> str:
    """What follows an ARN's fifth colon (`function:name`, `role/path/name`), lower-cased."""
    parts = text.split(":", 5)
    return parts[5].lower() if len(parts) == 6 else ""


class SortedArns:
    """ARNs sorted by their resource part (after the fifth colon), case-insensitively: those a
    pattern may match lie under the literal prefix of its resource part (`function:team-a-`),
    whatever wildcards its region or account hold."""

    def __init__(self, arns: Iterable[str]) -> None:
        pairs = sorted((_resource_part(a), a) for a in arns)
        self._keys = [k for k, _ in pairs]
        self._arns = [a for _, a in pairs]

    def __iter__(self) -> Iterator[str]:
        return iter(self._arns)

    def under(self, patterns: tuple[str, ...] | None) -> list[str]:
        """The ARNs some pattern may match (every ARN for None), in order."""
        if patterns is None:
            return self._arns
        picked: set[int] = set()
        for pattern in patterns:
            part = _resource_part(pattern) if pattern.count(":") >= 5 else ""
            prefix = part[: min((i for i in (part.find("*"), part.find("?")) if i >= 0), default=len(part))]
            start = bisect.bisect_left(self._keys, prefix)
            stop = bisect.bisect_left(self._keys, prefix + "\U0010ffff")
            picked.update(range(start, stop))
        return [self._arns[i] for i in sorted(picked)]


class TargetIndex:
    """Look-ups built once: who trusts whom, who is in which account, which roles serve which service."""

    def __init__(self, model: IamModel, principals: PrincipalIndex | None = None) -> None:
        self.model = model
        self.principals = principals if principals is not None else PrincipalIndex(model.estate.principals)
        roles: dict[str, list[str]] = defaultdict(list)
        users: dict[str, list[str]] = defaultdict(list)
        groups: dict[str, list[str]] = defaultdict(list)
        functions: dict[str, list[str]] = defaultdict(list)
        for arn, principal in model.actors.items():
            if "/aws-service-role/" in arn:
                continue  # service-linked roles: AWS refuses to pass, edit or re-trust them
            (roles if principal.kind == "role" else users)[account_of(arn)].append(arn)
        for arn in model.groups:
            groups[account_of(arn)].append(arn)
        self.function_role: dict[str, str] = {}
        for fn in model.estate.functions:
            if account_of(fn.role_arn) == fn.account:  # a role of another account cannot be used
                functions[fn.account].append(fn.arn)
                self.function_role[fn.arn] = fn.role_arn
        self.roles = {a: SortedArns(v) for a, v in roles.items()}
        self.users = {a: SortedArns(v) for a, v in users.items()}
        self.groups = {a: SortedArns(v) for a, v in groups.items()}
        self.functions = {a: SortedArns(v) for a, v in functions.items()}
        self.named: dict[str, list[str]] = defaultdict(list)  # principal ARN -> roles naming it
        self.by_account: dict[str, list[str]] = defaultdict(list)  # account -> roles naming its root
        self.open_roles: list[str] = []  # roles whose trust names `*` or uses NotPrincipal
        for role in (r for sorted_roles in self.roles.values() for r in sorted_roles):
            self._index_trust(role)
        self._service_roles: dict[tuple[str, str], dict[str, Grant]] = {}
        self._service_masks: dict[tuple[str, str], int] = {}

    def _index_trust(self, role: str) -> None:
        trust = self.model.trust(role)
        if trust is None:
            return
        named: set[str] = set()
        accounts: set[str] = set()
        for statement in trust.document.statements:
            if not statement.is_allow or not statement_applies_to_action(statement, "sts:AssumeRole"):
                continue
            if statement.not_principals is not None or any(p.is_anyone for p in statement.principals or ()):
                self.open_roles.append(role)
                return
            for principal in statement.principals or ():
                if principal.kind != "AWS":
                    continue
                if principal.value.endswith(":root") and principal.account:
                    accounts.add(principal.account)
                else:
                    named.add(principal.value)
        for arn in named:
            self.named[arn].append(role)
        for account in accounts:
            self.by_account[account].append(role)

    def service_roles(self, account: str, service: str) -> dict[str, Grant]:
        """The roles of the account whose trust policy lets `service` assume them.

        Roles whose trust policies read alike (`IamModel.trust_shape`, within one account) are
        answered alike by `service_may_assume`: once one is refused, the others are skipped
        unasked (an account's thousands of roles hold a handful of trust documents)."""
        key = (account, service)
        found = self._service_roles.get(key)
        if found is None:
            model = self.model
            found = self._service_roles[key] = {}
            refused: set[str] = set()  # trust shapes the service may not assume
            for role in self.roles.get(account, ()):
                shape = model.trust_shape(role)
                if shape is not None and shape in refused:
                    continue
                grant = model.service_may_assume(role, service)
                if grant is not None:
                    found[role] = grant
                elif shape is not None and model.trust(role) is not None:
                    refused.add(shape)
        return found

    def service_role_mask(self, account: str, service: str) -> int:
        """`service_roles` as a bitset of principal positions."""
        key = (account, service)
        held = self._service_masks.get(key)
        if held is None:
            held = self._service_masks[key] = self.principals.mask(self.service_roles(account, service))
        return held

    def trusting(self, caller: str) -> list[str]:
        """Roles whose trust policy may admit the caller (by name, by account, or anyone)."""
        roles = [*self.named.get(caller, ()), *self.open_roles]
        if self.model.may(caller, "sts:AssumeRole"):
            roles.extend(self.by_account.get(account_of(caller), ()))
        return sorted(set(roles) - {caller})

    def listed(
        self, table: Mapping[str, SortedArns], account: str, patterns: tuple[str, ...] | None
    ) -> list[str]:
        held = table.get(account)
        return held.under(patterns) if held is not None else []


def is_service(node: str) -> bool:
    return node.startswith(SERVICE_NODE)


def candidates(
    index: TargetIndex,
    caller: str,
    method: EscalationMethod,
    held: Iterable[tuple[str, EscalationEdge | None]],
    narrowing: Narrowing,
    settled: Container[str] = frozenset(),
) -> Iterator[Candidate]:
    """Possible (target, via) pairs of `method` for `caller`; `held` gives what the caller holds
    (itself, and what its one-hop identity edges make it, with those edges: `held.HeldTargets`),
    read by the second-phase reaches only; targets in `settled` (reached already) are skipped
    where it saves much work."""
    model, account = index.model, account_of(caller)
    target_patterns, via_patterns = narrowing.get(On.TARGET), narrowing.get(On.VIA)
    reach = method.reach
    if reach is Reach.TRUSTING_ROLE:
        yield from (Candidate(r) for r in index.trusting(caller))
    elif reach is Reach.ACCOUNT_ROLE:
        roles = index.listed(index.roles, account, target_patterns)
        yield from (Candidate(r) for r in roles if r != caller)
    elif reach is Reach.OTHER_USER:
        users = index.listed(index.users, account, target_patterns)
        yield from (Candidate(u) for u in users if u != caller)
    elif reach is Reach.OWN_GROUP:
        yield from (Candidate(caller, g) for g in model.groups_of(caller))
    elif reach is Reach.OTHER_GROUP:
        own = set(model.groups_of(caller))
        groups = index.listed(index.groups, account, via_patterns)
        yield from (Candidate(g, g) for g in groups if g not in own)
    elif reach is Reach.SERVICE_ROLE:
        assert method.service is not None
        trusted = index.service_roles(account, method.service)
        names = (
            list(trusted) if target_patterns is None else index.listed(index.roles, account, target_patterns)
        )
        yield from (Candidate(r, trust=trusted[r]) for r in names if r != caller and r in trusted)
    elif reach is Reach.FUNCTION_ROLE:
        for fn in index.listed(index.functions, account, via_patterns):
            role = index.function_role[fn]
            if role != caller and role not in settled:
                yield Candidate(role, fn)
    elif reach is Reach.HELD:
        for target, prior in held:
            yield Candidate(target, prior=prior)
    elif reach is Reach.ATTACHED_POLICY:
        for target, prior in held:
            holders = (target, *model.groups_of(target))
            attached = (a for h in holders for a in model.estate.principals[h].attached_policy_arns)
            for policy in dict.fromkeys(attached):
                if ":aws:policy/" not in policy:  # AWS managed policies have no customer versions
                    yield Candidate(target, policy, prior)
