"""Worked examples of AWS's policy evaluation logic, each with its expected decision.

Sources: the IAM User Guide pages "Policy evaluation logic", "Cross-account policy evaluation
logic", "Permissions boundaries for IAM entities" (resource-based policies vs boundaries),
"Session policies", "NotPrincipal", and the condition operator reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from policy.context import ContextInput
from policy.evaluate import evaluate
from policy.request import NamedPolicy, PolicyKind, Request

A, B = "111122223333", "444455556666"
ROLE = f"arn:aws:iam::{A}:role/app"
SESSION = f"arn:aws:sts::{A}:assumed-role/app/build-42"
USER = f"arn:aws:iam::{A}:user/alice"
BOB = f"arn:aws:iam::{A}:user/bob"
ROLE_B = f"arn:aws:iam::{B}:role/partner"
OBJECT = "arn:aws:s3:::bucket/reports/q1.csv"
KEY = f"arn:aws:kms:eu-west-1:{A}:key/1234"
TRUSTING_ROLE = f"arn:aws:iam::{A}:role/deployer"
SLR = f"arn:aws:iam::{A}:role/aws-service-role/lambda.amazonaws.com/AWSServiceRoleForLambda"


def stmt(effect: str, action: Any = "s3:GetObject", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"Effect": effect, **extra}
    if "NotAction" not in extra:
        body["Action"] = action
    if resource is not None and "NotResource" not in extra:
        body["Resource"] = resource
    return body


def allow(action: Any = "s3:GetObject", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return stmt("Allow", action, resource, **extra)


def deny(action: Any = "s3:GetObject", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return stmt("Deny", action, resource, **extra)


def pol(
    kind: PolicyKind, *statements: dict[str, Any], version: str = "2012-10-17", level: str = ""
) -> NamedPolicy:
    return NamedPolicy.parse(
        f"{kind}-policy", {"Version": version, "Statement": list(statements)}, kind, org_level=level
    )


def req(
    principal: str = ROLE,
    action: str = "s3:GetObject",
    resource: str = OBJECT,
    *,
    resource_account: str | None = A,
    context: dict[str, ContextInput] | None = None,
    complete: bool = True,
) -> Request:
    return Request(
        principal_arn=principal,
        action=action,
        resource_arn=resource,
        resource_account=resource_account,
        context=context or {},
        context_complete=complete,
    )


@dataclass
class Case:
    name: str
    request: Request
    outcome: str
    reason: str
    identity: list[NamedPolicy] = field(default_factory=list)
    resource: NamedPolicy | None = None
    boundary: NamedPolicy | None = None
    scps: list[NamedPolicy] = field(default_factory=list)
    rcps: list[NamedPolicy] = field(default_factory=list)
    sessions: list[NamedPolicy] = field(default_factory=list)
    required: bool | None = None  # None: evaluate() decides from the action (KMS keys, trust)
    keys: tuple[str, ...] = ()


def principal(*arns: str) -> dict[str, Any]:
    return {"Principal": {"AWS": list(arns)}}


S3_ALL = pol("identity", allow("s3:*"))
ADMIN = pol("identity", allow("*"))

CASES = [
    # -- identity policies ----------------------------------------------------------------------
    Case("identity-only allow", req(), "allowed", "identity-policy", [S3_ALL]),
    Case("no policy at all is an implicit deny", req(), "denied", "implicit-deny"),
    Case(
        "allow of another action", req(), "denied", "implicit-deny", [pol("identity", allow("s3:PutObject"))]
    ),
    Case(
        "allow on another resource",
        req(),
        "denied",
        "implicit-deny",
        [pol("identity", allow("*", "arn:aws:s3:::other/*"))],
    ),
    Case(
        "action wildcards ignore case",
        req(action="s3:getobject"),
        "allowed",
        "identity-policy",
        [pol("identity", allow("S3:Get*"))],
    ),
    Case(
        "explicit deny overrides allow", req(), "denied", "explicit-deny", [S3_ALL, pol("identity", deny())]
    ),
    Case(
        "deny with NotAction covers everything else",
        req(action="iam:CreateUser", resource="*"),
        "denied",
        "explicit-deny",
        [ADMIN, pol("identity", deny(NotAction="s3:*"))],
    ),
    Case(
        "deny with NotAction spares the named actions",
        req(),
        "allowed",
        "identity-policy",
        [ADMIN, pol("identity", deny(NotAction="s3:*"))],
    ),
    Case(
        "deny with NotResource",
        req(),
        "denied",
        "explicit-deny",
        [S3_ALL, pol("identity", deny("s3:*", None, NotResource="arn:aws:s3:::safe/*"))],
    ),
    Case(
        "resource part of an ARN is case-sensitive",
        req(),
        "denied",
        "implicit-deny",
        [pol("identity", allow("s3:GetObject", "arn:aws:s3:::Bucket/*"))],
    ),
    Case(
        "service segment of an ARN is not",
        req(),
        "allowed",
        "identity-policy",
        [pol("identity", allow("s3:GetObject", "arn:aws:S3:::bucket/*"))],
    ),
    Case(
        "root user of the account needs no identity policy",
        req(f"arn:aws:iam::{A}:root"),
        "allowed",
        "identity-policy",
    ),
    # -- permissions boundaries and session policies --------------------------------------------
    Case(
        "boundary caps identity permissions",
        req(action="s3:PutObject"),
        "denied",
        "boundary",
        [S3_ALL],
        boundary=pol("boundary", allow("s3:GetObject")),
    ),
    Case(
        "boundary and identity both allow",
        req(),
        "allowed",
        "identity-policy",
        [S3_ALL],
        boundary=pol("boundary", allow("s3:Get*")),
    ),
    Case(
        "deny in a boundary is an explicit deny",
        req(),
        "denied",
        "explicit-deny",
        [S3_ALL],
        boundary=pol("boundary", allow("*"), deny()),
    ),
    Case(
        "session policy limits the role's permissions",
        req(SESSION, "s3:PutObject"),
        "denied",
        "session-policy",
        [S3_ALL],
        sessions=[pol("session", allow("s3:GetObject"))],
    ),
    Case(
        "session policy and identity both allow",
        req(SESSION),
        "allowed",
        "identity-policy",
        [S3_ALL],
        sessions=[pol("session", allow("s3:GetObject"))],
    ),
    # -- organisations ----------------------------------------------------------------------------
    Case("SCP without an allow blocks", req(), "denied", "scp", [S3_ALL], scps=[pol("scp", allow("ec2:*"))]),
    Case(
        "SCP deny is an explicit deny",
        req(),
        "denied",
        "explicit-deny",
        [S3_ALL],
        scps=[pol("scp", allow("*")), pol("scp", deny("s3:*"))],
    ),
    Case(
        "every SCP level must allow",
        req(),
        "denied",
        "scp",
        [S3_ALL],
        scps=[pol("scp", allow("*"), level="root"), pol("scp", allow("ec2:*"), level="ou-1")],
    ),
    Case(
        "SCPs allowing at every level",
        req(),
        "allowed",
        "identity-policy",
        [S3_ALL],
        scps=[pol("scp", allow("*"), level="root"), pol("scp", allow("s3:*"), level="ou-1")],
    ),
    Case(
        "SCPs do not restrict service-linked roles",
        req(SLR),
        "allowed",
        "identity-policy",
        [S3_ALL],
        scps=[pol("scp", allow("ec2:*"))],
    ),
    Case(
        "SCPs restrict the root user too",
        req(f"arn:aws:iam::{A}:root"),
        "denied",
        "scp",
        scps=[pol("scp", allow("ec2:*"))],
    ),
    Case(
        "RCP without an allow blocks",
        req(),
        "denied",
        "rcp",
        [S3_ALL],
        rcps=[pol("rcp", allow("ec2:*", Principal="*"))],
    ),
    # -- resource-based policies, same account ----------------------------------------------------
    Case(
        "same account: resource policy alone suffices",
        req(),
        "allowed",
        "resource-policy",
        resource=pol("resource", allow(**principal(ROLE))),
    ),
    Case(
        "same account: naming the account delegates to IAM",
        req(),
        "denied",
        "implicit-deny",
        resource=pol("resource", allow(**principal(f"arn:aws:iam::{A}:root"))),
    ),
    Case(
        "same account: explicit deny in the resource policy",
        req(),
        "denied",
        "explicit-deny",
        [S3_ALL],
        resource=pol("resource", deny(Principal="*")),
    ),
    Case(
        "same account: grant naming the role is capped by its boundary",
        req(),
        "denied",
        "boundary",
        resource=pol("resource", allow(**principal(ROLE))),
        boundary=pol("boundary", allow("ec2:*")),
    ),
    Case(
        "same account: grant naming the session is not capped by the boundary",
        req(SESSION),
        "allowed",
        "resource-policy",
        resource=pol("resource", allow(**principal(SESSION))),
        boundary=pol("boundary", allow("ec2:*")),
    ),
    Case(
        "same account: grant naming the IAM user is not capped by the boundary",
        req(USER),
        "allowed",
        "resource-policy",
        resource=pol("resource", allow(**principal(USER))),
        boundary=pol("boundary", allow("ec2:*")),
    ),
    Case(
        "same account: grant naming the session is not limited by session policy",
        req(SESSION),
        "allowed",
        "resource-policy",
        resource=pol("resource", allow(**principal(SESSION))),
        sessions=[pol("session", allow("ec2:*"))],
    ),
    Case(
        "same account: grant naming the role is limited by session policy",
        req(SESSION),
        "denied",
        "session-policy",
        resource=pol("resource", allow(**principal(ROLE))),
        sessions=[pol("session", allow("ec2:*"))],
    ),
    Case(
        "a role caller vs a grant naming one of its sessions",
        req(),
        "conditional",
        "resource-policy",
        resource=pol("resource", allow(**principal(SESSION))),
        keys=("Principal",),
    ),
    Case(
        "Principal * grant vs a boundary is not documented",
        req(),
        "conditional",
        "principal",
        resource=pol("resource", allow(Principal="*")),
        boundary=pol("boundary", allow("ec2:*")),
        keys=("Principal",),
    ),
    # -- KMS key policies and role trust policies ---------------------------------------------------
    Case(
        "KMS: identity allow is not enough without the key policy",
        req(action="kms:Decrypt", resource=KEY),
        "denied",
        "resource-policy",
        [pol("identity", allow("kms:Decrypt"))],
        resource=pol("resource", allow("kms:*", **principal(f"arn:aws:iam::{A}:role/other"))),
        required=True,
    ),
    Case(
        "KMS: key policy delegating to the account plus identity allow",
        req(action="kms:Decrypt", resource=KEY),
        "allowed",
        "identity-policy",
        [pol("identity", allow("kms:Decrypt"))],
        resource=pol("resource", allow("kms:*", **principal(f"arn:aws:iam::{A}:root"))),
        required=True,
    ),
    Case(
        "KMS: key policy delegating to the account, no identity allow",
        req(action="kms:Decrypt", resource=KEY),
        "denied",
        "implicit-deny",
        resource=pol("resource", allow("kms:*", **principal(f"arn:aws:iam::{A}:root"))),
        required=True,
    ),
    Case(
        "trust policy naming the caller lets it assume the role",
        req(USER, "sts:AssumeRole", TRUSTING_ROLE),
        "allowed",
        "resource-policy",
        resource=pol("resource", allow("sts:AssumeRole", None, **principal(USER))),
        required=True,
    ),
    Case(
        "KMS actions on a key need the key policy by default",
        req(action="kms:Decrypt", resource=KEY),
        "denied",
        "resource-policy",
        [pol("identity", allow("kms:*"))],
    ),
    Case(
        "KMS actions without a key do not",
        req(action="kms:ListKeys", resource="*"),
        "allowed",
        "identity-policy",
        [pol("identity", allow("kms:*"))],
    ),
    # -- cross account --------------------------------------------------------------------------
    Case(
        "cross account: identity allow alone is not enough",
        req(ROLE_B),
        "denied",
        "resource-policy",
        [S3_ALL],
    ),
    Case(
        "cross account: both allow",
        req(ROLE_B),
        "allowed",
        "identity-and-resource-policy",
        [S3_ALL],
        resource=pol("resource", allow(**principal(B))),
    ),
    Case(
        "cross account: resource policy alone is not enough",
        req(ROLE_B),
        "denied",
        "implicit-deny",
        resource=pol("resource", allow(**principal(ROLE_B))),
    ),
    Case(
        "cross account: boundary caps the identity side",
        req(ROLE_B),
        "denied",
        "boundary",
        [S3_ALL],
        resource=pol("resource", allow(**principal(ROLE_B))),
        boundary=pol("boundary", allow("ec2:*")),
    ),
    Case(
        "cross account: resource policy names another account",
        req(ROLE_B),
        "denied",
        "resource-policy",
        [S3_ALL],
        resource=pol("resource", allow(**principal("999999999999"))),
    ),
    # -- NotPrincipal -----------------------------------------------------------------------------
    Case(
        "Deny with NotPrincipal spares a listed user and account",
        req(USER),
        "allowed",
        "identity-policy",
        [S3_ALL],
        resource=pol("resource", deny(NotPrincipal={"AWS": [USER, A]})),
    ),
    Case(
        "Deny with NotPrincipal denies everyone else",
        req(BOB),
        "denied",
        "explicit-deny",
        [S3_ALL],
        resource=pol("resource", deny(NotPrincipal={"AWS": [USER, A]})),
    ),
    Case(
        "Deny with NotPrincipal listing the user but not its account",
        req(USER),
        "conditional",
        "explicit-deny",
        [S3_ALL],
        resource=pol("resource", deny(NotPrincipal={"AWS": [USER]})),
        keys=("Principal",),
    ),
    Case(
        "Deny with NotPrincipal always denies a principal with a boundary",
        req(USER),
        "denied",
        "explicit-deny",
        [S3_ALL],
        resource=pol("resource", deny(NotPrincipal={"AWS": [USER, A]})),
        boundary=pol("boundary", allow("*")),
    ),
    # -- conditions -------------------------------------------------------------------------------
    Case(
        "ForAllValues on an absent key is true (the trap)",
        req(),
        "allowed",
        "identity-policy",
        [pol("identity", allow(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}}))],
    ),
    Case(
        "ForAnyValue on an absent key is false",
        req(),
        "denied",
        "implicit-deny",
        [pol("identity", allow(Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}}))],
    ),
    Case(
        "Null true on an absent key holds",
        req(),
        "denied",
        "explicit-deny",
        [S3_ALL, pol("identity", deny(Condition={"Null": {"aws:MultiFactorAuthPresent": "true"}}))],
    ),
    Case(
        "Null true on a present key fails",
        req(context={"aws:MultiFactorAuthPresent": True}),
        "allowed",
        "identity-policy",
        [S3_ALL, pol("identity", deny(Condition={"Null": {"aws:MultiFactorAuthPresent": "true"}}))],
    ),
    Case(
        "IfExists on an absent key holds",
        req(),
        "allowed",
        "identity-policy",
        [pol("identity", allow(Condition={"StringEqualsIfExists": {"s3:x-amz-acl": "private"}}))],
    ),
    Case(
        "IfExists on a present key is the plain test",
        req(context={"s3:x-amz-acl": "public-read"}),
        "denied",
        "implicit-deny",
        [pol("identity", allow(Condition={"StringEqualsIfExists": {"s3:x-amz-acl": "private"}}))],
    ),
    Case(
        "negated operator on an absent key holds",
        req(),
        "denied",
        "explicit-deny",
        [S3_ALL, pol("identity", deny(Condition={"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}}))],
    ),
    Case(
        "unknown context makes an allow conditional, naming the key",
        req(complete=False),
        "conditional",
        "identity-policy",
        [pol("identity", allow(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))],
        keys=("aws:SourceIp",),
    ),
    Case(
        "known context decides it",
        req(context={"aws:SourceIp": "10.1.2.3"}, complete=False),
        "allowed",
        "identity-policy",
        [pol("identity", allow(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))],
    ),
    Case(
        "a conditional deny on an allowed request makes it conditional",
        req(complete=False),
        "conditional",
        "explicit-deny",
        [S3_ALL, pol("identity", deny(Condition={"Bool": {"aws:SecureTransport": "false"}}))],
        keys=("aws:SecureTransport",),
    ),
    Case(
        "a conditional deny on a denied request changes nothing",
        req(complete=False),
        "denied",
        "implicit-deny",
        [pol("identity", deny(Condition={"Bool": {"aws:SecureTransport": "false"}}))],
    ),
    Case(
        "a known failing condition decides even when others are unknown",
        req(complete=False, context={"aws:SourceIp": "8.8.8.8"}),
        "denied",
        "implicit-deny",
        [
            pol(
                "identity",
                allow(
                    Condition={
                        "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
                        "Bool": {"aws:MultiFactorAuthPresent": "true"},
                    }
                ),
            )
        ],
    ),
    Case(
        "keys the request determines are derived",
        req(complete=False),
        "allowed",
        "identity-policy",
        [
            pol(
                "identity",
                allow(Condition={"StringEquals": {"aws:PrincipalAccount": A, "aws:ResourceAccount": A}}),
            )
        ],
    ),
    # -- policy variables -------------------------------------------------------------------------
    Case(
        "variable in Resource, resolved from the caller",
        req(USER, resource="arn:aws:s3:::bucket/home/alice/f", complete=False),
        "allowed",
        "identity-policy",
        [pol("identity", allow("s3:GetObject", "arn:aws:s3:::bucket/home/${aws:username}/*"))],
    ),
    Case(
        "variable from a tag not in context",
        req(resource="arn:aws:s3:::bucket/team-a/f", complete=False),
        "conditional",
        "identity-policy",
        [pol("identity", allow("s3:GetObject", "arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*"))],
        keys=("aws:PrincipalTag/team",),
    ),
    Case(
        "variable from a tag, other value",
        req(resource="arn:aws:s3:::bucket/team-a/f", context={"aws:PrincipalTag/team": "b"}),
        "denied",
        "implicit-deny",
        [pol("identity", allow("s3:GetObject", "arn:aws:s3:::bucket/team-${aws:PrincipalTag/team}/*"))],
    ),
    Case(
        "variables are text in Version 2008-10-17",
        req(USER, resource="arn:aws:s3:::bucket/home/alice/f"),
        "denied",
        "implicit-deny",
        [
            pol(
                "identity",
                allow("s3:GetObject", "arn:aws:s3:::bucket/home/${aws:username}/*"),
                version="2008-10-17",
            )
        ],
    ),
    # -- principals that are not IAM identities ---------------------------------------------------
    Case(
        "anonymous caller and a public resource policy",
        req("*", resource_account=A),
        "allowed",
        "resource-policy",
        resource=pol("resource", allow(Principal="*")),
    ),
    Case("anonymous caller without one", req("*"), "denied", "implicit-deny"),
    Case(
        "service principal, source known",
        req(
            "s3.amazonaws.com",
            "lambda:InvokeFunction",
            f"arn:aws:lambda:eu-west-1:{A}:function:f",
            context={"aws:SourceArn": "arn:aws:s3:::bucket"},
            complete=False,
        ),
        "allowed",
        "resource-policy",
        resource=pol(
            "resource",
            allow(
                "lambda:InvokeFunction",
                None,
                Principal={"Service": "s3.amazonaws.com"},
                Condition={"ArnLike": {"aws:SourceArn": "arn:aws:s3:::bucket"}},
            ),
        ),
    ),
    Case(
        "service principal, source unknown",
        req(
            "s3.amazonaws.com",
            "lambda:InvokeFunction",
            f"arn:aws:lambda:eu-west-1:{A}:function:f",
            complete=False,
        ),
        "conditional",
        "resource-policy",
        resource=pol(
            "resource",
            allow(
                "lambda:InvokeFunction",
                None,
                Principal={"Service": "s3.amazonaws.com"},
                Condition={"ArnLike": {"aws:SourceArn": "arn:aws:s3:::bucket"}},
            ),
        ),
        keys=("aws:SourceArn",),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_worked_example(case: Case) -> None:
    decision = evaluate(
        case.request,
        identity_policies=case.identity,
        resource_policy=case.resource,
        boundary=case.boundary,
        scps=case.scps,
        rcps=case.rcps,
        session_policies=case.sessions,
        resource_policy_required=case.required,
    )
    assert (decision.outcome, decision.reason) == (case.outcome, case.reason), decision
    assert decision.keys == case.keys
    if decision.conditional:
        assert decision.conditions and all(h.statement.policy for h in decision.conditions)


def test_there_are_enough_examples() -> None:
    assert len(CASES) >= 30


def test_decision_explains_with_statement_references() -> None:
    identity = NamedPolicy.parse(
        "ReadReports",
        {
            "Version": "2012-10-17",
            "Statement": [{"Sid": "Read", **allow()}, {"Sid": "NoPut", **deny("s3:PutObject")}],
        },
        arn=f"arn:aws:iam::{A}:policy/ReadReports",
    )
    decision = evaluate(req(), identity_policies=[identity])
    assert [(s.policy, s.sid, s.index, s.effect) for s in decision.allow_statements] == [
        ("ReadReports", "Read", 0, "Allow")
    ]
    assert decision.to_json()["allow_statements"][0]["policy_arn"] == f"arn:aws:iam::{A}:policy/ReadReports"
    denied = evaluate(req(action="s3:PutObject"), identity_policies=[identity])
    assert [str(s) for s in denied.deny_statements] == ["identity:ReadReports#NoPut"]


def test_same_account_must_be_given_when_an_account_is_unknown() -> None:
    request = req(resource_account=None)
    with pytest.raises(ValueError, match="same_account"):
        evaluate(request, identity_policies=[S3_ALL])
    assert evaluate(request, identity_policies=[S3_ALL], same_account=True).allowed
