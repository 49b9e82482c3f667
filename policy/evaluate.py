"""AWS's policy evaluation logic, three-valued: allowed, denied, or conditional on named keys.

Documented order (reference_policies_evaluation-logic, and its cross-account page):
1. an explicit Deny in any applicable policy (identity, resource, boundary, session, SCP, RCP) wins;
2. SCPs (for the caller's account; not for service-linked roles) and RCPs (for the resource's) must
   allow, at every level of the organisation they are attached at;
3. same account: the identity policies OR the resource policy must allow. The identity route is
   capped by the permissions boundary and session policies. A resource-policy grant that names the
   caller's own ARN (role session, IAM user, federated user) is not capped by them; one naming the
   role behind the session is; one naming the account delegates to the identity route. For KMS key
   policies and role trust policies (`resource_policy_required`) the resource policy must allow,
   directly or by delegating to the account;
4. cross account: BOTH the identity route (with its caps) and the resource policy must allow.
A conditional Deny on an otherwise allowed request, or a conditional Allow, gives "conditional".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from policy.applicability import Grounds, PolicySetVerdict, assess
from policy.decision import Decision, Hinge, Reason, StatementRef
from policy.request import NamedPolicy, Request
from policy.truth import FALSE, TRUE, Tri, Verdict, verdict_all, verdict_any

_EMPTY = PolicySetVerdict()
_WILDCARD_NOTE = (
    "AWS does not document whether a Principal '*' grant bypasses a permissions boundary or "
    "session policy (it does when naming the session ARN, not when naming the role)"
)


def _levels(policies: Sequence[NamedPolicy], request: Request) -> list[PolicySetVerdict]:
    if not policies:
        return []
    if all(p.org_level == policies[0].org_level for p in policies):
        return [assess(policies, request)]
    grouped: dict[str, list[NamedPolicy]] = defaultdict(list)
    for policy in policies:
        grouped[policy.org_level].append(policy)
    return [assess(group, request) for group in grouped.values()]


def _wildcard_hinge(resource_policy: NamedPolicy) -> Grounds:
    statements = resource_policy.document.statements
    index = next(
        (
            i
            for i, s in enumerate(statements)
            if s.is_allow and (s.not_principals is not None or any(p.is_anyone for p in s.principals or ()))
        ),
        0,
    )
    sid = statements[index].sid if statements else None
    ref = StatementRef(resource_policy.name, resource_policy.arn, "resource", index, sid, "Allow")
    return Verdict(Tri.UNKNOWN, (Hinge("Principal", "Principal", ("*",), _WILDCARD_NOTE, ref),))


class _Layers:
    """The per-layer verdicts of one request, and the routes to "allowed" built from them."""

    def __init__(
        self,
        request: Request,
        identity: PolicySetVerdict,
        resource: PolicySetVerdict | None,
        boundary: PolicySetVerdict | None,
        session: PolicySetVerdict | None,
        wildcard_hinge: Grounds,
    ) -> None:
        self.request = request
        self.identity = identity
        self.resource = resource or _EMPTY
        self.boundary = boundary
        self.session = session
        caps = [layer.allow for layer in (boundary, session) if layer is not None]
        self.caps: Grounds = verdict_all(caps)
        self.identity_route: Grounds = verdict_all((identity.allow, self.caps))
        wildcard_caps = self.caps if not caps else verdict_any((self.caps, wildcard_hinge))
        self.direct_route: Grounds = verdict_any(
            (
                self.resource.allowed_as("exact"),
                verdict_all((self.resource.allowed_as("parent"), self.caps)),
                verdict_all((self.resource.allowed_as("wildcard"), wildcard_caps)),
            )
        )

    def access(self, same_account: bool, required: bool) -> Grounds:
        caller = self.request.caller
        if not caller.is_iam:
            return verdict_any((self.resource.allowed_as("exact"), self.resource.allowed_as("wildcard")))
        if not same_account:
            return verdict_all((self.identity_route, self.resource.allow))
        if required:
            delegated = verdict_all((self.resource.allowed_as("account"), self.identity_route))
            return verdict_any((self.direct_route, delegated))
        return verdict_any((self.identity_route, self.direct_route))

    def _first_false_cap(self) -> Reason | None:
        if self.boundary is not None and self.boundary.allow.truth is Tri.FALSE:
            return "boundary"
        if self.session is not None and self.session.allow.truth is Tri.FALSE:
            return "session-policy"
        return None

    def denial_reason(self, same_account: bool, required: bool) -> Reason:
        if not self.request.caller.is_iam:
            return "implicit-deny"
        identity_allows = self.identity.allow.truth is not Tri.FALSE
        resource_allows = self.resource.allow.truth is not Tri.FALSE
        if not same_account:
            if not identity_allows:
                return "implicit-deny"
            if self.identity_route.truth is Tri.FALSE:
                return self._first_false_cap() or "implicit-deny"
            return "resource-policy"
        if required and not resource_allows:
            return "resource-policy"
        if not identity_allows and not resource_allows:
            return "implicit-deny"
        return self._first_false_cap() or "implicit-deny"

    def open_reason(self) -> Reason:
        parts: list[tuple[Reason, Grounds]] = [
            ("identity-policy", self.identity.allow),
            ("resource-policy", self.resource.allow),
        ]
        if self.boundary is not None:
            parts.append(("boundary", self.boundary.allow))
        if self.session is not None:
            parts.append(("session-policy", self.session.allow))
        return next((name for name, grounds in parts if grounds.truth is Tri.UNKNOWN), "principal")

    def allowed_reason(self, same_account: bool) -> Reason:
        if not self.request.caller.is_iam:
            return "resource-policy"
        if not same_account:
            return "identity-and-resource-policy"
        return "identity-policy" if self.identity_route.truth is Tri.TRUE else "resource-policy"


_TRUST_ACTIONS = frozenset(
    a.lower()
    for a in (
        "sts:AssumeRole",
        "sts:AssumeRoleWithSAML",
        "sts:AssumeRoleWithWebIdentity",
        "sts:TagSession",
        "sts:SetSourceIdentity",
        "sts:SetContext",
    )
)


def requires_resource_policy(request: Request) -> bool:
    """KMS key policies and role trust policies must allow explicitly (AWS documents both)."""
    action = request.action.lower()
    if action.startswith("kms:"):
        return ":key/" in request.resource_arn
    return action in _TRUST_ACTIONS and ":role/" in request.resource_arn


def _same_account(request: Request, same_account: bool | None) -> bool:
    if same_account is not None:
        return same_account
    if not request.caller.is_iam:
        return False  # only IAM callers have an account side; resource policies alone decide
    if request.principal_account is None or request.resource_account is None:
        raise ValueError(
            "same_account must be given when the principal's or the resource's account is not known "
            f"({request.principal_arn} -> {request.resource_arn})"
        )
    return request.principal_account == request.resource_account


def evaluate(
    request: Request,
    *,
    identity_policies: Sequence[NamedPolicy],
    resource_policy: NamedPolicy | None = None,
    boundary: NamedPolicy | None = None,
    scps: Sequence[NamedPolicy] = (),
    rcps: Sequence[NamedPolicy] = (),
    session_policies: Sequence[NamedPolicy] = (),
    same_account: bool | None = None,
    resource_policy_required: bool | None = None,
) -> Decision:
    """Decide `request` under the given policies.

    `same_account` defaults to comparing the request's accounts (required when one is unknown, as
    for S3 bucket ARNs). `resource_policy_required` defaults to `requires_resource_policy`:
    KMS actions on a key, and sts:AssumeRole (and friends) on a role.
    """
    same = _same_account(request, same_account)
    required = (
        requires_resource_policy(request) if resource_policy_required is None else resource_policy_required
    )
    caller = request.caller
    identity = assess(identity_policies, request) if caller.is_iam else _EMPTY
    if caller.kind == "root" and same:
        identity = PolicySetVerdict(TRUE, identity.deny, {}, identity.allow_refs, identity.deny_refs)
    resource = (
        assess((resource_policy,), request, resource=True, has_boundary=boundary is not None)
        if resource_policy is not None
        else None
    )
    bound = assess((boundary,), request) if boundary is not None and caller.is_iam else None
    session = assess(session_policies, request) if session_policies and caller.is_iam else None
    scp_levels = _levels(scps, request) if caller.is_iam and not caller.is_service_linked else []
    rcp_levels = _levels(rcps, request) if not caller.is_service_linked else []

    layers = [identity, resource, bound, session, *scp_levels, *rcp_levels]
    present = [layer for layer in layers if layer is not None]
    deny: Grounds = verdict_any(layer.deny for layer in present)
    allow_refs = tuple(ref for layer in present for ref in layer.allow_refs)
    deny_refs = tuple(ref for layer in present for ref in layer.deny_refs)

    capped = bound is not None or session is not None
    wildcard_hinge = _wildcard_hinge(resource_policy) if resource_policy is not None and capped else FALSE
    routes = _Layers(request, identity, resource, bound, session, wildcard_hinge)
    access = routes.access(same, required)
    factors: list[tuple[Reason, Grounds]] = [
        *(("scp", level.allow) for level in scp_levels),
        *(("rcp", level.allow) for level in rcp_levels),
        (routes.open_reason(), access),
    ]
    final = verdict_all((~deny, *(grounds for _, grounds in factors)))

    if final.truth is Tri.TRUE:
        return Decision("allowed", routes.allowed_reason(same), (), allow_refs, deny_refs)
    if final.truth is Tri.FALSE:
        if deny.truth is Tri.TRUE:
            return Decision("denied", "explicit-deny", (), allow_refs, deny_refs)
        refused: Reason | None = next((name for name, g in factors[:-1] if g.truth is Tri.FALSE), None)
        denial = refused or routes.denial_reason(same, required)
        return Decision("denied", denial, (), allow_refs, deny_refs)
    open_factor: Reason = next((name for name, g in factors if g.truth is Tri.UNKNOWN), "principal")
    reason: Reason = "explicit-deny" if deny.truth is Tri.UNKNOWN else open_factor
    return Decision("conditional", reason, final.unresolved, allow_refs, deny_refs)
