"""Effective permissions: catalogue expansion, caps, denies, scopes, and agreement with evaluate()."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from policy.catalogue import expand, load_catalogue
from policy.effective import effective_permissions
from policy.evaluate import evaluate
from policy.request import NamedPolicy, PolicyKind, Request

A = "111122223333"
ROLE = f"arn:aws:iam::{A}:role/app"


def pol(*statements: dict[str, Any], kind: PolicyKind = "identity", level: str = "") -> NamedPolicy:
    return NamedPolicy.parse(
        kind, {"Version": "2012-10-17", "Statement": list(statements)}, kind, org_level=level
    )


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def test_admin_is_full_access() -> None:
    perms = effective_permissions([pol(allow("*"))])
    assert perms.is_full_access()
    counts = perms.level_counts()
    assert sum(a for a, _, _ in counts.values()) == load_catalogue().size
    assert counts["Permissions management"][0] > 0


def test_not_action_grants_everything_else() -> None:
    perms = effective_permissions([pol({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})])
    assert perms.status("iam:PassRole") is None
    assert perms.status("s3:GetObject") == "allowed"
    assert not perms.is_full_access()
    allowed, _, _ = perms.bits()
    assert allowed.bit_count() == load_catalogue().size - len(expand("iam:*"))


def test_resource_scopes() -> None:
    perms = effective_permissions([pol(allow("s3:Get*", "arn:aws:s3:::bucket/*"))])
    assert perms.status("s3:GetObject") == "scoped"  # on `*`: only part of it
    assert perms.status("s3:GetObject", "arn:aws:s3:::bucket/*") == "allowed"
    assert perms.status("s3:GetObject", "arn:aws:s3:::bucket/reports/*") == "allowed"
    assert perms.status("s3:GetObject", "arn:aws:s3:::bucket/reports/q1.csv") == "allowed"
    assert perms.status("s3:GetObject", "arn:aws:s3:::other/x") is None
    assert perms.status("s3:PutObject", "arn:aws:s3:::bucket/*") is None
    assert perms.status("nosuch:Action") is None


def test_conditions_make_actions_conditional_until_the_context_decides() -> None:
    statement = allow("dynamodb:Query", Condition={"Bool": {"aws:SecureTransport": "true"}})
    assert effective_permissions([pol(statement)]).status("dynamodb:Query") == "conditional"
    known = effective_permissions([pol(statement)], context={"aws:SecureTransport": True})
    assert known.status("dynamodb:Query") == "allowed"
    failing = effective_permissions([pol(statement)], context={"aws:SecureTransport": False})
    assert failing.status("dynamodb:Query") is None


def test_principal_keys_are_derived() -> None:
    statement = allow("sqs:SendMessage", Condition={"StringEquals": {"aws:PrincipalAccount": A}})
    assert effective_permissions([pol(statement)], principal_arn=ROLE).status("sqs:SendMessage") == "allowed"
    other = effective_permissions([pol(statement)], principal_arn="arn:aws:iam::999999999999:role/x")
    assert other.status("sqs:SendMessage") is None


def test_denies() -> None:
    perms = effective_permissions(
        [
            pol(
                allow("s3:*"),
                deny("s3:DeleteBucket"),
                deny("s3:PutObject", "arn:aws:s3:::prod-*"),
                deny("s3:GetObject", Condition={"Bool": {"aws:SecureTransport": "false"}}),
            )
        ]
    )
    assert perms.status("s3:DeleteBucket") is None
    assert perms.status("s3:PutObject") == "conditional"  # denied on part of `*`
    assert perms.status("s3:PutObject", "arn:aws:s3:::dev-bucket/*") == "allowed"
    assert perms.status("s3:GetObject") == "conditional"
    assert perms.status("s3:ListBucket") == "allowed"


def test_boundary_session_and_scp_levels_cap() -> None:
    admin = pol(allow("*"))
    capped = effective_permissions([admin], boundary=pol(allow("s3:*"), kind="boundary"))
    assert capped.status("s3:GetObject") == "allowed" and capped.status("ec2:RunInstances") is None
    session = effective_permissions([admin], session_policies=[pol(allow("s3:Get*"), kind="session")])
    assert session.status("s3:GetObject") == "allowed" and session.status("s3:PutObject") is None
    scps = [pol(allow("*"), kind="scp", level="root"), pol(allow("ec2:*"), kind="scp", level="ou")]
    assert effective_permissions([admin], scps=scps).status("s3:GetObject") is None
    assert effective_permissions([admin], scps=scps).status("ec2:RunInstances") == "allowed"
    scp_deny = [pol(allow("*"), deny("ec2:*"), kind="scp")]
    assert effective_permissions([admin], scps=scp_deny).status("ec2:RunInstances") is None


def test_summary_groups_by_service_and_level() -> None:
    perms = effective_permissions(
        [
            pol(
                allow(["s3:GetObject", "s3:ListBucket"]),
                allow("iam:PassRole", Condition={"Bool": {"x": "true"}}),
            )
        ]
    )
    summary = perms.summary()
    assert [p.action for p in summary["s3"]["Read"]] == ["s3:GetObject"]
    assert [(p.action, p.status) for p in summary["s3"]["List"]] == [("s3:ListBucket", "allowed")]
    assert [(p.action, p.status) for p in summary["iam"]["Write"]] == [  # AWS's level (catalogue.py)
        ("iam:PassRole", "conditional")
    ]


def test_statements_for_explains() -> None:
    policy = NamedPolicy.parse(
        "Ops",
        {
            "Version": "2012-10-17",
            "Statement": [{"Sid": "All", **allow("s3:*")}, {"Sid": "No", **deny("s3:Delete*")}],
        },
        arn=f"arn:aws:iam::{A}:policy/Ops",
    )
    refs = effective_permissions([policy]).statements_for("s3:DeleteObject")
    assert [(r.policy, r.sid, r.effect) for r in refs] == [("Ops", "All", "Allow"), ("Ops", "No", "Deny")]


def test_variables_in_resources() -> None:
    policy = pol(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"))
    alice = effective_permissions([policy], principal_arn=f"arn:aws:iam::{A}:user/alice")
    assert alice.status("s3:GetObject", "arn:aws:s3:::home/alice/*") == "allowed"
    assert alice.status("s3:GetObject", "arn:aws:s3:::home/bob/*") is None
    unknown = effective_permissions([policy], principal_arn=ROLE)  # roles have no aws:username
    assert unknown.status("s3:GetObject", "arn:aws:s3:::home/alice/*") == "scoped"


def test_shared_documents_are_compiled_once_and_roles_stay_independent() -> None:
    shared = pol(allow("s3:*"))
    first = effective_permissions([shared, pol(allow("ec2:*"))])
    second = effective_permissions([shared])
    assert first.status("ec2:RunInstances") == "allowed"
    assert second.status("ec2:RunInstances") is None
    assert second.status("s3:GetObject") == "allowed"


# -- agreement with the evaluator on concrete resources ---------------------------------------

_ACTIONS = ["s3:GetObject", "s3:PutObject", "iam:PassRole", "kms:Decrypt"]
_PATTERNS = ["s3:*", "s3:Get*", "*", "iam:*", "kms:Decrypt", "s3:GetObject"]
_RESOURCES = [
    "*",
    "arn:aws:s3:::bucket/*",
    "arn:aws:s3:::b*t/x",
    "arn:aws:s3:::other/*",
    f"arn:aws:kms:*:{A}:key/*",
]
_CONDITIONS = [None, {"Bool": {"aws:SecureTransport": "true"}}, {"StringEquals": {"aws:PrincipalAccount": A}}]


@st.composite
def _statement(draw: st.DrawFn) -> dict[str, Any]:
    body: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"]))}
    body["NotAction" if draw(st.integers(0, 3)) == 0 else "Action"] = draw(
        st.lists(st.sampled_from(_PATTERNS), min_size=1, max_size=2)
    )
    body["NotResource" if draw(st.integers(0, 3)) == 0 else "Resource"] = draw(
        st.lists(st.sampled_from(_RESOURCES), min_size=1, max_size=2)
    )
    if (condition := draw(st.sampled_from(_CONDITIONS))) is not None:
        body["Condition"] = condition
    return body


@settings(max_examples=60, deadline=None)
@given(
    st.lists(_statement(), min_size=1, max_size=4),
    st.sampled_from(_ACTIONS),
    st.sampled_from(["arn:aws:s3:::bucket/x", "arn:aws:s3:::bt/x", f"arn:aws:kms:eu-west-1:{A}:key/k"]),
)
def test_agrees_with_evaluate_on_a_concrete_resource(
    statements: list[dict[str, Any]], action: str, resource: str
) -> None:
    policy = pol(*statements)
    decision = evaluate(
        Request(principal_arn=ROLE, action=action, resource_arn=resource, resource_account=A),
        identity_policies=[policy],
        # effective permissions summarise the identity side; a KMS key policy is a separate gate
        resource_policy_required=False,
    )
    status = effective_permissions([policy], principal_arn=ROLE).status(action, resource)
    expected = {"allowed": "allowed", "conditional": "conditional", "denied": None}[decision.outcome]
    assert status == expected, (decision, status)
