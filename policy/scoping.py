"""Which conditions narrow a `Principal: *` grant to identified callers.

A resource-policy statement that allows `*` is public unless a condition pins the caller (or
the calling service's source) to named values: aws:SourceArn, aws:SourceAccount,
aws:PrincipalOrgID and friends. A condition only scopes when it is positive (not a Not-operator,
which lets everyone else in), names concrete values (not a bare `*`), and is not `...IfExists`
(an anonymous caller has no such key, so IfExists lets it through).
"""

from __future__ import annotations

from dataclasses import dataclass

from policy.document import Condition, Statement

# Keys that identify who calls (or on whose behalf a service calls).
SCOPING_KEYS = frozenset(
    k.lower()
    for k in (
        "aws:SourceArn",
        "aws:SourceAccount",
        "aws:SourceOwner",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalServiceName",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:userid",
        "aws:username",
    )
)
_POSITIVE_OPERATORS = frozenset(
    {"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike"}
)


@dataclass(frozen=True, slots=True)
class Scoping:
    """The verdict for one statement: whether it is scoped, and by which conditions."""

    scoped: bool
    by: tuple[Condition, ...] = ()
    authenticated_only: bool = False


def condition_scopes(condition: Condition) -> bool:
    if condition.key.lower() not in SCOPING_KEYS:
        return False
    if condition.if_exists or condition.negated or condition.set_qualifier == "ForAllValues":
        return False
    if condition.base_operator not in _POSITIVE_OPERATORS:
        return False
    return bool(condition.values) and all(v.strip("*?") for v in condition.values)


def statement_scoping(statement: Statement) -> Scoping:
    """Whether a statement's conditions keep anonymous callers out."""
    scoping = tuple(c for c in statement.conditions if condition_scopes(c))
    if scoping:
        return Scoping(True, scoping)
    iam_only = tuple(
        c
        for c in statement.conditions
        if c.key.lower() == "lambda:functionurlauthtype"
        and c.base_operator in {"StringEquals", "StringEqualsIgnoreCase"}
        and not c.if_exists
        and c.values
        and all(v.upper() == "AWS_IAM" for v in c.values)
    )
    if iam_only:
        return Scoping(True, iam_only, authenticated_only=True)
    return Scoping(False)
