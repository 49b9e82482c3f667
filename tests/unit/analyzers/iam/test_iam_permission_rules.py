"""iam.admin, iam.wildcard, iam.passrole-wildcard: verdicts on EFFECTIVE permissions.

The classic traps: an explicit Deny beats an Allow, NotAction grants everything it does not
name, a permissions boundary caps an admin policy, and conditions make a grant conditional.
"""

from __future__ import annotations

from typing import Any

from analyzers.findings.model import Severity
from tests.builders import rule_case
from tests.unit.analyzers.iam.iam_estates import (
    ADMIN_POLICY,
    IamEstate,
    allow,
    deny,
    findings,
    role_arn,
    user_arn,
)

ADMIN, WILDCARD, PASSROLE = "iam.admin", "iam.wildcard", "iam.passrole-wildcard"
MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def role_findings(rule: str, *statements: dict[str, Any], **kw: Any) -> list[Any]:
    estate = IamEstate()
    estate.role("app", *statements, **kw)
    return findings(estate.analyze(), rule, role_arn("app"))


# -- iam.admin -----------------------------------------------------------------------------
@rule_case("iam.admin", "positive")
def test_administrator_access_and_inline_star_are_admin() -> None:
    managed = role_findings(ADMIN, managed=(ADMIN_POLICY,))
    inline = role_findings(ADMIN, allow("*"))
    assert [f.severity for f in managed + inline] == [Severity.CRITICAL, Severity.CRITICAL]
    statement = next(e.value for e in managed[0].evidence if e.label == "statement")
    assert statement["policy"] == "AdministratorAccess" and statement["index"] == 0


@rule_case("iam.admin", "positive")
def test_admin_through_a_group_is_reported_on_the_user() -> None:
    estate = IamEstate()
    estate.group("admins", managed=(ADMIN_POLICY,))
    estate.user("alice", groups=("admins",))
    found = findings(estate.analyze(), ADMIN, user_arn("alice"))
    assert len(found) == 1 and found[0].severity is Severity.CRITICAL


@rule_case("iam.admin", "positive")
def test_conditional_admin_is_high_with_its_conditions() -> None:
    found = role_findings(ADMIN, allow("*", Condition=MFA))
    assert len(found) == 1 and found[0].severity is Severity.HIGH
    conditions = next(e.value for e in found[0].evidence if e.label == "conditions")
    assert conditions[0]["key"] == "aws:MultiFactorAuthPresent"


@rule_case("iam.admin", "negative")
def test_explicit_deny_beats_admin_allow() -> None:
    assert role_findings(ADMIN, allow("*"), deny("iam:*")) == []


@rule_case("iam.admin", "negative")
def test_boundary_caps_an_admin_policy() -> None:
    estate = IamEstate()
    bound = estate.policy("logs-only", allow("logs:*"))
    estate.role("app", managed=(ADMIN_POLICY,), boundary=bound)
    analysis = estate.analyze()
    assert findings(analysis, ADMIN, role_arn("app")) == []
    assert findings(analysis, "iam.privesc", role_arn("app")) == []


@rule_case("iam.admin", "negative")
def test_not_action_iam_is_not_admin() -> None:
    assert role_findings(ADMIN, {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}) == []


# -- iam.wildcard --------------------------------------------------------------------------
@rule_case("iam.wildcard", "positive")
def test_service_wildcard_on_star_by_sensitivity() -> None:
    sensitive = role_findings(WILDCARD, allow(["s3:*", "sqs:SendMessage"]))
    plain = role_findings(WILDCARD, allow("sqs:*"))
    assert sensitive[0].severity is Severity.HIGH and "s3:*" in sensitive[0].title
    assert "sqs:SendMessage" not in sensitive[0].title
    assert plain[0].severity is Severity.MEDIUM


