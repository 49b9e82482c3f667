"""What an evaluation answers: allowed, denied or conditional, why, and on which statements.

Every decision can be explained line by line: the statements that allowed and denied (by policy
name/ARN, index and Sid) and, when conditional, each open question with the statement it sits in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from policy.request import PolicyKind

Outcome = Literal["allowed", "denied", "conditional"]
# For "denied": the layer that refused. For "conditional": the layer whose answer is open.
# For "allowed": the policy type that granted.
Reason = Literal[
    "explicit-deny",
    "implicit-deny",
    "scp",
    "rcp",
    "boundary",
    "session-policy",
    "resource-policy",
    "identity-policy",
    "identity-and-resource-policy",
    "principal",
]


@dataclass(frozen=True, slots=True)
class StatementRef:
    policy: str
    policy_arn: str | None
    kind: PolicyKind
    index: int
    sid: str | None
    effect: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.policy}#{self.sid if self.sid is not None else self.index}"

    def to_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "policy_arn": self.policy_arn,
            "kind": self.kind,
            "index": self.index,
            "sid": self.sid,
            "effect": self.effect,
        }


@dataclass(frozen=True, slots=True)
class Hinge:
    """One open question: the key (or `Resource`/`Principal`), the test on it, and where it is."""

    key: str
    operator: str
    values: tuple[str, ...]
    note: str
    statement: StatementRef

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "operator": self.operator,
            "values": list(self.values),
            "note": self.note,
            "statement": self.statement.to_json(),
        }


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    reason: Reason
    conditions: tuple[Hinge, ...] = ()
    allow_statements: tuple[StatementRef, ...] = ()
    deny_statements: tuple[StatementRef, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.outcome == "allowed"

    @property
    def denied(self) -> bool:
        return self.outcome == "denied"

    @property
    def conditional(self) -> bool:
        return self.outcome == "conditional"

    @property
    def keys(self) -> tuple[str, ...]:
        """The distinct condition keys a conditional decision hinges on, in order of appearance."""
        return tuple(dict.fromkeys(h.key for h in self.conditions))

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "reason": self.reason,
            "conditions": [h.to_json() for h in self.conditions],
            "allow_statements": [s.to_json() for s in self.allow_statements],
            "deny_statements": [s.to_json() for s in self.deny_statements],
        }
