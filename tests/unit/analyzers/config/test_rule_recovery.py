"""config.no-point-in-time-recovery and config.not-infrastructure-as-code on snapshots built in code.

The stores go through the same parsing and analysis as a collected snapshot: a role's inline policy
becomes `can` edges, and the rule asks those edges which functions may write each store."""

from __future__ import annotations

from typing import Any

import pytest

from analyzers.findings.model import Severity
from analyzers.findings.settings import Settings, parse_settings
from estate.errors import LambdascopeError
from estate.snapshot import Record
from tests.builders import ACCOUNT, REGION, fn_arn, function, rule_case
from tests.unit.analyzers.config.config_estates import bucket, names, rec, run, snap, table

PITR = "config.no-point-in-time-recovery"
IAC = "config.not-infrastructure-as-code"
TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table"


def _role(name: str, actions: list[str], resources: list[str]) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Action": actions, "Resource": resources}
    return {
        "RoleName": name,
        "Arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
        "Path": "/",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
        "RolePolicyList": [
            {"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]}}
        ],
        "AttachedManagedPolicies": [],
    }


def _iam(*roles: dict[str, Any]) -> dict[str, Any]:
    return {"RoleDetailList": list(roles), "UserDetailList": [], "GroupDetailList": [], "Policies": []}


def _pitr(name: str, status: str | None) -> Record:
    if status is None:
        return rec(
            "dynamodb",
            "DescribeContinuousBackups",
            {"Error": {"Code": "AccessDeniedException"}},
            TableName=name,
        )
    described = {
        "ContinuousBackupsStatus": "ENABLED",
        "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": status},
    }
    return rec(
        "dynamodb", "DescribeContinuousBackups", {"ContinuousBackupsDescription": described}, TableName=name
    )


def _versioning(name: str, answer: dict[str, Any]) -> Record:
    return rec("s3", "GetBucketVersioning", answer, "global", Bucket=name)


def _db(name: str, classification: str, retention: Any, **extra: Any) -> Record:
    raw = {
        "DBInstanceIdentifier": name,
        "DBInstanceArn": f"arn:aws:rds:{REGION}:{ACCOUNT}:db:{name}",
        "Engine": "postgres",
        "StorageEncrypted": True,
        "TagList": [{"Key": "DataClassification", "Value": classification}],
        "BackupRetentionPeriod": retention,
        **extra,
    }
    return rec("rds", "DescribeDBInstances", {"DBInstances": [raw]})


def _writer_estate(*records: Record | list[Record], actions: list[str], resources: list[str]) -> Any:
    iam = _iam(_role("app-role", actions, resources))
    return snap([function("writer")], *records, iam=iam)


@rule_case("config.no-point-in-time-recovery", "positive")
def test_a_table_a_function_can_write_without_pitr_is_reported_by_classification() -> None:
    no_policy = {"Error": {"Code": "PolicyNotFoundException"}}
    snapshot = _writer_estate(
        table("cards", "pci"),
        _pitr("cards", "DISABLED"),
        rec("dynamodb", "GetResourcePolicy", no_policy, ResourceArn=f"{TABLE_ARN}/cards"),
        actions=["dynamodb:PutItem"],
        resources=[f"{TABLE_ARN}/cards"],
    )
    [finding] = run(snapshot, PITR)
    assert finding.resource == f"{TABLE_ARN}/cards"
    assert finding.severity is Severity.HIGH  # pci
    assert "without point-in-time recovery" in finding.title and "1 function(s)" in finding.title
    evidence = {e.label: e.value for e in finding.evidence}
    assert evidence["PointInTimeRecoveryStatus"] == "DISABLED"
    assert evidence["written by"] == ["writer (role app-role can write)"]
    assert "AWS-FSBP:DynamoDB.2" in finding.compliance


@rule_case("config.no-point-in-time-recovery", "negative")
def test_a_table_functions_only_read_or_with_pitr_on_or_unread_is_not_reported() -> None:
    snapshot = _writer_estate(
        table("read-only", "confidential"),
        _pitr("read-only", "DISABLED"),
        table("protected", "confidential"),
        _pitr("protected", "ENABLED"),
        table("unread", "confidential"),
        _pitr("unread", None),  # refused: unknown, not "off"
        table("never-asked", "confidential"),
        actions=["dynamodb:GetItem", "dynamodb:PutItem"],
        resources=[f"{TABLE_ARN}/protected", f"{TABLE_ARN}/unread", f"{TABLE_ARN}/never-asked"],
    )
    assert run(snapshot, PITR) == []
    reads_only = _writer_estate(
        table("read-only", "confidential"),
        _pitr("read-only", "DISABLED"),
        actions=["dynamodb:GetItem", "dynamodb:Query"],
        resources=[f"{TABLE_ARN}/read-only"],
    )
    assert run(reads_only, PITR) == []


@rule_case("config.no-point-in-time-recovery", "negative")
def test_without_iam_data_no_store_is_reported() -> None:
    snapshot = snap([function("writer")], table("cards", "pci"), _pitr("cards", "DISABLED"))
    assert run(snapshot, PITR) == []


