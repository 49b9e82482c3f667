"""A trust policy's shape: equal for roles whose trust policies the engine reads alike.

Why: every role's trust policy is asked whether each service may assume it (the roles a PassRole
method reaches); an account's two thousand roles hold a handful of distinct trust documents
("lambda.amazonaws.com may assume it", "the CI role may, with an ExternalId"). For a fixed
request, a trust policy's answer depends on the role only through its document, its account and
any Resource element a statement names (AWS ignores it in trust policies, the engine may not):
roles with equal documents and no Resource element are answered once, and the answer is read for
the others with `grant.retarget` (their trust policy's name and ARN in the references).
"""

from __future__ import annotations

import json

from estate.model import IamPrincipal


def trust_shape(role: IamPrincipal) -> str | None:
    """The canonical text of the role's trust document (None: no document, not one the engine
    may answer alike for another role, or not text we can canonicalise)."""
    document = role.trust_policy
    if not isinstance(document, dict):
        return None
    statements = document.get("Statement")
    listed = statements if isinstance(statements, list) else [statements]
    if any(not isinstance(s, dict) or "Resource" in s or "NotResource" in s for s in listed):
        return None
    try:
        return json.dumps(document, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return None


def never_admits(text: str | None, name: str) -> bool:
    """Whether a trust policy, by its lower-cased `trust_shape` text, surely admits no caller
    called `name` (a service, or a role's or user's last name) on its own: the text holds
    neither `name` (in any case) nor `*` (anyone, a pattern) nor a NotPrincipal (which admits
    whoever it does not list), and is ASCII (`json.dumps` escapes the rest, and a KELVIN SIGN
    lower-cases to `k`). A Principal element admits a caller only by naming it (its ARN, its
    role in a session ARN, a service's name), by naming anyone, or through NotPrincipal
    (`policy.principals`): without an identity Allow, nothing else lets it in (an account
    named delegates to identity policies, `policy.evaluate`)."""
    lowered = name.lower()
    return (
        text is not None
        and bool(lowered)
        and "\\u" not in text
        and "*" not in text
        and "notprincipal" not in text
        and lowered not in text
    )
