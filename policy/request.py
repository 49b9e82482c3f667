"""The inputs of an evaluation: the request, and policies tagged with the role they play."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from policy.context import ContextInput, RequestContext
from policy.document import PolicyDocument, parse_policy
from policy.principals import Caller, parse_caller

PolicyKind = Literal["identity", "resource", "boundary", "scp", "rcp", "session"]
_ACCOUNT = re.compile(r"^\d{12}$")


@dataclass(frozen=True, slots=True)
class NamedPolicy:
    """A policy document with its name/ARN (for explanations) and the role it plays.

    `org_level` groups SCPs and RCPs by where they attach in the organisation (root, each OU,
    the account): AWS requires an Allow at every level, not just somewhere.
    """

    name: str
    arn: str | None
    document: PolicyDocument
    kind: PolicyKind = "identity"
    org_level: str = ""

    @classmethod
    def parse(
        cls,
        name: str,
        document: str | Mapping[str, Any],
        kind: PolicyKind = "identity",
        *,
        arn: str | None = None,
        org_level: str = "",
    ) -> NamedPolicy:
        parsed = parse_policy(document, resource_policy=kind == "resource")
        return cls(name, arn, parsed, kind, org_level)


def _resource_account(resource_arn: str) -> str | None:
    parts = resource_arn.split(":", 5)
    if len(parts) == 6 and _ACCOUNT.match(parts[4]):
        return parts[4]
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Request:
    """One call: who (principal ARN: a role stands for any of its sessions), what, on which resource.

    Accounts default to the ones the ARNs carry. `context` holds condition keys; with
    `context_complete=False` (static analysis) a key not given is unknown, not absent. Keys the
    request itself determines (aws:PrincipalAccount, aws:PrincipalArn for users and roles,
    aws:username, aws:PrincipalType, aws:ResourceAccount, ...) are derived unless given.
    """

    principal_arn: str
    action: str
    resource_arn: str
    principal_account: str | None = None
    resource_account: str | None = None
    context: Mapping[str, ContextInput] = field(default_factory=dict)
    context_complete: bool = False
    caller: Caller = field(init=False, repr=False, compare=False)
    request_context: RequestContext = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        caller = parse_caller(self.principal_arn, self.principal_account)
        if self.principal_account is None:
            object.__setattr__(self, "principal_account", caller.account)
        if self.resource_account is None:
            object.__setattr__(self, "resource_account", _resource_account(self.resource_arn))
        derived = caller.context_keys()
        if self.resource_account:
            derived["aws:ResourceAccount"] = self.resource_account
        object.__setattr__(self, "caller", caller)
        object.__setattr__(
            self,
            "request_context",
            RequestContext.build(self.context, complete=self.context_complete, derived=derived),
        )

    @property
    def service(self) -> str:
        return self.action.split(":", 1)[0].lower()
