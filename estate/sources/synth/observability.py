"""KMS keys, log groups, alarms, CloudTrail, Lambda account reads and CloudWatch metrics.

Metrics come from `estate.sources.synth.metrics` (five-minute series with profiles and
incidents) over two days, limited to the first `metrics_functions` functions (the rest have no
series), because 10,000 functions x 5 metrics x 4,032 points would dwarf every other record.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from estate.sources.live.cloudwatch import MAX_QUERIES, METRIC_STATS
from estate.sources.synth.metrics import STEP_SECONDS, generate_fleet
from estate.sources.synth.shape import (
    ACCOUNT,
    CREATED_AT,
    REGION,
    Chooser,
    Scale,
    function_name,
    kms_key_arn,
    kms_key_id,
)
from estate.sources.synth.sink import RecordSink

METRICS_END = dt.datetime.fromisoformat(CREATED_AT)
METRICS_DAYS = 2


def add_keys(sink: RecordSink, scale: Scale, chooser: Chooser) -> None:
    ids = [kms_key_id(chooser, k) for k in range(scale.kms_keys)]
    listed = [{"KeyArn": kms_key_arn(chooser, k), "KeyId": key_id} for k, key_id in enumerate(ids)]
    sink.pages(
        "kms",
        "ListKeys",
        listed,
        "Keys",
        1000,
        ("Marker", "NextMarker"),
        {"Limit": 1000},
        extra={"Truncated": False},
    )
    root = {
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    policy = json.dumps({"Version": "2012-10-17", "Id": "key-default-1", "Statement": [root]})
    for key, key_id in enumerate(ids):
        metadata = {
            "AWSAccountId": ACCOUNT,
            "Arn": kms_key_arn(chooser, key),
            "CreationDate": "2026-09-01T08:00:00+00:00",
            "Description": f"synth data key {key}",
            "Enabled": True,
            "KeyId": key_id,
            "KeyManager": "CUSTOMER",
            "KeySpec": "SYMMETRIC_DEFAULT",
            "KeyState": "Enabled",
            "KeyUsage": "ENCRYPT_DECRYPT",
            "Origin": "AWS_KMS",
        }
        sink.add("kms", "DescribeKey", {"KeyMetadata": metadata}, KeyId=key_id)
        sink.add(
            "kms",
            "GetKeyPolicy",
            {"Policy": policy, "PolicyName": "default"},
            KeyId=key_id,
            PolicyName="default",
        )
        sink.add("kms", "GetKeyRotationStatus", {"KeyRotationEnabled": key % 3 != 0}, KeyId=key_id)
    aliases = [
        {
            "AliasArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/synth-{k}",
            "AliasName": f"alias/synth-{k}",
            "TargetKeyId": key_id,
        }
        for k, key_id in enumerate(ids)
    ]
    sink.pages("kms", "ListAliases", aliases, "Aliases", 100, ("Marker", "NextMarker"), {"Limit": 100})


def add_logs_and_alarms(sink: RecordSink, scale: Scale, chooser: Chooser) -> None:
    groups = []
    for function in range(scale.functions):
        if chooser.unit("log-group", function) >= 0.9:
            continue  # never invoked since the log group was deleted
        group: dict[str, Any] = {
            "arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/{function_name(function)}:*",
            "creationTime": 1788249600000,
            "logGroupName": f"/aws/lambda/{function_name(function)}",
            "metricFilterCount": 0,
            "storedBytes": 1024 * chooser.pick("stored", function, 100_000),
        }
        if chooser.unit("retention", function) < 0.6:
            group["retentionInDays"] = (7, 30, 90, 365)[chooser.pick("retention-days", function, 4)]
        groups.append(group)
    sink.pages(
        "logs",
        "DescribeLogGroups",
        groups,
        "logGroups",
        50,
        ("nextToken", "nextToken"),
        {"logGroupNamePrefix": "/aws/lambda/"},
    )
    for group in sorted(groups, key=lambda g: str(g["logGroupName"])):
        sink.add(
            "logs",
            "DescribeSubscriptionFilters",
            {"subscriptionFilters": []},
            logGroupName=group["logGroupName"],
        )
    alarms = []
    for function in range(scale.functions):
        if chooser.unit("alarm", function) < 0.2:
            name = function_name(function)
            alarms.append(
                {
                    "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}-errors",
                    "AlarmName": f"{name}-errors",
                    "ActionsEnabled": True,
                    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                    "EvaluationPeriods": 1,
                    "MetricName": "Errors",
                    "Namespace": "AWS/Lambda",
                    "Period": 300,
                    "Statistic": "Sum",
                    "Threshold": 1.0,
                    "Dimensions": [{"Name": "FunctionName", "Value": name}],
                    "StateValue": "OK",
                }
            )
    sink.pages(
        "cloudwatch",
        "DescribeAlarms",
        alarms,
        "MetricAlarms",
        100,
        ("NextToken", "NextToken"),
        {"AlarmTypes": ["MetricAlarm", "CompositeAlarm"], "MaxRecords": 100},
        extra={"CompositeAlarms": []},
    )


def add_trail_and_account(sink: RecordSink, scale: Scale) -> None:
    arn = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/org-trail"
    trail = {
        "HomeRegion": REGION,
        "IncludeGlobalServiceEvents": True,
        "IsMultiRegionTrail": True,
        "IsOrganizationTrail": False,
        "LogFileValidationEnabled": True,
        "Name": "org-trail",
        "S3BucketName": "synth-cloudtrail-logs",
        "TrailARN": arn,
    }
    sink.add("cloudtrail", "DescribeTrails", {"trailList": [trail]}, includeShadowTrails=True)
    selectors = [{"IncludeManagementEvents": True, "ReadWriteType": "All", "DataResources": []}]
    sink.add("cloudtrail", "GetEventSelectors", {"EventSelectors": selectors, "TrailARN": arn}, TrailName=arn)
    sink.add("cloudtrail", "GetTrailStatus", {"IsLogging": True}, Name=arn)
    sink.pages("lambda", "ListLayers", [], "Layers", 50, ("Marker", "NextMarker"))
    limits = {
        "CodeSizeUnzipped": 262144000,
        "CodeSizeZipped": 52428800,
        "ConcurrentExecutions": 1000,
        "TotalCodeSize": 80530636800,
        "UnreservedConcurrentExecutions": 1000 - 50 * (scale.functions // 7),
    }
    usage = {"FunctionCount": scale.functions, "TotalCodeSize": scale.functions * 2_500_000}
    sink.add("lambda", "GetAccountSettings", {"AccountLimit": limits, "AccountUsage": usage})
    sink.pages("lambda", "ListCodeSigningConfigs", [], "CodeSigningConfigs", 50, ("Marker", "NextMarker"))
    sink.pages(
        "scheduler", "ListSchedules", [], "Schedules", 100, ("NextToken", "NextToken"), {"MaxResults": 100}
    )


def add_metrics(sink: RecordSink, scale: Scale, seed: int, limit: int) -> tuple[str, str] | None:
    """GetMetricData records as the collector batches them (500 queries a call); the window, or None.

    Series come from `estate.sources.synth.metrics` (profiles, incidents); like CloudWatch, a
    period without invocations has no Duration or ConcurrentExecutions datapoint.
    """
    count = min(limit, scale.functions)
    if count <= 0:
        return None
    start = METRICS_END - dt.timedelta(days=METRICS_DAYS)
    fleet = generate_fleet(seed, functions=count, days=METRICS_DAYS, start=start)
    stamps = [t.isoformat() for t in fleet.timestamps()]
    order = sorted(range(count), key=function_name)
    queries: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for function in order:
        for metric, stat in METRIC_STATS:
            n = len(queries)
            metric_stat = {
                "Metric": {
                    "Namespace": "AWS/Lambda",
                    "MetricName": metric,
                    "Dimensions": [{"Name": "FunctionName", "Value": function_name(function)}],
                },
                "Period": STEP_SECONDS,
                "Stat": stat,
            }
            queries.append({"Id": f"q{n}", "MetricStat": metric_stat, "ReturnData": True})
            row = fleet.metrics[metric][function]
            keep = [i for i, v in enumerate(row.tolist()) if not math.isnan(v)]
            results.append(
                {
                    "Id": f"q{n}",
                    "Label": f"{metric} {stat}",
                    "StatusCode": "Complete",
                    "Timestamps": [stamps[i] for i in keep],
                    "Values": [float(row[i]) for i in keep],
                }
            )
    for i in range(0, len(queries), MAX_QUERIES):
        sink.add(
            "cloudwatch",
            "GetMetricData",
            {"Messages": [], "MetricDataResults": results[i : i + MAX_QUERIES]},
            MetricDataQueries=queries[i : i + MAX_QUERIES],
            StartTime=start.isoformat(),
            EndTime=METRICS_END.isoformat(),
            ScanBy="TimestampAscending",
        )
    return start.isoformat(), METRICS_END.isoformat()
