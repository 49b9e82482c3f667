"""Who is calling, and how a resource policy's Principal / NotPrincipal names them.

How a resource-policy statement names the caller matters to AWS's evaluation, so matching reports
the way it matched, not just whether:
- exact: the caller's own ARN (role session, IAM user, federated-user session), a service, `Federated`;
  a same-account grant naming it is not limited by a permissions boundary or session policy;
- parent: the role (or IAM user) behind a session; limited by boundary and session policy;
- account: the caller's account root, which delegates the decision to the account's IAM policies;
- wildcard: `*`, anyone (including anonymous callers).
A caller given as a role ARN means "any session of this role", so a statement naming one particular
session of it is an open question, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from policy.context import ContextInput
from policy.document import Principal
from policy.truth import FALSE, TRUE, Tri, Unresolved, Verdict, verdict_any

_ACCOUNT = re.compile(r"^\d{12}$")
_IAM_ARN = re.compile(r"^arn:([^:]+):(iam|sts)::(\d{12}):(.+)$")
_SESSION_OF_ROLE = "names one session of the role; which session calls is not known"


@dataclass(frozen=True, slots=True)
class Caller:
    """The request's principal: kind is user, role, session, federated-user, root, service,
    anonymous or other. `name` is the user/role/service name; `parent` the role or user behind
    a session."""

    arn: str
    kind: str
    account: str | None = None
    name: str | None = None
    parent: str | None = None

    @property
    def is_iam(self) -> bool:
        return self.kind in {"user", "role", "session", "federated-user", "root"}

    @property
    def is_service_linked(self) -> bool:
        role = self.parent if self.kind == "session" else self.name if self.kind == "role" else None
        return bool(role and role.startswith("AWSServiceRoleFor")) or "/aws-service-role/" in self.arn

    def context_keys(self) -> dict[str, ContextInput]:
        """Global condition keys the request itself tells us."""
        keys: dict[str, ContextInput] = {}
        if self.kind == "service":
            keys |= {"aws:PrincipalIsAWSService": True, "aws:PrincipalServiceName": self.name}
            return keys
        if self.kind == "anonymous":
            return keys
        keys["aws:PrincipalIsAWSService"] = False
        if self.account:
            keys["aws:PrincipalAccount"] = self.account
        types = {"user": "User", "role": "AssumedRole", "session": "AssumedRole", "root": "Account"}
        if self.kind in types or self.kind == "federated-user":
            keys["aws:PrincipalType"] = types.get(self.kind, "FederatedUser")
        if self.kind in {"user", "role", "root"}:
            keys["aws:PrincipalArn"] = self.arn
        if self.kind == "user":
            keys["aws:username"] = self.name
        return keys


def parse_caller(principal_arn: str, account: str | None = None) -> Caller:
    value = principal_arn.strip()
    if value in {"*", "anonymous"}:
        return Caller(value, "anonymous")
    if value.startswith("service:") or value.endswith((".amazonaws.com", ".amazonaws.com.cn")):
        service = value.removeprefix("service:").lower()
        return Caller(value, "service", account, service)
    if _ACCOUNT.match(value):
        return Caller(f"arn:aws:iam::{value}:root", "root", value)
    match = _IAM_ARN.match(value)
    if match is None:
        return Caller(value, "other", account)
    _, service, acct, resource = match.groups()
    kind, _, rest = resource.partition("/")
    if service == "iam" and resource == "root":
        return Caller(value, "root", acct)
    if service == "iam" and kind in {"user", "role"} and rest:
        return Caller(value, kind, acct, rest.rsplit("/", 1)[-1])
    if service == "sts" and kind == "assumed-role" and "/" in rest:
        role, session = rest.split("/", 1)
        return Caller(value, "session", acct, session, role)
    if service == "sts" and kind == "federated-user" and rest:
        return Caller(value, "federated-user", acct, rest, rest)
    return Caller(value, "other", acct)


@dataclass(frozen=True, slots=True)
class _Named:
    """A policy principal ARN taken apart (account, resource kind, last name, session)."""

    account: str | None
    kind: str
    name: str | None = None
    session: str | None = None


def _named(principal: Principal) -> _Named:
    if principal.kind != "AWS":
        return _Named(None, principal.kind.lower())
    if _ACCOUNT.match(principal.value):  # the parser normalises these; hand-built ones may not be
        return _Named(principal.value, "root")
    match = _IAM_ARN.match(principal.value)
    if match is None:
        return _Named(None, "other")
    _, service, acct, resource = match.groups()
    kind, _, rest = resource.partition("/")
    if service == "iam" and resource == "root":
        return _Named(acct, "root")
    if service == "sts" and kind == "assumed-role" and "/" in rest:
        role, session = rest.split("/", 1)
        return _Named(acct, "assumed-role", role, session)
    return _Named(acct, f"{service}-{kind}", rest.rsplit("/", 1)[-1] if rest else None)


@dataclass(frozen=True, slots=True)
class PrincipalMatch:
    exact: Verdict = FALSE
    parent: Verdict = FALSE
    account: Verdict = FALSE
    wildcard: Verdict = FALSE

    @property
    def any(self) -> Verdict[Unresolved]:
        return verdict_any((self.exact, self.parent, self.account, self.wildcard))


NO_MATCH = PrincipalMatch()


def _exact(principal: Principal, named: _Named, caller: Caller) -> Verdict[Unresolved]:
    if principal.kind == "Service":
        return TRUE if caller.kind == "service" and principal.value.lower() == caller.name else FALSE
    if principal.kind in {"Federated", "CanonicalUser"} or named.kind == "other":
        return TRUE if principal.value == caller.arn else FALSE
    if caller.kind == "role" and named.kind == "iam-role":
        return FALSE  # a role caller stands for its sessions: naming the role is a parent match
    if principal.value == caller.arn or (
        caller.kind == named.kind == "root" and named.account == caller.account
    ):
        return TRUE
    if (
        caller.kind == "role"
        and named.kind == "assumed-role"
        and (named.account, named.name) == (caller.account, caller.name)
    ):
        return Verdict(
            Tri.UNKNOWN, (Unresolved("Principal", "Principal", (principal.value,), _SESSION_OF_ROLE),)
        )
    return FALSE


def _parent(named: _Named, caller: Caller) -> bool:
    if named.account != caller.account:
        return False
    if caller.kind == "session":
        return named.kind == "iam-role" and named.name == caller.parent
    if caller.kind == "role":
        return named.kind == "iam-role" and named.name == caller.name
    if caller.kind == "federated-user":
        return named.kind == "iam-user" and named.name == caller.parent
    return False


def match_principals(principals: Iterable[Principal], caller: Caller) -> PrincipalMatch:
    """How (if at all) a Principal element names the caller."""
    exact: list[Verdict] = []
    parent = account = wildcard = False
    for principal in principals:
        if principal.is_anyone:
            wildcard = True
            continue
        named = _named(principal)
        exact.append(_exact(principal, named, caller))
        parent = parent or (caller.is_iam and _parent(named, caller))
        account = account or (
            caller.is_iam
            and caller.kind != "root"
            and named.kind == "root"
            and named.account == caller.account
        )
    return PrincipalMatch(
        verdict_any(exact),
        TRUE if parent else FALSE,
        TRUE if account else FALSE,
        TRUE if wildcard else FALSE,
    )


def _excluded_identity(named_list: list[tuple[Principal, _Named]], caller: Caller) -> Verdict:
    match = match_principals((p for p, _ in named_list), caller)
    return verdict_any((match.exact, match.parent))


def excluded_by(not_principals: Iterable[Principal], caller: Caller) -> Verdict[Unresolved]:
    """Whether NotPrincipal exempts the caller. AWS may check the account, then the role, then
    the session, so an IAM caller listed without its account is an open question ("might deny
    the entire account", in AWS's words); one not listed at all is not exempt."""
    listed = [(p, _named(p)) for p in not_principals]
    if any(p.is_anyone for p, _ in listed):
        return TRUE
    identity = _excluded_identity(listed, caller)
    if not caller.is_iam or caller.kind == "root" or identity.truth is Tri.FALSE:
        return identity
    account = any(n.kind == "root" and n.account == caller.account for _, n in listed)
    if account and identity.truth is Tri.TRUE:
        return TRUE
    note = "NotPrincipal should list both the caller's ARN and its account; AWS may check either"
    values = tuple(p.value for p, _ in listed)
    return Verdict(Tri.UNKNOWN, (*identity.unresolved, Unresolved("Principal", "NotPrincipal", values, note)))
