"""What the IAM analysis says about one permission: a `Grant` (allowed or conditional, on which
statements), and the small ARN and policy helpers the IAM modules share."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Literal

from policy.decision import Hinge, StatementRef
from policy.request import NamedPolicy

Outcome = Literal["allowed", "conditional"]


@dataclass(frozen=True, slots=True)
class Grant:
    """A principal may perform `action` on `resource` (or somewhere in a scope), and why."""

    action: str
    resource: str
    outcome: Outcome
    statements: tuple[StatementRef, ...] = ()
    conditions: tuple[Hinge, ...] = ()

    @property
    def conditional(self) -> bool:
        return self.outcome == "conditional"

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "resource": self.resource,
            "outcome": self.outcome,
            "statements": [s.to_json() for s in self.statements],
            "conditions": [h.to_json() for h in self.conditions],
        }


def retarget(grant: Grant, old: str, new: str, names: tuple[str, str] | None = None) -> Grant:
    """The same decision about another resource the engine answers alike (same signature): the
    resource renamed, and so is the policy attached to the resource itself (a trust policy, whose
    name `names` gives before and after), the only statements whose reference names it."""
    statements = tuple(_moved(s, old, new, names) for s in grant.statements)
    conditions = tuple(
        replace(h, statement=moved)
        if (moved := _moved(h.statement, old, new, names)) is not h.statement
        else h
        for h in grant.conditions
    )
    return Grant(grant.action, new, grant.outcome, statements, conditions)


def _moved(ref: StatementRef, old: str, new: str, names: tuple[str, str] | None) -> StatementRef:
    if ref.kind != "resource" or ref.policy_arn != old:
        return ref
    if names is not None and ref.policy == names[0]:
        return replace(ref, policy_arn=new, policy=names[1])
    return replace(ref, policy_arn=new)


def account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 else ""


def loose_regex(pattern: str) -> str:
    """A resource pattern as a regex at least as permissive as AWS's matching."""
    return "(?:" + "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern) + ")"


def trust_naming(caller: str, role_arn: str) -> NamedPolicy:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "RewrittenByCaller",
                "Effect": "Allow",
                "Principal": {"AWS": caller},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    return NamedPolicy.parse("trust policy as the caller would rewrite it", doc, "resource", arn=role_arn)
