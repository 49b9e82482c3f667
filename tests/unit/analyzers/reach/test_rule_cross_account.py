"""reach.cross-account-invoke: other accounts, their principals, organisations, and services acting
for another account; never our own account or services scoped to it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from analyzers.analysis import Analysis, analyze
from analyzers.findings.model import Finding, Severity
from estate.model import Estate
from estate.model.load import load_estate
from estate.model.org import AccountOrgPolicies, OrgPolicySet
from tests.builders import ACCOUNT, fn_arn, function, rule_case, snapshot_of, statement

RULE = "reach.cross-account-invoke"
TODAY = dt.date(2026, 11, 29)
PARTNER = "210987654321"
SISTER = "333344445555"


def estate_with(stmts: list[dict[str, Any]], org: str | None = "unknown") -> Estate:
    estate = load_estate(snapshot_of([function("target")], policies={"target": stmts}))
    if org == "none":
        none = OrgPolicySet("none", "the account is not in an organization")
        estate.org_policies = {ACCOUNT: AccountOrgPolicies(ACCOUNT, None, None, none, none)}
    elif org is not None and org.startswith("o-"):
        applied = OrgPolicySet("applied", "1 level")
        estate.org_policies = {
            ACCOUNT: AccountOrgPolicies(ACCOUNT, org, SISTER, applied, applied),
            SISTER: AccountOrgPolicies(SISTER, org, SISTER, applied, applied),
        }
    return estate


def found(stmts: list[dict[str, Any]], org: str | None = "unknown") -> list[Finding]:
    return [f for f in analyze(estate_with(stmts, org), TODAY).findings if f.rule.id == RULE]


def who(finding: Finding) -> str:
    return str(next(e.value for e in finding.evidence if e.label == "who"))


@rule_case(RULE, "positive")
def test_foreign_account_outside_any_organisation_is_high() -> None:
    (finding,) = found([statement(PARTNER, Sid="partner")], org="none")
    assert finding.severity is Severity.HIGH
    assert finding.path == (f"account:{PARTNER}", fn_arn("target"))
    assert PARTNER in who(finding) and "outside any organisation" in who(finding)


@rule_case(RULE, "positive")
def test_member_account_is_low_and_unknown_membership_medium() -> None:
    (member,) = found([statement({"AWS": f"arn:aws:iam::{SISTER}:root"})], org="o-ours")
    assert member.severity is Severity.LOW and "member of organisation o-ours" in who(member)
    (stranger,) = found([statement({"AWS": f"arn:aws:iam::{PARTNER}:role/caller"})], org="o-ours")
    assert stranger.severity is Severity.MEDIUM and "membership unknown" in who(stranger)
    (unknown,) = found([statement(PARTNER)], org=None)
    assert unknown.severity is Severity.MEDIUM and "unknown" in who(unknown)


@rule_case(RULE, "positive")
def test_org_scoped_grants_name_the_organisation() -> None:
    org_grant = [statement("*", condition={"StringEquals": {"aws:PrincipalOrgID": "o-ours"}})]
    (ours,) = found(org_grant, org="o-ours")
    assert ours.severity is Severity.LOW and "o-ours" in who(ours)
    (foreign,) = found(
        [statement("*", condition={"StringEquals": {"aws:PrincipalOrgID": "o-theirs"}})], "o-ours"
    )
    assert foreign.severity is Severity.HIGH and "o-theirs" in who(foreign)


@rule_case(RULE, "positive")
def test_any_account_and_services_acting_for_another_account() -> None:
    iam_only = statement(
        "*", "lambda:InvokeFunctionUrl", {"StringEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}}
    )
    estate = load_estate(
        snapshot_of(
            [function("target")],
            policies={"target": [iam_only]},
            urls={"target": {"FunctionUrl": "https://x.lambda-url.eu-west-1.on.aws/", "AuthType": "AWS_IAM"}},
        )
    )
    (anyone,) = [f for f in analyze(estate, TODAY).findings if f.rule.id == RULE]
    assert anyone.severity is Severity.HIGH and "any AWS account" in who(anyone)
    sns = statement(
        {"Service": "sns.amazonaws.com"},
        condition={"ArnLike": {"AWS:SourceArn": f"arn:aws:sns:eu-west-1:{PARTNER}:feed"}},
    )
    (service,) = found([sns], org="none")
    assert PARTNER in who(service)


@rule_case(RULE, "positive")
def test_condition_scoped_grant_is_kept_as_conditional_one_level_lower() -> None:
    ip = {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
    (finding,) = found([statement(PARTNER, condition=ip)], org="none")
    assert finding.severity is Severity.MEDIUM
    assert any(e.label == "only when" for e in finding.evidence)


@rule_case(RULE, "negative")
def test_same_account_and_services_scoped_to_it_are_not_cross_account() -> None:
    assert not found([statement(ACCOUNT), statement({"AWS": f"arn:aws:iam::{ACCOUNT}:role/app"}, Sid="r")])
    assert not found([statement("*", condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}})])
    s3 = statement(
        {"Service": "s3.amazonaws.com"},
        condition={
            "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"},
            "StringEquals": {"AWS:SourceAccount": ACCOUNT},
        },
    )
    assert not found([s3])
    # S3 ARNs carry no account: a SourceArn-only trigger names no other account
    assert not found(
        [
            statement(
                {"Service": "s3.amazonaws.com"}, condition={"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::b"}}
            )
        ]
    )


@rule_case(RULE, "negative")
def test_public_grants_are_public_invoke_not_cross_account() -> None:
    assert not found([statement("*")])


def test_demo_partner_account_is_reported(demo_analysis: Analysis) -> None:
    from tests.ground_truth.plants import CROSS_ACCOUNT_INVOKE_FUNCTIONS, ORG_SCOPED_FUNCTIONS

    findings = [f for f in demo_analysis.findings if f.rule.id == RULE]
    names = {f.resource.rsplit(":", 1)[-1]: f for f in findings}
    for name, account in CROSS_ACCOUNT_INVOKE_FUNCTIONS.items():
        assert account in who(names[name])
    # the org-scoped grant names its organisation (the demo account itself is in none)
    assert set(names) == set(CROSS_ACCOUNT_INVOKE_FUNCTIONS) | set(ORG_SCOPED_FUNCTIONS)
    assert all("o-fintech0001" in who(names[n]) for n in ORG_SCOPED_FUNCTIONS)
