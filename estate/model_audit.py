"""Audit and monitoring: CloudTrail trails (logging? Lambda data events?), CloudWatch alarms and the
functions' log groups (retention, KMS key).

`Trail.lambda_data_events` is True when a basic or advanced event selector logs
AWS::Lambda::Function data events, False when the selectors were read and none does, None when
they were not read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from estate.model import error_code
from estate.snapshot import Snapshot

LAMBDA_RESOURCE = "AWS::Lambda::Function"


@dataclass(frozen=True, slots=True)
class Trail:
    arn: str
    name: str
    account: str
    home_region: str
    multi_region: bool
    organization_trail: bool
    is_logging: bool | None = None  # None: GetTrailStatus not read
    lambda_data_events: bool | None = None  # None: GetEventSelectors not read
    lambda_data_scope: tuple[str, ...] = ()  # ARNs/prefixes logged; ("*",) for every function
    kms_key_id: str | None = None
    log_file_validation: bool | None = None
    s3_bucket: str | None = None

    def covers(self, region: str) -> bool:
        return self.multi_region or self.home_region == region


@dataclass(frozen=True, slots=True)
class Alarm:
    name: str
    arn: str
    account: str
    region: str
    namespace: str | None
    metric_name: str | None
    dimensions: tuple[tuple[str, str], ...]
    state: str
    actions_enabled: bool
    alarm_actions: tuple[str, ...] = ()
    composite: bool = False


@dataclass(frozen=True, slots=True)
class LogGroup:
    name: str
    arn: str
    account: str
    region: str
    retention_days: int | None  # None: never expire
    kms_key_id: str | None = None


def lambda_selectors(response: Any) -> tuple[bool, tuple[str, ...]]:
    """(logs Lambda data events?, the function ARNs or prefixes it logs; "*" for all)."""
    scope: list[str] = []
    found = False
    for selector in response.get("EventSelectors") or ():
        for resource in selector.get("DataResources") or ():
            if resource.get("Type") == LAMBDA_RESOURCE and resource.get("Values"):
                found = True
                values = [str(v) for v in resource["Values"]]
                scope += [
                    "*" if v.rstrip(":") in ("arn:aws:lambda", "arn:aws-us-gov:lambda") else v for v in values
                ]
    for selector in response.get("AdvancedEventSelectors") or ():
        fields = {str(f.get("Field")): f for f in selector.get("FieldSelectors") or ()}
        category = fields.get("eventCategory", {})
        types = fields.get("resources.type", {})
        if "Data" in (category.get("Equals") or ()) and LAMBDA_RESOURCE in (types.get("Equals") or ()):
            found = True
            arn = fields.get("resources.ARN")
            if arn is None:
                scope.append("*")
            else:
                scope += [str(v) for v in (arn.get("Equals") or ()) + (arn.get("StartsWith") or ())]
                if arn.get("NotEquals") or arn.get("NotStartsWith"):
                    scope.append("* (with exclusions)")
    return found, tuple(dict.fromkeys(scope))


def _first(snapshot: Snapshot, service: str, operation: str, param: str) -> dict[tuple[str, str], Any]:
    out: dict[tuple[str, str], Any] = {}
    for record in snapshot.responses(service, operation):
        out.setdefault((record.key.account, str(record.key.params.get(param, ""))), record.response)
    return out


def parse_trails(snapshot: Snapshot) -> dict[str, Trail]:
    """Trails by ARN (shadow copies seen from other regions are merged)."""
    selectors = _first(snapshot, "cloudtrail", "GetEventSelectors", "TrailName")
    statuses = _first(snapshot, "cloudtrail", "GetTrailStatus", "Name")
    out: dict[str, Trail] = {}
    for record in snapshot.responses("cloudtrail", "DescribeTrails"):
        if error_code(record.response):
            continue
        for raw in record.response.get("trailList") or ():
            arn = str(raw.get("TrailARN", ""))
            if not arn or arn in out:
                continue
            account = arn.split(":")[4] if arn.count(":") >= 5 else record.key.account
            selected = selectors.get((record.key.account, arn))
            status = statuses.get((record.key.account, arn))
            events, scope = (
                (None, ()) if selected is None or error_code(selected) else lambda_selectors(selected)
            )
            out[arn] = Trail(
                arn=arn,
                name=str(raw.get("Name", "")),
                account=account,
                home_region=str(raw.get("HomeRegion") or record.key.region),
                multi_region=bool(raw.get("IsMultiRegionTrail")),
                organization_trail=bool(raw.get("IsOrganizationTrail")),
                is_logging=None if status is None or error_code(status) else bool(status.get("IsLogging")),
                lambda_data_events=events,
                lambda_data_scope=scope,
                kms_key_id=raw.get("KmsKeyId"),
                log_file_validation=raw.get("LogFileValidationEnabled"),
                s3_bucket=raw.get("S3BucketName"),
            )
    return out


def _dimensions(raw: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple((str(d.get("Name", "")), str(d.get("Value", ""))) for d in raw.get("Dimensions") or ())


def parse_alarms(snapshot: Snapshot) -> dict[str, Alarm]:
    out: dict[str, Alarm] = {}
    for record in snapshot.responses("cloudwatch", "DescribeAlarms"):
        account, region = record.key.account, record.key.region
        for raw in record.response.get("MetricAlarms") or ():
            namespace, metric, dims = raw.get("Namespace"), raw.get("MetricName"), _dimensions(raw)
            if metric is None:  # a metric-math alarm: take the first metric it reads
                for query in raw.get("Metrics") or ():
                    stat_metric = (query.get("MetricStat") or {}).get("Metric") or {}
                    if stat_metric:
                        namespace, metric = stat_metric.get("Namespace"), stat_metric.get("MetricName")
                        dims = _dimensions(stat_metric)
                        break
            alarm = Alarm(
                name=str(raw.get("AlarmName", "")),
                arn=str(raw.get("AlarmArn", "")),
                account=account,
                region=region,
                namespace=namespace,
                metric_name=metric,
                dimensions=dims,
                state=str(raw.get("StateValue", "")),
                actions_enabled=bool(raw.get("ActionsEnabled", True)),
                alarm_actions=tuple(raw.get("AlarmActions") or ()),
            )
            out[alarm.arn or f"{account}/{region}/{alarm.name}"] = alarm
        for raw in record.response.get("CompositeAlarms") or ():
            alarm = Alarm(
                name=str(raw.get("AlarmName", "")),
                arn=str(raw.get("AlarmArn", "")),
                account=account,
                region=region,
                namespace=None,
                metric_name=None,
                dimensions=(),
                state=str(raw.get("StateValue", "")),
                actions_enabled=bool(raw.get("ActionsEnabled", True)),
                alarm_actions=tuple(raw.get("AlarmActions") or ()),
                composite=True,
            )
            out[alarm.arn or f"{account}/{region}/{alarm.name}"] = alarm
    return out


def parse_log_groups(snapshot: Snapshot) -> dict[tuple[str, str, str], LogGroup]:
    out: dict[tuple[str, str, str], LogGroup] = {}
    for record in snapshot.responses("logs", "DescribeLogGroups"):
        account, region = record.key.account, record.key.region
        for raw in record.response.get("logGroups") or ():
            name = str(raw["logGroupName"])
            arn = str(raw.get("logGroupArn") or str(raw.get("arn", "")).removesuffix(":*"))
            retention = raw.get("retentionInDays")
            out[(account, region, name)] = LogGroup(
                name=name,
                arn=arn,
                account=account,
                region=region,
                retention_days=None if retention is None else int(retention),
                kms_key_id=raw.get("kmsKeyId"),
            )
    return out