@rule_case("config.no-point-in-time-recovery", "positive")
def test_an_unversioned_or_suspended_bucket_a_function_writes_is_reported() -> None:
    snapshot = _writer_estate(
        bucket("uploads", "internal", encryption={"SSEAlgorithm": "AES256"}),
        _versioning("uploads", {}),
        bucket("statements", "confidential", encryption={"SSEAlgorithm": "AES256"}),
        _versioning("statements", {"Status": "Suspended"}),
        bucket("kept", "confidential", encryption={"SSEAlgorithm": "AES256"}),
        _versioning("kept", {"Status": "Enabled"}),
        bucket("unread", "confidential", encryption={"SSEAlgorithm": "AES256"}),
        _versioning("unread", {"Error": {"Code": "AccessDenied"}}),
        actions=["s3:PutObject"],
        resources=["arn:aws:s3:::*/*"],
    )
    found = {f.resource: f for f in run(snapshot, PITR)}
    assert set(found) == {"arn:aws:s3:::uploads", "arn:aws:s3:::statements"}
    assert found["arn:aws:s3:::uploads"].severity is Severity.LOW  # internal
    assert "never enabled" in found["arn:aws:s3:::uploads"].title
    assert found["arn:aws:s3:::statements"].severity is Severity.MEDIUM  # confidential
    assert "suspended" in found["arn:aws:s3:::statements"].title


@rule_case("config.no-point-in-time-recovery", "positive")
def test_a_database_with_backups_off_is_reported_and_replicas_and_members_are_not() -> None:
    db = f"arn:aws:rds:{REGION}:{ACCOUNT}:db"
    snapshot = _writer_estate(
        _db("ledger", "confidential", 0),
        rec(
            "rds",
            "DescribeDBInstances",
            {
                "DBInstances": [
                    {
                        "DBInstanceIdentifier": "replica",
                        "DBInstanceArn": f"{db}:replica",
                        "BackupRetentionPeriod": 0,
                        "ReadReplicaSourceDBInstanceIdentifier": "ledger",
                    },
                    {
                        "DBInstanceIdentifier": "kept",
                        "DBInstanceArn": f"{db}:kept",
                        "BackupRetentionPeriod": 7,
                    },
                    {"DBInstanceIdentifier": "unknown", "DBInstanceArn": f"{db}:unknown"},
                ]
            },
        ),
        actions=["rds:ModifyDBInstance"],
        resources=[f"{db}:*"],
    )
    found = run(snapshot, PITR)
    assert [f.resource for f in found] == [f"{db}:ledger"]
    assert "automated backups off" in found[0].title


@rule_case("config.no-point-in-time-recovery", "negative")
def test_a_wrong_typed_versioning_answer_is_a_gap_not_a_finding() -> None:
    snapshot = _writer_estate(
        bucket("uploads", "internal", encryption={"SSEAlgorithm": "AES256"}),
        _versioning("uploads", {"Status": ["Enabled"]}),
        actions=["s3:PutObject"],
        resources=["arn:aws:s3:::*/*"],
    )
    assert run(snapshot, PITR) == []


def _tagged(name: str, tags: dict[str, str] | None) -> list[Any]:
    """None: not read (a refused read is a coverage gap, not a record)."""
    return [] if tags is None else [rec("lambda", "ListTags", {"Tags": tags}, Resource=fn_arn(name))]


@rule_case("config.not-infrastructure-as-code", "positive")
def test_a_function_without_deployment_tags_is_reported() -> None:
    snapshot = snap([function("hotfix")], *_tagged("hotfix", {"team": "payments", "owner": "[b]x[/b]"}))
    [finding] = run(snapshot, IAC)
    assert finding.resource == fn_arn("hotfix") and finding.severity is Severity.LOW
    evidence = {e.label: e.value for e in finding.evidence}
    assert evidence["tags"] == ["owner", "team"]
    assert "aws:cloudformation:stack-name" in evidence["tags looked for"]
    assert "SOX:ITGC-CM-01" in finding.compliance


@rule_case("config.not-infrastructure-as-code", "negative")
def test_stack_sam_and_configured_tags_count_and_unread_tags_say_nothing() -> None:
    functions = ["stack", "sam", "terraform", "unread", "blank"]
    snapshot = snap(
        [function(n) for n in functions],
        *_tagged("stack", {"aws:cloudformation:stack-name": "payments-prod"}),
        *_tagged("sam", {"lambda:createdBy": "SAM"}),
        *_tagged("terraform", {"Managed-By": "terraform"}),
        *_tagged("unread", None),
        *_tagged("blank", {"managed-by": "  "}),  # an empty value is no sign
    )
    assert names(run(snapshot, IAC)) == {"blank"}


@rule_case("config.not-infrastructure-as-code", "positive")
def test_the_configured_tag_keys_replace_the_default() -> None:
    snapshot = snap(
        [function("pulumi"), function("terraform")],
        *_tagged("pulumi", {"pulumi:project": "ledger"}),
        *_tagged("terraform", {"managed-by": "terraform"}),
    )
    settings = parse_settings('iac_tag_keys = ["pulumi:project"]')
    assert settings.iac_tag_keys == ("pulumi:project",)
    assert names(run(snapshot, IAC, settings)) == {"terraform"}
    assert names(run(snapshot, IAC, Settings())) == {"pulumi"}


@pytest.mark.parametrize("value", ['"managed-by"', '[""]', "[1]"])
def test_bad_iac_tag_keys_fail_naming_the_key(value: str) -> None:
    with pytest.raises(LambdascopeError, match="iac_tag_keys"):
        parse_settings(f"iac_tag_keys = {value}")
