"""What a role's trust policy lets in, as the IAM model answers it (`TrustPolicies`, mixed into
`IamModel`): the trust policy parsed as a resource policy, whether an AWS service may assume the
role, and the shortcuts that settle a question from the policy's text without the evaluator.

Every role's trust policy is asked whether each service may assume it (the roles a PassRole
method reaches) and whether each caller may (sts:AssumeRole), so answers are shared where the
engine would give the same one: roles whose trust documents read alike (`trust_shape`) answer a
service alike, and a document whose text names neither the caller nor anyone (nor uses
NotPrincipal) admits no such caller on its own (`never_admits`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from analyzers.iam.grant import Grant, Outcome, account_of, retarget
from analyzers.iam.trust_shape import never_admits, trust_shape
from estate.model import Estate, PolicyJSON
from policy.context import ContextInput
from policy.evaluate import evaluate
from policy.request import NamedPolicy, PolicyKind, Request


class TrustPolicies:
    """The trust-policy answers of `IamModel` (which provides `estate`, `_parse`, `_decisions`
    and `resource_filter`); its caches start empty (`_init_trust`)."""

    estate: Estate
    _decisions: dict[tuple[str, ...], Grant | None]

    def _init_trust(self) -> None:
        self._trust: dict[str, NamedPolicy | None] = {}
        self._alike_trust: dict[tuple[object, ...], tuple[str, Grant | None]] = {}
        self._shapes: dict[str, str | None] = {}
        self._shape_texts: dict[str, str | None] = {}  # trust shapes lower-cased (`_never_names`)

    def _parse(
        self, holder: str, name: str, doc: PolicyJSON | None, kind: PolicyKind, arn: str | None
    ) -> NamedPolicy | None:
        raise NotImplementedError  # IamModel's

    def resource_filter(self, arn: str, action: str) -> re.Pattern[str] | None:
        raise NotImplementedError  # IamModel's

    def trust(self, role_arn: str) -> NamedPolicy | None:
        """The role's trust policy as a resource policy (None: not a role, or unparseable)."""
        if role_arn not in self._trust:
            role = self.estate.principals.get(role_arn)
            doc = role.trust_policy if role and role.kind == "role" else None
            self._trust[role_arn] = (
                self._parse(role_arn, f"{role.name} trust policy", doc, "resource", role_arn)
                if role
                else None
            )
        return self._trust[role_arn]

    def service_may_assume(self, role_arn: str, service: str) -> Grant | None:
        """Whether the role's trust policy lets an AWS service (lambda.amazonaws.com, ...) assume it.

        The service acts for a resource of the role's own account (one the caller creates), so
        aws:SourceAccount is known; aws:SourceArn is not, and leaves the answer conditional.
        """
        key = (role_arn, "service", service)
        if key in self._decisions:
            return self._decisions[key]
        trust = self.trust(role_arn)
        grant = None
        # roles whose trust policies read alike (and name no Resource) answer a service alike
        alike_key = (self.trust_shape(role_arn), service, account_of(role_arn))
        alike = self._alike_trust.get(alike_key) if alike_key[0] is not None else None
        if trust is not None and self._never_names(role_arn, service):
            pass  # no statement can admit the service: refused, without the evaluator
        elif alike is not None and trust is not None:
            first, answer = alike
            grant = (
                None
                if answer is None
                else retarget(answer, first, role_arn, self._trust_names(first, role_arn))
            )
        elif trust is not None:
            request = Request(
                principal_arn=service,
                action="sts:AssumeRole",
                resource_arn=role_arn,
                context={"aws:SourceAccount": account_of(role_arn)},
            )
            decision = evaluate(request, identity_policies=(), resource_policy=trust)
            if not decision.denied:
                outcome: Outcome = "allowed" if decision.allowed else "conditional"
                grant = Grant(
                    "sts:AssumeRole", role_arn, outcome, decision.allow_statements, decision.conditions
                )
            if alike_key[0] is not None:
                self._alike_trust[alike_key] = (role_arn, grant)
        self._decisions[key] = grant
        return grant

    def _trust_alone_refuses(self, arn: str, action: str, role_arn: str) -> bool:
        """Whether an assume-role request by `arn` is surely refused without the evaluator: no
        identity Allow may cover the role (`resource_filter`), and its trust policy cannot admit
        the caller by itself (`trust_shape.never_admits`: an account named delegates to identity
        policies). A caller allowed a few roles asks every role trusting its account."""
        pattern = self.resource_filter(arn, action)
        if pattern is None or pattern.fullmatch(role_arn) is not None:
            return False
        return never_admits(self._shape_text(role_arn), arn.rsplit("/", 1)[-1])

    def _never_names(self, role_arn: str, service: str) -> bool:
        """Whether the role's trust policy surely admits no `service` caller (`never_admits`:
        a service matches only a principal naming it, anyone, or a NotPrincipal): most of an
        account's trust policies name one service, a role or an account, and are asked nothing."""
        return never_admits(self._shape_text(role_arn), service)

    def _shape_text(self, role_arn: str) -> str | None:
        """The role's `trust_shape`, lower-cased (None: it has none)."""
        text = self._shape_texts.get(role_arn, "")
        if text == "":
            shape = self.trust_shape(role_arn)
            text = self._shape_texts[role_arn] = None if shape is None else shape.lower()
        return text

    def trust_shape(self, role_arn: str) -> str | None:
        """`trust_shape.trust_shape` of the role, kept."""
        if role_arn not in self._shapes:
            role = self.estate.principals.get(role_arn)
            self._shapes[role_arn] = trust_shape(role) if role is not None else None
        return self._shapes[role_arn]

    def _trust_shape(self, role_arn: str, context: Mapping[str, ContextInput]) -> object:
        """What of the role's trust policy an sts:AssumeRole decision reads (None: do not share)."""
        shape = self.trust_shape(role_arn) if self.trust(role_arn) is not None else None
        if shape is not None and ("${" in shape or "resourcetag" in shape.lower()):
            return (shape, frozenset(context.items()))  # it may read the role's own tags
        return shape

    def _trust_names(self, first: str, role_arn: str) -> tuple[str, str]:
        """The names the trust policies of two roles are parsed under (see `trust`)."""
        principals = self.estate.principals
        return (f"{principals[first].name} trust policy", f"{principals[role_arn].name} trust policy")
