"""What the IAM analysis says about one permission: a `Grant` (allowed or conditional, on which
statements), and the small ARN and policy helpers the IAM modules share."""

from __future__ import annotations

import re
from dataclasses import dataclass
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
