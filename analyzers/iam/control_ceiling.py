"""What a principal can do once an attacker controls its identity policies: what stays in place.

`control` of a principal (iam:PutRolePolicy, iam:AttachRolePolicy, iam:CreatePolicyVersion...)
lets the attacker add any Allow. It does not make every cap go away:
- a Deny in one of its *inline* policies goes only with a put of the same name (PutRolePolicy /
  PutUserPolicy replace it) or iam:DeleteRolePolicy / DeleteUserPolicy;
- a Deny in an attached *managed* policy goes only with iam:DetachRolePolicy / DetachUserPolicy;
- the permissions boundary goes only with iam:DeleteRolePermissionsBoundary (or the user's);
- a Deny in a policy of a group a user is in, and the SCPs, stay whatever is written.
A method says which caps its hop lifts (`EscalationMethod.removes`: the write itself, plus the
removing actions it also needs); the rest cap the controlled principal (`IamModel.ceiling`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from policy.document import PolicyDocument
from policy.request import NamedPolicy

INLINE = "inline"
MANAGED = "managed"
BOUNDARY = "boundary"
CAPS = frozenset({INLINE, MANAGED, BOUNDARY})


def denies_only(policy: NamedPolicy) -> NamedPolicy | None:
    """The policy with its Allow statements made inert (statement positions kept, so evidence
    still points at the right Sid); None when it has no Deny."""
    statements = policy.document.statements
    if not any(not s.is_allow for s in statements):
        return None
    inert = tuple(
        s if not s.is_allow else replace(s, actions=(), not_actions=None, conditions=()) for s in statements
    )
    return replace(policy, document=PolicyDocument(inert, policy.document.version))


def is_inline(policy: NamedPolicy, principal_arn: str) -> bool:
    """An inline policy of `principal_arn` (the model names those `<arn>#inline/<name>`)."""
    return policy.arn is not None and policy.arn.startswith(f"{principal_arn}#inline/")


def kept_denies(
    own: Sequence[NamedPolicy], groups: Sequence[NamedPolicy], principal_arn: str, removed: frozenset[str]
) -> tuple[NamedPolicy, ...]:
    """The Deny statements that still apply once the caps in `removed` are lifted: those of its own
    inline and managed policies (unless removed) and of its groups' policies (always)."""
    kept: list[NamedPolicy] = []
    for policy in own:
        if (INLINE if is_inline(policy, principal_arn) else MANAGED) in removed:
            continue
        if (only := denies_only(policy)) is not None:
            kept.append(only)
    kept.extend(only for policy in groups if (only := denies_only(policy)) is not None)
    return tuple(kept)


def caps_present(own: Sequence[NamedPolicy], principal_arn: str, bounded: bool) -> frozenset[str]:
    """Which removable caps the principal has: a Deny inline, a Deny in a managed policy, a boundary."""
    found: set[str] = {BOUNDARY} if bounded else set()
    for policy in own:
        if any(not s.is_allow for s in policy.document.statements):
            found.add(INLINE if is_inline(policy, principal_arn) else MANAGED)
    return frozenset(found)
