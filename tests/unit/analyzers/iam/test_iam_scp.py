"""The IAM rules are computed after SCPs: an SCP that denies iam:* unmakes an admin, an allow-list
SCP limits the rest, the management account is never capped, and when Organizations was not
readable the findings say they assumed no SCPs. Each case has its twin without the SCP.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from analyzers.analysis import Analysis, analyze, analyze_snapshot
from analyzers.iam.org_policies import NOT_COLLECTED
from analyzers.iam.principal_policies import IamModel
from analyzers.iam.principal_summary import principal_summary
from estate.model.load import load_estate
from estate.snapshot import CoverageEntry, Snapshot
from policy.request import NamedPolicy
from tests.builders import ACCOUNT, rule_case, snapshot_of
from tests.unit.analyzers.iam.iam_estates import (
    ADMIN_POLICY,
    TODAY,
    IamEstate,
    allow,
    doc,
    findings,
    role_arn,
)
from tests.unit.estate.test_model_org import FULL_ACCESS_DOC, OU, ROOT, Policies, gap, org_records

DENY_IAM = doc({"Effect": "Deny", "Action": "iam:*", "Resource": "*"})
ONLY_DATA = doc(allow(["s3:*", "dynamodb:*", "logs:*"]))  # an allow-list SCP (no FullAWSAccess beside it)
DEFAULT: Policies = {
    ROOT: [("FullAWSAccess", FULL_ACCESS_DOC)],
    ACCOUNT: [("FullAWSAccess", FULL_ACCESS_DOC)],
}


def with_ou(*policies: tuple[str, dict[str, Any] | None]) -> Policies:
    return {**DEFAULT, OU: list(policies)}


def analyzed(
    estate: IamEstate, scps: Policies | None, coverage: tuple[CoverageEntry, ...] = (), **kw: Any
) -> Analysis:
    base = snapshot_of(estate.functions, iam=estate.details())
    records = org_records(scps, **kw) if scps is not None else []
    manifest = dataclasses.replace(base.manifest, coverage=coverage)
    return analyze_snapshot(Snapshot(manifest, [*base.records, *records]), TODAY)


def admin_estate() -> IamEstate:
    estate = IamEstate()
    estate.admin_role("admin")
    return estate


def scp_evidence(finding: Any) -> Any:
    return next((e.value for e in finding.evidence if e.label == "service control policies"), None)


@rule_case("iam.admin", "negative")
def test_an_scp_denying_iam_unmakes_an_admin() -> None:
    analysis = analyzed(admin_estate(), with_ou(("FullAWSAccess", FULL_ACCESS_DOC), ("deny-iam", DENY_IAM)))
    assert findings(analysis, "iam.admin", role_arn("admin")) == []
    summary = principal_summary(analysis, role_arn("admin"))
    assert not summary.admin and sum(c.total for c in summary.services["iam"].values()) == 0
    assert summary.services["s3"]["Write"].allowed > 0


@rule_case("iam.admin", "positive")
def test_only_the_default_full_aws_access_leaves_an_admin_admin() -> None:
    analysis = analyzed(admin_estate(), with_ou(("FullAWSAccess", FULL_ACCESS_DOC)))
    [finding] = findings(analysis, "iam.admin", role_arn("admin"))
    note = scp_evidence(finding)
    assert note["state"] == "applied" and "FullAWSAccess" in note["summary"]
    assert [lv["level"] for lv in note["levels"]] == [ACCOUNT, OU, ROOT]


@rule_case("iam.admin", "positive")
def test_the_management_account_is_not_capped_by_scps() -> None:
    scps = with_ou(("FullAWSAccess", FULL_ACCESS_DOC), ("deny-iam", DENY_IAM))
    analysis = analyzed(admin_estate(), scps, management=ACCOUNT)
    [finding] = findings(analysis, "iam.admin", role_arn("admin"))
    assert scp_evidence(finding) is None  # nothing to say: SCPs do not apply there


@rule_case("iam.wildcard", "positive")
def test_an_allow_list_scp_caps_a_wildcard_to_what_it_allows() -> None:
    estate = IamEstate()
    estate.role("app", allow("*"))
    capped = analyzed(estate, with_ou(("data-only", ONLY_DATA)))
    assert findings(capped, "iam.admin", role_arn("app")) == []
    [wildcard] = findings(capped, "iam.wildcard", role_arn("app"))
    assert "capped" in wildcard.title and wildcard.severity.value == "low"
    summary = principal_summary(capped, role_arn("app"))
    assert sum(c.total for c in summary.services["lambda"].values()) == 0
    assert summary.services["dynamodb"]["Write"].allowed > 0
    uncapped = analyzed(estate, DEFAULT)  # the twin: nothing but the default SCP
    assert [f.severity.value for f in findings(uncapped, "iam.admin", role_arn("app"))] == ["critical"]


@rule_case("iam.wildcard", "negative")
def test_an_scp_that_denies_the_whole_wildcard_leaves_no_finding() -> None:
    estate = IamEstate()
    estate.role("app", allow("iam:*"))
    assert (
        findings(
            analyzed(estate, with_ou(("FullAWSAccess", FULL_ACCESS_DOC), ("deny-iam", DENY_IAM))),
            "iam.wildcard",
        )
        == []
    )
    assert len(findings(analyzed(estate, DEFAULT), "iam.wildcard", role_arn("app"))) == 1


@rule_case("iam.passrole-wildcard", "negative")
def test_an_scp_denying_passrole_silences_passrole_wildcard() -> None:
    estate = IamEstate()
    estate.role("deployer", allow(["iam:PassRole", "lambda:CreateFunction"]))
    estate.role("other")
    deny = doc({"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"})
    capped = analyzed(estate, with_ou(("FullAWSAccess", FULL_ACCESS_DOC), ("no-pass", deny)))
    assert findings(capped, "iam.passrole-wildcard", role_arn("deployer")) == []
    assert len(findings(analyzed(estate, DEFAULT), "iam.passrole-wildcard", role_arn("deployer"))) == 1


@rule_case("iam.privesc", "negative")
def test_an_scp_denying_iam_writes_removes_the_escalation() -> None:
    estate = IamEstate()
    estate.role("self-editor", allow("iam:PutRolePolicy", role_arn("self-editor")))
    estate.admin_role("admin")
    open_ = analyzed(estate, DEFAULT)
    [privesc] = findings(open_, "iam.privesc", role_arn("self-editor"))
    assert privesc.severity.value == "critical"
    capped = analyzed(estate, with_ou(("FullAWSAccess", FULL_ACCESS_DOC), ("deny-iam", DENY_IAM)))
    assert findings(capped, "iam.privesc", role_arn("self-editor")) == []


@rule_case("iam.privesc", "positive")
def test_an_allow_list_scp_makes_a_rewritten_role_short_of_admin() -> None:
    estate = IamEstate()
    estate.role("self-editor", allow("iam:PutRolePolicy", role_arn("self-editor")))
    allow_list = doc(allow(["iam:PutRolePolicy", "s3:*", "dynamodb:*"]))
    analysis = analyzed(estate, with_ou(("data-and-iam-writes", allow_list)))
    [privesc] = findings(analysis, "iam.privesc", role_arn("self-editor"))
    # not admin; with no sensitive store in the estate, new s3/dynamodb writes are a medium gain
    assert privesc.severity.value == "medium" and "more privileged" in privesc.title
    assert scp_evidence(privesc)["state"] == "applied"


@rule_case("iam.admin", "positive")
def test_without_organizations_data_the_finding_says_it_assumed_none() -> None:
    analysis = analyzed(admin_estate(), None)
    [finding] = findings(analysis, "iam.admin", role_arn("admin"))
    assert scp_evidence(finding).startswith(NOT_COLLECTED)
    denied = (gap("DescribeOrganization", "denied", "AccessDeniedException: no organizations:Describe*"),)
    [finding] = findings(analyzed(admin_estate(), None, denied), "iam.admin", role_arn("admin"))
    assert NOT_COLLECTED in scp_evidence(finding) and "AccessDeniedException" in scp_evidence(finding)


@rule_case("iam.admin", "positive")
def test_outside_an_organization_nothing_is_said_about_scps() -> None:
    not_in_org = (gap("DescribeOrganization", "unsupported", "AWSOrganizationsNotInUseException: no"),)
    [finding] = findings(analyzed(admin_estate(), None, not_in_org), "iam.admin", role_arn("admin"))
    assert scp_evidence(finding) is None


def test_scps_passed_in_code_reach_the_engine() -> None:
    estate = load_estate(snapshot_of([], iam=admin_estate().details()))
    scp = NamedPolicy.parse("deny-iam", DENY_IAM, "scp", org_level=ROOT)
    capped, open_ = IamModel(estate, scps={ACCOUNT: [scp]}), IamModel(estate, scps={})
    assert not capped.effective(role_arn("admin")).is_full_access()
    assert capped.decide(role_arn("admin"), "iam:CreateUser", role_arn("x")) is None
    assert open_.effective(role_arn("admin")).is_full_access()
    assert open_.decide(role_arn("admin"), "iam:CreateUser", role_arn("x")) is not None


def test_service_linked_roles_are_not_capped_by_scps() -> None:
    estate = IamEstate()
    estate.role("AWSServiceRoleForX", managed=(ADMIN_POLICY,))
    details = estate.details()
    details["RoleDetailList"][0]["Path"] = "/aws-service-role/x.amazonaws.com/"
    details["RoleDetailList"][0]["Arn"] = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/x.amazonaws.com/X"
    model = IamModel(load_estate(snapshot_of([], iam=details)), scps={ACCOUNT: []})
    scp = NamedPolicy.parse("deny-iam", DENY_IAM, "scp", org_level=ROOT)
    model.scps[ACCOUNT] = (scp,)
    arn = details["RoleDetailList"][0]["Arn"]
    assert model.scps_for(arn) == () and model.scps_for(role_arn("x")) == (scp,)


def test_analysis_of_an_estate_uses_its_org_policies() -> None:
    base = snapshot_of([], iam=admin_estate().details())
    records = org_records(with_ou(("FullAWSAccess", FULL_ACCESS_DOC), ("deny-iam", DENY_IAM)))
    estate = load_estate(Snapshot(base.manifest, [*base.records, *records]))
    assert estate.org_policies[ACCOUNT].scps.state == "applied"
    assert not findings(analyze(estate, TODAY), "iam.admin")
