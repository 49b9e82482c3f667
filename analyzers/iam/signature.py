"""Resource signatures: which requests of one principal the evaluator would answer alike.

For a fixed principal and action, the engine's decision depends on the resource only through (a)
which Resource/NotResource patterns of the statements that apply to the action match it, (b) the
resource's account (aws:ResourceAccount, the RCPs that cap it) and (c) the resource's own context
(tags), which only a Condition on a resource tag key can read (or one with a policy variable, which
might name one): when none of those statements has such a Condition, (c) is left out.
Two resources equal on all three get the same decision, so the escalation search (one caller x
thousands of functions or roles) evaluates each distinct signature once instead of each resource.
Patterns are matched with the engine's own matcher, so a signature is exact; a pattern with a
policy variable makes the principal's resources unsignable (None), never approximate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from analyzers.iam.grant import account_of
from policy.actions import statement_applies_to_action
from policy.document import Statement
from policy.request import NamedPolicy
from policy.resources import statement_resource_verdict

Signature = tuple[object, ...]
PoliciesOf = Callable[[str, str], Sequence[NamedPolicy]]  # (principal, resource account) -> policies


class ResourceSignatures:
    """Signatures per (principal, action, resource account), their statements found once."""

    def __init__(self, policies_of: PoliciesOf) -> None:
        self._policies_of = policies_of
        self._statements: dict[tuple[str, str, str], tuple[Statement, ...] | None] = {}
        self._conditioned: dict[int, bool] = {}

    def relevant(self, principal: str, action: str, account: str) -> tuple[Statement, ...] | None:
        """The statements a request by `principal` for `action` on that account's resources meets
        (identity, boundary, SCPs, the account's RCPs); None when one names a policy variable."""
        key = (principal, action.lower(), account)
        if key not in self._statements:
            found: list[Statement] = []
            signable = True
            for policy in self._policies_of(principal, account):
                for statement in policy.document.statements:
                    if not statement_applies_to_action(statement, action):
                        continue
                    patterns = (
                        statement.resources if statement.resources is not None else statement.not_resources
                    )
                    if patterns is not None and any("${" in p for p in patterns):
                        signable = False
                    found.append(statement)
            self._statements[key] = tuple(found) if signable else None
        return self._statements[key]

    def conditioned(self, statements: tuple[Statement, ...]) -> bool:
        """Whether a Condition of the statements may read the resource's tags (then they matter)."""
        held = self._conditioned.get(id(statements))
        if held is None:
            held = self._conditioned[id(statements)] = any(
                _reads_resource_tags(c.key, c.values) for s in statements for c in s.conditions
            )
        return held

    def of(
        self, principal: str, action: str, resource: str, context: Mapping[str, object] | None = None
    ) -> Signature | None:
        """The resource's signature for this principal and action (None: not signable);
        `context` is the resource's own condition keys (its tags)."""
        account = account_of(resource) or ""
        statements = self.relevant(principal, action, account)
        if statements is None:
            return None
        verdicts = tuple(statement_resource_verdict(s, resource, variables=False) for s in statements)
        if context and self.conditioned(statements):
            return (account, *verdicts, frozenset(context.items()))
        return (account, *verdicts)


_RESOURCE_TAG_KEYS = ("aws:resourcetag/", "iam:resourcetag/")  # what IamModel.resource_context holds


def _reads_resource_tags(key: str, values: tuple[str, ...]) -> bool:
    return key.lower().startswith(_RESOURCE_TAG_KEYS) or "${" in key or any("${" in v for v in values)
