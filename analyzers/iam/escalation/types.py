"""What an escalation method is, as data: the permissions it needs, on what, and what it yields."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from analyzers.findings.model import Severity
from analyzers.iam.principal_policies import TrustMode


class On(StrEnum):
    """Which resource a needed action must be allowed on."""

    TARGET = "target"  # the target principal itself (role or user ARN)
    VIA = "via"  # the intermediary the method works through: a function, a group, a policy
    SCOPE = "scope"  # some resource matching `Need.scope`, that the caller creates or picks


class Reach(StrEnum):
    """How the candidate targets of a method are found (and what `via` is)."""

    TRUSTING_ROLE = "trusting-role"  # roles whose trust policy may admit the caller
    ACCOUNT_ROLE = "account-role"  # any other role of the caller's account
    OTHER_USER = "other-user"  # any other user of the caller's account
    HELD = "held"  # the caller itself, or a principal it becomes in one hop
    OWN_GROUP = "own-group"  # a group the caller (a user) is in; via = the group
    OTHER_GROUP = "other-group"  # a group of the account the caller (a user) is not in; via = it
    ATTACHED_POLICY = "attached-policy"  # a customer managed policy on a held principal; via = it
    SERVICE_ROLE = "service-role"  # roles `EscalationMethod.service` may assume (PassRole targets)
    FUNCTION_ROLE = "function-role"  # the role an existing function runs as; via = the function


class Yields(StrEnum):
    """What the caller gets once the method has run."""

    IDENTITY = "identity"  # credentials of the target, with its current permissions
    CONTROL = "control"  # Allows added at will to the target (the caps it cannot lift remain)
    MEMBERSHIP = "membership"  # the caller is in the group, with its policies added to its own


@dataclass(frozen=True, slots=True)
class Need:
    """One permission the method needs: an action on a resource (see `On`)."""

    action: str
    on: On
    scope: str = ""  # for On.SCOPE: an ARN pattern, `{account}` replaced by the caller's account
    passed_to: str | None = None  # iam:PassRole: the service it is passed to (iam:PassedToService)
    trust: TrustMode = "none"  # sts:AssumeRole: "actual" trust policy, or "rewritten" to name the caller

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, "on": self.on.value, "scope": self.scope or None}


@dataclass(frozen=True, slots=True)
class EscalationMethod:
    """One known way for a principal to become (or empower) another; adding one touches one place."""

    id: str
    title: str
    reach: Reach
    needs: tuple[Need, ...]
    yields: Yields = Yields.IDENTITY
    service: str | None = None  # for Reach.SERVICE_ROLE: the service principal
    caller_kinds: frozenset[str] = frozenset({"role", "user"})
    target_kinds: frozenset[str] = frozenset({"role", "user"})
    # Set when the method also needs something the snapshot does not list (an EC2 instance, a
    # Glue dev endpoint, ...): every edge it makes is conditional on this.
    unknown: str | None = None
    # The most a finding whose path uses this method can be rated: a step through resources the
    # snapshot does not list (an EC2 instance, an old policy version) caps it.
    severity: Severity = Severity.CRITICAL
    notes: str = ""
    references: tuple[str, ...] = field(default=())
    # For Yields.CONTROL: the caps the hop lifts (control_ceiling: "inline", "managed", "boundary"),
    # by the write itself (a put replaces inline policies) or the removing actions it also needs.
    removes: frozenset[str] = frozenset()
    # The pathfinding.cloud path ids (e.g. "iam-005") this method takes; shown in the evidence.
    pathfinding: tuple[str, ...] = field(default=())

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(n.action for n in self.needs)

    def describe(self) -> str:
        return " + ".join(dict.fromkeys(self.actions))
