"""Audit records: trails (logging, Lambda data events), alarms, log groups; and the demo's gaps."""

from __future__ import annotations

from typing import Any

from estate.model.audit import lambda_selectors, parse_alarms, parse_log_groups, parse_trails
from estate.model.load import load_estate
from estate.snapshot import Manifest, Record, RecordKey, Snapshot, load_snapshot

ACCT, EU = "111122223333", "eu-west-1"
TRAIL = f"arn:aws:cloudtrail:{EU}:{ACCT}:trail/main"


def _rec(service: str, op: str, params: dict[str, Any], response: Any, region: str = EU) -> Record:
    return Record(RecordKey(ACCT, region, service, op, params), response)


def _snap(*records: Record) -> Snapshot:
    return Snapshot(Manifest(created_at="2026-01-01T00:00:00+00:00", source="test"), list(records))


DESCRIBE = {
    "trailList": [
        {
            "Name": "main",
            "TrailARN": TRAIL,
            "HomeRegion": EU,
            "IsMultiRegionTrail": True,
            "IsOrganizationTrail": False,
            "KmsKeyId": "arn:key",
        }
    ]
}


def test_basic_selectors_for_all_functions() -> None:
    found, scope = lambda_selectors(
        {
            "EventSelectors": [
                {"DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}]}
            ]
        }
    )
    assert found and scope == ("*",)


def test_advanced_selectors_and_other_resource_types() -> None:
    assert lambda_selectors(
        {
            "AdvancedEventSelectors": [
                {
                    "FieldSelectors": [
                        {"Field": "eventCategory", "Equals": ["Data"]},
                        {"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]},
                    ]
                }
            ]
        }
    ) == (True, ("*",))
    assert lambda_selectors(
        {
            "AdvancedEventSelectors": [
                {
                    "FieldSelectors": [
                        {"Field": "eventCategory", "Equals": ["Data"]},
                        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                    ]
                }
            ]
        }
    ) == (False, ())
    assert lambda_selectors({"EventSelectors": [{"DataResources": []}]}) == (False, ())


def test_trail_status_and_selectors_read_vs_not_read() -> None:
    read = parse_trails(
        _snap(
            _rec("cloudtrail", "DescribeTrails", {"includeShadowTrails": True}, DESCRIBE),
            _rec("cloudtrail", "DescribeTrails", {"includeShadowTrails": True}, DESCRIBE, "us-east-1"),
            _rec("cloudtrail", "GetTrailStatus", {"Name": TRAIL}, {"IsLogging": False}),
            _rec(
                "cloudtrail",
                "GetEventSelectors",
                {"TrailName": TRAIL},
                {
                    "EventSelectors": [
                        {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []}
                    ]
                },
            ),
        )
    )
    assert len(read) == 1
    trail = read[TRAIL]
    assert (trail.is_logging, trail.lambda_data_events, trail.multi_region) == (False, False, True)
    assert trail.covers("ap-south-1")
    unread = parse_trails(_snap(_rec("cloudtrail", "DescribeTrails", {}, DESCRIBE)))[TRAIL]
    assert unread.is_logging is None and unread.lambda_data_events is None


def test_alarms_and_log_groups() -> None:
    snap = _snap(
        _rec(
            "cloudwatch",
            "DescribeAlarms",
            {},
            {
                "MetricAlarms": [
                    {
                        "AlarmName": "errs",
                        "AlarmArn": "arn:a",
                        "Namespace": "AWS/Lambda",
                        "MetricName": "Errors",
                        "Dimensions": [{"Name": "FunctionName", "Value": "f"}],
                        "StateValue": "OK",
                        "ActionsEnabled": False,
                    }
                ],
                "CompositeAlarms": [],
            },
        ),
        _rec(
            "logs",
            "DescribeLogGroups",
            {},
            {
                "logGroups": [
                    {
                        "logGroupName": "/aws/lambda/f",
                        "arn": f"arn:aws:logs:{EU}:{ACCT}:log-group:/aws/lambda/f:*",
                    },
                    {
                        "logGroupName": "/aws/lambda/g",
                        "retentionInDays": 30,
                        "kmsKeyId": "arn:k",
                        "logGroupArn": f"arn:aws:logs:{EU}:{ACCT}:log-group:/aws/lambda/g",
                    },
                ]
            },
        ),
    )
    alarm = parse_alarms(snap)["arn:a"]
    assert alarm.dimensions == (("FunctionName", "f"),) and not alarm.actions_enabled
    groups = parse_log_groups(snap)
    never = groups[(ACCT, EU, "/aws/lambda/f")]
    assert never.retention_days is None and never.arn.endswith("/aws/lambda/f")
    assert groups[(ACCT, EU, "/aws/lambda/g")].retention_days == 30


def test_demo_trail_alarms_and_log_groups_are_parsed() -> None:
    from tests.ground_truth import plants

    demo = load_estate(load_snapshot("estate/sources/demo/demo.lsnap"))
    assert len(demo.trails) == 1
    (trail,) = demo.trails.values()
    assert trail.lambda_data_events is True and trail.is_logging is True
    assert trail.covers("eu-west-1") and not trail.covers("us-east-1")
    assert len(demo.log_groups) == len(demo.functions)
    never = {g.name for g in demo.log_groups.values() if g.retention_days is None}
    planted_never = {f"/aws/lambda/{n}" for n, days in plants.LOG_RETENTION_PLANTS.items() if days is None}
    assert never == planted_never
    alarmed = {d.get("FunctionName") for a in demo.alarms.values() for d in [dict(a.dimensions)]}
    assert not alarmed & set(plants.NO_ALARM_FUNCTIONS)
    assert demo.collected("cloudtrail", "DescribeTrails", region="eu-west-1") is True
    assert demo.collected("cloudtrail", "GetEventSelectors") is True
