"""Raw AWS-shaped records for the config posture rule tests (stores, keys, audit, triggers).

Each helper returns the records the live collector would store for one resource, so the tests go
through the same parsing (estate/model/load.py) and analysis (analyzers/analysis.py) as a real snapshot.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from analyzers.analysis import analyze_snapshot
from analyzers.findings.model import Finding
from analyzers.findings.settings import Settings
from estate.snapshot import CoverageEntry, Record, RecordKey, Snapshot
from tests.builders import ACCOUNT, REGION, snapshot_of

TODAY = dt.date(2026, 11, 29)
NOT_FOUND = {"Error": {"Code": "ResourceNotFoundException"}}


def rec(service: str, operation: str, response: Any, region: str = REGION, **params: Any) -> Record:
    return Record(RecordKey(ACCOUNT, region, service, operation, params), response)


def snap(
    functions: list[dict[str, Any]],
    *records: Record | Iterable[Record],
    coverage: tuple[CoverageEntry, ...] = (),
    urls: dict[str, dict[str, Any]] | None = None,
    policies: dict[str, list[dict[str, Any]]] | None = None,
    iam: dict[str, Any] | None = None,
) -> Snapshot:
    base = snapshot_of(functions, urls=urls, policies=policies, iam=iam)
    flat: list[Record] = []
    for item in records:
        flat.extend([item] if isinstance(item, Record) else item)
    manifest = dataclasses.replace(base.manifest, coverage=coverage)
    return Snapshot(manifest, [*base.records, *flat])


def run(snapshot: Snapshot, rule: str, settings: Settings | None = None) -> list[Finding]:
    return [f for f in analyze_snapshot(snapshot, TODAY, settings).findings if f.rule.id == rule]


def names(findings: list[Finding]) -> set[str]:
    return {f.title.split(":", 1)[0] for f in findings}


def tags(classification: str | None, **extra: str) -> list[dict[str, str]]:
    found = {"team": "payments", **extra}
    if classification is not None:
        found["DataClassification"] = classification
    return [{"Key": k, "Value": v} for k, v in found.items()]


# --- stores -------------------------------------------------------------------------------


def table(name: str, classification: str | None, kms_arn: str | None = None) -> list[Record]:
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
    description: dict[str, Any] = {"TableName": name, "TableArn": arn}
    if kms_arn:
        description["SSEDescription"] = {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": kms_arn}
    return [
        rec("dynamodb", "DescribeTable", {"Table": description}, TableName=name),
        rec("dynamodb", "ListTagsOfResource", {"Tags": tags(classification)}, ResourceArn=arn),
    ]


def bucket(
    name: str,
    classification: str | None,
    *,
    encryption: dict[str, Any] | None = None,
    policy: dict[str, Any] | str | None = None,
) -> list[Record]:
    """`encryption` None: GetBucketEncryption said none configured; `policy` "unknown": not read."""
    region = "global"
    enc = (
        {"ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": encryption}]}}
        if encryption is not None
        else {"Error": {"Code": "ServerSideEncryptionConfigurationNotFoundError"}}
    )
    records = [
        rec("s3", "ListBuckets", {"Buckets": [{"Name": name}]}, region),
        rec("s3", "GetBucketLocation", {"LocationConstraint": REGION}, region, Bucket=name),
        rec("s3", "GetBucketEncryption", enc, region, Bucket=name),
        rec("s3", "GetBucketTagging", {"TagSet": tags(classification)}, region, Bucket=name),
    ]
    if policy != "unknown":
        answer = (
            {"Error": {"Code": "NoSuchBucketPolicy"}} if policy is None else {"Policy": json.dumps(policy)}
        )
        records.append(rec("s3", "GetBucketPolicy", answer, region, Bucket=name))
    return records


def secure_transport_policy(bucket_name: str, **overrides: Any) -> dict[str, Any]:
    statement = {
        "Sid": "DenyPlainHttp",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket_name}", f"arn:aws:s3:::{bucket_name}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        **overrides,
    }
    return {"Version": "2012-10-17", "Statement": [statement]}


def secret(name: str, classification: str | None, kms: str | None = None) -> Record:
    raw: dict[str, Any] = {
        "ARN": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-AbCdEf",
        "Name": name,
        "Tags": tags(classification),
    }
    if kms:
        raw["KmsKeyId"] = kms
    return rec("secretsmanager", "ListSecrets", {"SecretList": [raw]})


def database(name: str, classification: str | None, encrypted: bool, kms: str | None = None) -> Record:
    raw: dict[str, Any] = {
        "DBInstanceIdentifier": name,
        "DBInstanceArn": f"arn:aws:rds:{REGION}:{ACCOUNT}:db:{name}",
        "Engine": "postgres",
        "StorageEncrypted": encrypted,
        "TagList": tags(classification),
    }
    if kms:
        raw["KmsKeyId"] = kms
    return rec("rds", "DescribeDBInstances", {"DBInstances": [raw]})


def queue(
    name: str, classification: str | None, *, kms: str | None = None, managed: bool = False
) -> list[Record]:
    url = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}"
    attrs: dict[str, Any] = {
        "QueueArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}",
        "SqsManagedSseEnabled": "true" if managed else "false",
    }
    if kms:
        attrs["KmsMasterKeyId"] = kms
    found = {t["Key"]: t["Value"] for t in tags(classification)}
    return [
        rec("sqs", "GetQueueAttributes", {"Attributes": attrs}, QueueUrl=url),
        rec("sqs", "ListQueueTags", {"Tags": found}, QueueUrl=url),
    ]


def topic(name: str, classification: str | None, kms: str | None = None) -> list[Record]:
    arn = f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"
    attrs = {"TopicArn": arn, **({"KmsMasterKeyId": kms} if kms else {})}
    return [
        rec("sns", "GetTopicAttributes", {"Attributes": attrs}, TopicArn=arn),
        rec("sns", "ListTagsForResource", {"Tags": tags(classification)}, ResourceArn=arn),
    ]


def parameter(name: str, kind: str) -> Record:
    return rec("ssm", "DescribeParameters", {"Parameters": [{"Name": name, "Type": kind}]})


def kms_key(
    key_id: str,
    alias: str,
    *,
    rotation: bool | None,
    manager: str = "CUSTOMER",
    spec: str = "SYMMETRIC_DEFAULT",
    state: str = "Enabled",
) -> list[Record]:
    arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}"
    meta = {"KeyId": key_id, "Arn": arn, "KeyManager": manager, "KeySpec": spec, "KeyState": state}
    records = [
        rec("kms", "ListAliases", {"Aliases": [{"AliasName": alias, "TargetKeyId": key_id}]}),
        rec("kms", "DescribeKey", {"KeyMetadata": meta}, KeyId=key_id),
    ]
    if rotation is not None:
        records.append(rec("kms", "GetKeyRotationStatus", {"KeyRotationEnabled": rotation}, KeyId=key_id))
    return records


def key_arn(key_id: str) -> str:
    return f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}"


# --- audit and triggers -------------------------------------------------------------------


def trail(
    name: str,
    *,
    multi_region: bool = True,
    logging: bool | None = True,
    selectors: dict[str, Any] | None = None,
    home: str = REGION,
    owner: str = ACCOUNT,
    organization: bool = False,
) -> list[Record]:
    """`selectors` None: GetEventSelectors not read."""
    arn = f"arn:aws:cloudtrail:{home}:{owner}:trail/{name}"
    raw = {
        "Name": name,
        "TrailARN": arn,
        "HomeRegion": home,
        "IsMultiRegionTrail": multi_region,
        "IsOrganizationTrail": organization,
    }
    records = [rec("cloudtrail", "DescribeTrails", {"trailList": [raw]}, includeShadowTrails=True)]
    if selectors is not None:
        records.append(rec("cloudtrail", "GetEventSelectors", selectors, TrailName=arn))
    if logging is not None:
        records.append(rec("cloudtrail", "GetTrailStatus", {"IsLogging": logging}, Name=arn))
    return records


def lambda_data_selectors(*values: str) -> dict[str, Any]:
    return {
        "EventSelectors": [
            {
                "ReadWriteType": "All",
                "DataResources": [{"Type": "AWS::Lambda::Function", "Values": list(values)}],
            }
        ]
    }


def alarms(*metric_alarms: dict[str, Any], region: str = REGION) -> Record:
    return rec(
        "cloudwatch", "DescribeAlarms", {"MetricAlarms": list(metric_alarms), "CompositeAlarms": []}, region
    )


def alarm(name: str, metric: str, function_name: str | None) -> dict[str, Any]:
    dims = [{"Name": "FunctionName", "Value": function_name}] if function_name else []
    return {
        "AlarmName": name,
        "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}",
        "Namespace": "AWS/Lambda",
        "MetricName": metric,
        "Dimensions": dims,
        "StateValue": "OK",
    }


def log_groups(*groups: tuple[str, int | None], region: str = REGION) -> Record:
    raw = [
        {"logGroupName": name, **({"retentionInDays": days} if days is not None else {})}
        for name, days in groups
    ]
    return rec("logs", "DescribeLogGroups", {"logGroups": raw}, region, logGroupNamePrefix="/aws/lambda/")


def coverage(service: str, operation: str, status: str, region: str = REGION) -> CoverageEntry:
    return CoverageEntry(ACCOUNT, region, service, operation, status)
