"""IAM principals whose policies changed, statement by statement, on hand-built pairs."""

from __future__ import annotations

import copy

from analyzers.diff import diff_principals
from analyzers.diff.principal_changes import ATTACHED
from estate.model import Estate
from tests.unit.analyzers.iam.iam_estates import IamEstate, allow, role_arn


def _pair(build_old: IamEstate, build_new: IamEstate) -> tuple[Estate, Estate]:
    return build_old.estate(), build_new.estate()


def _diff(old: Estate, new: Estate):  # type: ignore[no-untyped-def]
    return diff_principals(old.principals, new.principals, old.policies, new.policies)


def test_a_role_that_gained_a_wildcard_statement() -> None:
    before, after = IamEstate(), IamEstate()
    before.role("reporting", allow("s3:GetObject", "arn:aws:s3:::reports/*"))
    after.role("reporting", allow("s3:GetObject", "arn:aws:s3:::reports/*"), allow("s3:*"))
    delta = _diff(*_pair(before, after))
    (change,) = delta.changed
    assert change.arn == role_arn("reporting")
    assert [(s.source, s.statement) for s in change.added] == [
        ("inline:reporting-policy", '{"Action":"s3:*","Effect":"Allow","Resource":"*"}')
    ]
    assert change.removed == ()


def test_the_same_policy_in_another_key_order_is_no_change() -> None:
    before, after = IamEstate(), IamEstate()
    before.role("r", allow("s3:GetObject", "arn:aws:s3:::b/*"))
    after.role("r", {"Resource": "arn:aws:s3:::b/*", "Effect": "Allow", "Action": "s3:GetObject"})
    assert _diff(*_pair(before, after)).changed == ()


def test_an_edited_managed_policy_changes_every_principal_attaching_it() -> None:
    before, after = IamEstate(), IamEstate()
    old = before.policy("shared", allow("sqs:SendMessage"))
    new = after.policy("shared", allow("sqs:*"))
    assert old == new
    for estate in (before, after):
        estate.role("one", managed=(old,))
        estate.role("two", managed=(old,))
        estate.role("untouched")
    delta = _diff(*_pair(before, after))
    assert [c.arn for c in delta.changed] == [role_arn("one"), role_arn("two")]
    assert delta.changed[0].signature == delta.changed[1].signature
    assert (
        delta.changed[0].removed[0].statement
        == '{"Action":"sqs:SendMessage","Effect":"Allow","Resource":"*"}'
    )


def test_attaching_a_policy_whose_document_was_not_collected_still_shows() -> None:
    before, after = IamEstate(), IamEstate()
    before.role("r")
    after.role("r", managed=("arn:aws:iam::aws:policy/NotInTheSnapshot",))
    (change,) = _diff(*_pair(before, after)).changed
    assert [(s.source, s.statement) for s in change.added] == [
        ("managed:arn:aws:iam::aws:policy/NotInTheSnapshot", ATTACHED)
    ]
    assert change.not_comparable == ("managed:arn:aws:iam::aws:policy/NotInTheSnapshot",)


def test_trust_policy_and_boundary_changes() -> None:
    before, after = IamEstate(), IamEstate()
    before.role("r")
    after.role(
        "r",
        trust={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
        },
        boundary="arn:aws:iam::123456789012:policy/boundary",
    )
    (change,) = _diff(*_pair(before, after)).changed
    assert {s.source for s in change.added} == {"trust"}
    assert {s.source for s in change.removed} == {"trust"}
    assert change.boundary == (None, "arn:aws:iam::123456789012:policy/boundary")


def test_principals_added_and_removed() -> None:
    before, after = IamEstate(), IamEstate()
    before.role("gone")
    after.user("alice", allow("s3:ListBucket"))
    delta = _diff(*_pair(before, after))
    assert [p.name for p in delta.removed] == ["gone"]
    assert [(p.name, p.kind) for p in delta.added] == [("alice", "user")]
    assert delta.changed == ()


def test_a_policy_moved_between_inline_names_is_removed_and_added() -> None:
    before, after = IamEstate(), IamEstate()
    before.role("r", allow("s3:GetObject"))
    after.role("r", allow("s3:GetObject"))
    after_raw = copy.deepcopy(after.roles[0])
    after_raw["RolePolicyList"][0]["PolicyName"] = "renamed"
    after.roles[0] = after_raw
    (change,) = _diff(*_pair(before, after)).changed
    assert [s.source for s in change.added] == ["inline:renamed"]
    assert [s.source for s in change.removed] == ["inline:r-policy"]
