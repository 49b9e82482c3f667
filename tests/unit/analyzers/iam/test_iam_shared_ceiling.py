"""A controlled principal that nothing caps shares one ceiling (`IamModel.ceiling`).

Why: on a 2,000-role account nearly every role is the target of some controlling method, and
each one's ceiling ("any Allow", capped by what stays) was its own engine computation. When no
Deny stays, no boundary stays and no SCP applies, what is left is "any Allow" alone, which reads no
condition or variable: the same permissions for every principal. The shortcut must apply exactly
then, and must not when any cap stays."""

from __future__ import annotations

from analyzers.iam.control_ceiling import BOUNDARY, INLINE, kept_denies
from analyzers.iam.principal_policies import ALLOW_ALL, IamModel
from policy.effective import EffectivePermissions, effective_permissions
from policy.request import NamedPolicy
from tests.builders import ACCOUNT
from tests.unit.analyzers.iam.iam_estates import IamEstate, allow, deny

_SCP = NamedPolicy.parse(
    "no deletes",
    {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}]},
    "scp",
    arn="arn:aws:organizations::1:policy/o-1/service_control_policy/p-1",
    org_level="account",
)


def _estate() -> IamEstate:
    e = IamEstate()
    bound = e.policy("bound", allow("s3:*"))
    guard = e.policy("guard", deny("iam:*"))
    e.role("plain-a", allow("s3:GetObject"))
    e.role("plain-b", allow("ec2:*"), tags={"team": "b"})
    e.role("bounded", allow("s3:*"), boundary=bound)
    e.role("inline-deny", allow("s3:*"), deny("s3:DeleteBucket"))
    e.role("managed-deny", allow("s3:*"), managed=(guard,))
    e.user("grouped", groups=("denying",))
    e.group("denying", deny("kms:*"))
    return e


def _one_by_one(model: IamModel, arn: str, removed: frozenset[str] = frozenset()) -> EffectivePermissions:
    """The ceiling as computed for the principal alone (its own ARN and context)."""
    own, groups = model._own_and_groups(arn)
    bounded = BOUNDARY not in removed
    return effective_permissions(
        (ALLOW_ALL, *kept_denies(own, groups, arn, removed & model.caps(arn))),
        boundary=model.boundary(arn) if bounded else None,
        scps=model.scps_for(arn),
        principal_arn=arn,
        context=model.principal_context(arn),
    )


def _alike(left: EffectivePermissions, right: EffectivePermissions) -> bool:
    return left.bits() == right.bits() and left.statements_for("s3:GetObject") == right.statements_for(
        "s3:GetObject"
    )


def _arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


def test_principals_nothing_caps_share_one_full_ceiling() -> None:
    model = IamModel(_estate().estate(), scps={})
    a, b = model.ceiling(_arn("plain-a")), model.ceiling(_arn("plain-b"))
    assert a is b and a.is_full_access()
    assert _alike(a, _one_by_one(model, _arn("plain-a")))
    assert _alike(b, _one_by_one(model, _arn("plain-b")))
    # lifting the caps a principal has leaves nothing: it shares the ceiling too
    lifted = model.ceiling(_arn("bounded"), frozenset({BOUNDARY}))
    assert lifted is a
    assert model.ceiling(_arn("inline-deny"), frozenset({INLINE})) is a


def test_a_cap_that_stays_keeps_its_own_ceiling() -> None:
    model = IamModel(_estate().estate(), scps={})
    shared = model.ceiling(_arn("plain-a"))
    for name in ("bounded", "inline-deny", "managed-deny"):
        own = model.ceiling(_arn(name))
        assert own is not shared and not own.is_full_access(), name
        assert _alike(own, _one_by_one(model, _arn(name))), name
    grouped = f"arn:aws:iam::{ACCOUNT}:user/grouped"  # a group's Deny stays whatever is written
    assert model.ceiling(grouped) is not shared and not model.ceiling(grouped).is_full_access()
    assert _alike(model.ceiling(grouped), _one_by_one(model, grouped))


def test_an_scp_keeps_every_ceiling_its_own() -> None:
    model = IamModel(_estate().estate(), scps={ACCOUNT: [_SCP]})
    a, b = model.ceiling(_arn("plain-a")), model.ceiling(_arn("plain-b"))
    assert a is not b and not a.is_full_access()
    assert _alike(a, _one_by_one(model, _arn("plain-a")))