@rule_case("iam.wildcard", "positive")
def test_not_action_and_star_are_wildcards() -> None:
    not_action = role_findings(
        WILDCARD, {"Sid": "All", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    )
    assert not_action[0].severity is Severity.HIGH and "NotAction iam:*" in not_action[0].title
    statement = next(e.value for e in not_action[0].evidence if e.label == "statement")
    assert statement["sid"] == "All" and statement["policy"] == "app-policy"
    assert role_findings(WILDCARD, allow("*"))[0].severity is Severity.HIGH


@rule_case("iam.wildcard", "positive")
def test_conditional_wildcard_is_one_step_lower() -> None:
    region = {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    found = role_findings(WILDCARD, allow("dynamodb:*", Condition=region))
    assert found[0].severity is Severity.MEDIUM


@rule_case("iam.wildcard", "positive")
def test_boundary_capped_wildcard_is_low_with_what_is_left() -> None:
    estate = IamEstate()
    bound = estate.policy("reads", allow(["dynamodb:GetItem", "dynamodb:Query"]))
    estate.role("app", allow(["dynamodb:*", "s3:*"]), boundary=bound)
    found = findings(estate.analyze(), WILDCARD, role_arn("app"))
    assert len(found) == 1 and found[0].severity is Severity.LOW
    statement = next(e.value for e in found[0].evidence if e.label == "statement")
    assert statement["effective"] == ["dynamodb:GetItem", "dynamodb:Query"]
    assert "s3:*" not in found[0].title or "capped" in found[0].title


@rule_case("iam.wildcard", "negative")
def test_partial_wildcards_and_scoped_resources_are_not_wildcards() -> None:
    assert role_findings(WILDCARD, allow(["s3:Get*", "s3:List*"])) == []
    assert role_findings(WILDCARD, allow("s3:*", "arn:aws:s3:::reports/*")) == []


@rule_case("iam.wildcard", "negative")
def test_wildcard_neutralised_by_deny_or_boundary_is_not_reported() -> None:
    assert role_findings(WILDCARD, allow("s3:*"), deny("s3:*")) == []
    estate = IamEstate()
    bound = estate.policy("sqs-only", allow("sqs:*"))
    estate.role("app", allow("s3:*"), boundary=bound)
    assert findings(estate.analyze(), WILDCARD, role_arn("app")) == []


# -- iam.passrole-wildcard -----------------------------------------------------------------
def passrole(*statements: dict[str, Any], others: tuple[str, ...] = ("app-worker", "app-api")) -> list[Any]:
    estate = IamEstate()
    for name in others:
        estate.role(name)
    estate.role("app", *statements)
    return findings(estate.analyze(), PASSROLE, role_arn("app"))


@rule_case("iam.passrole-wildcard", "positive")
def test_passrole_on_star_is_high() -> None:
    found = passrole(allow("iam:PassRole"))
    assert len(found) == 1 and found[0].severity is Severity.HIGH and "on *" in found[0].title


@rule_case("iam.passrole-wildcard", "positive")
def test_passrole_pattern_matching_every_role() -> None:
    found = passrole(allow("iam:PassRole", "arn:aws:iam::123456789012:role/app*"))
    assert len(found) == 1 and "every role of the account (3)" in found[0].title


@rule_case("iam.passrole-wildcard", "positive")
def test_passrole_under_condition_is_medium() -> None:
    only = {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}
    found = passrole(allow("iam:PassRole", Condition=only))
    assert len(found) == 1 and found[0].severity is Severity.MEDIUM
    assert "iam:PassedToService" in found[0].title


@rule_case("iam.passrole-wildcard", "negative")
def test_passrole_on_some_roles_is_not_a_wildcard() -> None:
    assert passrole(allow("iam:PassRole", "arn:aws:iam::123456789012:role/app-worker")) == []
    assert passrole(allow("iam:PassRole", "arn:aws:iam::123456789012:role/app*"), others=("billing",)) == []


@rule_case("iam.passrole-wildcard", "negative")
def test_passrole_denied_or_bounded_or_admin_is_not_reported() -> None:
    assert passrole(allow("iam:PassRole"), deny("iam:PassRole", "arn:aws:iam::123456789012:role/*")) == []
    estate = IamEstate()
    bound = estate.policy("no-iam", allow("lambda:*"))
    estate.role("app", allow("iam:PassRole"), boundary=bound)
    estate.role("boss", managed=(ADMIN_POLICY,))
    analysis = estate.analyze()
    assert findings(analysis, PASSROLE) == []  # boss is an admin: iam.admin says it all
    assert findings(analysis, ADMIN, role_arn("boss"))


@rule_case("iam.unparseable-policy", "positive")
def test_unparseable_identity_policy_is_reported_not_guessed() -> None:
    estate = IamEstate()
    estate.role("app", {"Effect": "Maybe", "Action": "*", "Resource": "*"})
    analysis = estate.analyze()
    assert findings(analysis, ADMIN) == []
    problems = findings(analysis, "iam.unparseable-policy", role_arn("app"))
    assert len(problems) == 1 and "Effect" in problems[0].title


@rule_case("iam.unparseable-policy", "positive")
def test_attached_policy_missing_from_the_snapshot_is_reported() -> None:
    estate = IamEstate()
    missing = "arn:aws:iam::123456789012:policy/not-collected"
    estate.role("app", managed=(missing,))
    problems = findings(estate.analyze(), "iam.unparseable-policy", missing)
    assert len(problems) == 1 and "not in the snapshot" in problems[0].title
