"""iam.privesc at the granularity an analyst acts on: one finding per escalating principal, its
severity graded by what the escalation gains, its id independent of which equal path is shown.

Grades (analyzers/iam/escalation_gain.py): an administrator is critical; new read or write on a
pci/confidential store or a secret is high; other new Write or Permissions-management actions on
every resource medium; new reads only low; a path that needs a condition is one step lower.
"""

from __future__ import annotations

from typing import Any

import pytest

from analyzers.analysis import Analysis
from analyzers.findings.model import Finding, Severity, finding_id
from estate.snapshot import Record
from tests.builders import rule_case
from tests.unit.analyzers.iam.iam_estates import (
    IAM,
    IamEstate,
    allow,
    bucket,
    conditional,
    findings,
    role_arn,
    secret,
    table,
    trusts,
)

RULE = "iam.privesc"
ROOT_TRUST = trusts({"AWS": f"{IAM}:root"})
MFA_TRUST = trusts({"AWS": f"{IAM}:root"}, condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})
DEV = role_arn("dev")
CARDS = "arn:aws:s3:::cards"
LEDGER = "arn:aws:dynamodb:eu-west-1:123456789012:table/ledger"


def analyzed(estate: IamEstate, *stores: tuple[Record, ...]) -> Analysis:
    return estate.analyze(*(record for store in stores for record in store))


def privesc_of(analysis: Analysis, arn: str = DEV) -> Finding:
    [finding] = findings(analysis, RULE, arn)
    return finding


def evidence(finding: Finding) -> dict[str, Any]:
    return {e.label: e.value for e in finding.evidence}


def escalating_to(
    *target: dict[str, Any], trust: dict[str, Any] = ROOT_TRUST, dev: tuple[dict[str, Any], ...] = ()
) -> IamEstate:
    """`dev` may assume `target`, a role holding the given statements."""
    estate = IamEstate()
    estate.role("target", *target, trust=trust)
    estate.role("dev", allow("sts:AssumeRole", role_arn("target")), *dev)
    return estate


# -- one finding per principal ----------------------------------------------------------------
def test_fifty_admins_and_two_hundred_escalating_principals_make_two_hundred_findings() -> None:
    estate = IamEstate()
    admins = [estate.admin_role(f"admin-{i:02d}", trust=ROOT_TRUST) for i in range(50)]
    starts = [estate.role(f"dev-{i:03d}", allow("sts:AssumeRole")) for i in range(200)]
    found = findings(estate.analyze(), RULE)
    assert len(found) == 200  # not 200 x 50 = 10,000 (principal, admin) pairs
    assert sorted(f.resource for f in found) == sorted(starts)
    for finding in found:
        assert finding.severity is Severity.CRITICAL
        assert finding.path[-1] == admins[0]  # equally good admins: the first by ARN is shown
        facts = evidence(finding)
        assert facts["targets"] == 50
        [others] = facts["other targets"]  # all 49 reached the same way: one group
        assert others["targets"] == admins[1:] and others["count"] == 49
        assert others["severity"] == "critical" and others["methods"] == ["sts-assume-role"]
        assert finding.title.endswith("; 49 other targets")


def test_other_targets_are_listed_worst_first() -> None:
    estate = IamEstate()
    estate.role("writer", allow("dynamodb:PutItem"), trust=ROOT_TRUST)
    estate.role("reader", allow("s3:GetObject"), trust=ROOT_TRUST)
    estate.admin_role("boss", trust=MFA_TRUST)
    estate.role("dev", allow("sts:AssumeRole"))
    finding = privesc_of(analyzed(estate, table("ledger", "pci")))
    assert finding.path[-1] == role_arn("writer")  # high (new write on a pci table), certain
    assert finding.severity is Severity.HIGH and not conditional(finding)
    others = evidence(finding)["other targets"]
    # boss is an admin only under MFA (high, conditional): after the certain high; reader is low
    assert [(o["targets"], o["severity"], o["conditional"]) for o in others] == [
        ([role_arn("boss")], "high", True),
        ([role_arn("reader")], "low", False),
    ]


# -- grades -------------------------------------------------------------------------------------
@rule_case("iam.privesc", "positive")
def test_becoming_an_administrator_is_critical() -> None:
    estate = IamEstate()
    estate.admin_role("boss", trust=ROOT_TRUST)
    estate.role("dev", allow("sts:AssumeRole", role_arn("boss")))
    finding = privesc_of(analyzed(estate, table("ledger", "pci")))
    assert finding.severity is Severity.CRITICAL
    assert evidence(finding)["gain"] == {"outcome": "an administrator", "grade": "critical"}


@rule_case("iam.privesc", "positive")
@pytest.mark.parametrize(
    ("statement", "store", "access"),
    [
        (allow("s3:GetObject"), bucket("cards", "pci"), "read"),
        (allow("dynamodb:PutItem"), table("ledger", "confidential"), "write"),
        (allow("secretsmanager:GetSecretValue"), secret("db-password", None), "read"),
    ],
    ids=["read-pci-bucket", "write-confidential-table", "read-unclassified-secret"],
)
def test_new_access_to_sensitive_data_is_high(
    statement: dict[str, Any], store: tuple[Record, ...], access: str
) -> None:
    finding = privesc_of(analyzed(escalating_to(statement), store))
    assert finding.severity is Severity.HIGH, finding.title
    [gained] = evidence(finding)["gain"]["sensitive stores"]
    assert gained["access"] == access
    assert "more privileged: new" in finding.title


@rule_case("iam.privesc", "negative")
def test_access_the_principal_already_had_is_not_a_sensitive_gain() -> None:
    # dev may already read the pci bucket's objects: reading every bucket is a lesser (low) gain
    already = (allow("s3:GetObject", f"{CARDS}/*"),)
    finding = privesc_of(analyzed(escalating_to(allow("s3:GetObject"), dev=already), bucket("cards", "pci")))
    assert finding.severity is Severity.LOW
    assert "sensitive stores" not in evidence(finding)["gain"]


@rule_case("iam.privesc", "negative")
@pytest.mark.parametrize(
    ("statement", "store", "grade"),
    [
        (allow("s3:GetObject"), bucket("cards", "internal"), Severity.LOW),
        (allow("dynamodb:PutItem"), table("ledger", "public"), Severity.MEDIUM),
        (allow("dynamodb:PutItem"), bucket("cards", "pci"), Severity.MEDIUM),  # writes on other stores
    ],
    ids=["read-internal-bucket", "write-public-table", "write-tables-beside-a-pci-bucket"],
)
def test_access_to_non_sensitive_data_is_a_lesser_gain(
    statement: dict[str, Any], store: tuple[Record, ...], grade: Severity
) -> None:
    assert privesc_of(analyzed(escalating_to(statement), store)).severity is grade


@rule_case("iam.privesc", "positive")
def test_new_write_or_permissions_management_power_is_medium() -> None:
    for statement in (allow("dynamodb:DeleteTable"), allow("kms:PutKeyPolicy")):
        finding = privesc_of(analyzed(escalating_to(statement)))
        assert finding.severity is Severity.MEDIUM, finding.title
        assert "write or permissions-management" in finding.title


@rule_case("iam.privesc", "positive")
def test_new_reads_only_are_low() -> None:
    finding = privesc_of(analyzed(escalating_to(allow(["s3:GetObject", "s3:ListBucket"]))))
    assert finding.severity is Severity.LOW
    assert evidence(finding)["gain"]["actions gained on every resource"] == {"List": 1, "Read": 1}


@rule_case("iam.privesc", "positive")
@pytest.mark.parametrize(
    ("target", "records", "certain", "conditional_grade"),
    [
        ((allow("*"),), (), Severity.CRITICAL, Severity.HIGH),
        ((allow("s3:GetObject"),), (bucket("cards", "pci"),), Severity.HIGH, Severity.MEDIUM),
        ((allow("dynamodb:PutItem"),), (), Severity.MEDIUM, Severity.LOW),
    ],
    ids=["admin", "pci-read", "write"],
)
def test_a_condition_the_caller_does_not_control_lowers_one_step(
    target: tuple[dict[str, Any], ...],
    records: tuple[tuple[Record, ...], ...],
    certain: Severity,
    conditional_grade: Severity,
) -> None:
    sure = privesc_of(analyzed(escalating_to(*target), *records))
    assert sure.severity is certain and not conditional(sure)
    maybe = privesc_of(analyzed(escalating_to(*target, trust=MFA_TRUST), *records))
    assert maybe.severity is conditional_grade and conditional(maybe)
    assert "aws:MultiFactorAuthPresent" in maybe.title


@rule_case("iam.privesc", "negative")
def test_an_administrator_or_a_principal_that_gains_nothing_gets_no_finding() -> None:
    estate = IamEstate()
    estate.admin_role("boss", trust=ROOT_TRUST)
    estate.role("narrow", allow("s3:GetObject", f"{CARDS}/*"), trust=ROOT_TRUST)
    estate.admin_role("admin-dev")  # already an administrator: nothing left to gain
    estate.role("wide", allow("sts:AssumeRole", role_arn("narrow")), allow("s3:*"))  # narrow is less
    analysis = analyzed(estate, bucket("cards", "pci"))
    assert findings(analysis, RULE, role_arn("admin-dev")) == []
    assert findings(analysis, RULE, role_arn("wide")) == []
    assert findings(analysis, RULE, role_arn("boss")) == []


# -- stable ids -------------------------------------------------------------------------------
def test_the_id_is_the_rule_and_principal_alone() -> None:
    estate = IamEstate()
    estate.admin_role("boss-b", trust=ROOT_TRUST)
    estate.role("dev", allow("sts:AssumeRole"))
    first, again = privesc_of(analyzed(estate)), privesc_of(analyzed(estate))
    assert first.id == again.id == finding_id(RULE, DEV)
    estate.admin_role("boss-a", trust=ROOT_TRUST)  # a second, equally good path, shown instead
    second = privesc_of(analyzed(estate))
    assert second.path[-1] == role_arn("boss-a") != first.path[-1]
    assert evidence(second)["targets"] == 2
    assert second.id == first.id
