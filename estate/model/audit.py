"""Audit and monitoring: CloudTrail trails (logging? Lambda data events?), CloudWatch alarms, the
functions' log groups (retention, KMS key) and their recent changes (CloudTrail LookupEvents).

`Trail.lambda_data_events` is True when a basic or advanced event selector logs
AWS::Lambda::Function data events, False when the selectors were read and none does, None when
they were not read.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from estate.model.raw import error_code
from estate.snapshot import Record, Snapshot

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
                scope += [str(v) for v in (*(arn.get("Equals") or ()), *(arn.get("StartsWith") or ()))]
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


def _metric_of(raw: Mapping[str, Any]) -> tuple[Any, Any, tuple[tuple[str, str], ...]]:
    """(namespace, metric name, dimensions) a metric alarm watches; for a metric-math alarm, the
    first metric it reads."""
    namespace, metric, dims = raw.get("Namespace"), raw.get("MetricName"), _dimensions(raw)
    if metric is None:
        for query in raw.get("Metrics") or ():
            stat_metric = (query.get("MetricStat") or {}).get("Metric") or {}
            if stat_metric:
                return stat_metric.get("Namespace"), stat_metric.get("MetricName"), _dimensions(stat_metric)
    return namespace, metric, dims


def parse_alarms(snapshot: Snapshot) -> dict[str, Alarm]:
    out: dict[str, Alarm] = {}
    for record in snapshot.responses("cloudwatch", "DescribeAlarms"):
        account, region = record.key.account, record.key.region
        metric_alarms = ((raw, False) for raw in record.response.get("MetricAlarms") or ())
        composite_alarms = ((raw, True) for raw in record.response.get("CompositeAlarms") or ())
        for raw, composite in (*metric_alarms, *composite_alarms):
            namespace, metric, dims = (None, None, ()) if composite else _metric_of(raw)
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
                composite=composite,
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


# Function changes (CloudTrail LookupEvents) ----------------------------------------------------
# The management events that change what a function runs, who may invoke it, or how far it scales.
CHANGE_EVENTS = frozenset(
    {"UpdateFunctionCode", "UpdateFunctionConfiguration", "AddPermission", "PutFunctionConcurrency"}
)
# CloudTrail names Lambda events after the API version: UpdateFunctionCode20150331v2.
_API_VERSION = re.compile(r"\d{8}(v\d+)?$")
_SUMMARY_MAX = 200


@dataclass(frozen=True, slots=True)
class FunctionChange:
    """One change to a function as CloudTrail recorded it; every string is untrusted text."""

    function_name: str
    function_arn: str
    event_name: str  # the base name, e.g. UpdateFunctionCode
    raw_event_name: str  # as logged, e.g. UpdateFunctionCode20150331v2
    time: dt.datetime
    actor: str  # userIdentity ARN (or the invoking service, or the user name)
    source_ip: str
    summary: str  # the request parameters in one line (environment values never shown)
    error_code: str | None = None  # the call failed: an attempt, not a change
    event_id: str = ""


@dataclass(frozen=True, slots=True)
class ChangeHistory:
    """Changes by (account, region, function name), newest first, and from when each region's
    history was read: the window start, or the oldest event read when the page cap cut it."""

    by_function: Mapping[tuple[str, str, str], tuple[FunctionChange, ...]] = field(default_factory=dict)
    read_since: Mapping[tuple[str, str], dt.datetime] = field(default_factory=dict)

    def changes(self, account: str, region: str, name: str) -> tuple[FunctionChange, ...]:
        return self.by_function.get((account, region, name), ())


def base_event_name(name: str) -> str:
    return _API_VERSION.sub("", name)


def parse_function_changes(snapshot: Snapshot) -> ChangeHistory:
    """The four change events (and their versioned names) per function, from LookupEvents pages."""
    found: dict[tuple[str, str, str], dict[str, FunctionChange]] = {}
    since: dict[tuple[str, str], dt.datetime] = {}
    records = [r for r in snapshot.responses("cloudtrail", "LookupEvents") if not error_code(r.response)]
    for record in records:
        for raw in record.response.get("Events") or ():
            change = function_change(raw, record.key.account, record.key.region)
            if change is not None:
                parts = change.function_arn.split(":")
                key = (parts[4], parts[3], change.function_name)
                found.setdefault(key, {})[change.event_id or f"{change.time}/{change.raw_event_name}"] = (
                    change
                )
    for (account, region), pages in _by_region(records).items():
        moment = _read_since(pages)
        if moment is not None:
            since[(account, region)] = moment
    by_function = {
        key: tuple(sorted(changes.values(), key=lambda c: c.time, reverse=True))
        for key, changes in found.items()
    }
    return ChangeHistory(by_function, since)


def _by_region(records: Iterable[Record]) -> dict[tuple[str, str], list[Record]]:
    out: dict[tuple[str, str], list[Record]] = {}
    for record in records:
        out.setdefault((record.key.account, record.key.region), []).append(record)
    return out


def _read_since(pages: list[Record]) -> dt.datetime | None:
    """The window start, unless a page's NextToken was never followed (the cap): then the oldest
    event read, as nothing older is known."""
    asked = {str(p.key.params.get("NextToken")) for p in pages if p.key.params.get("NextToken")}
    cut = any(p.response.get("NextToken") and str(p.response["NextToken"]) not in asked for p in pages)
    if cut:
        times = [_time(e.get("EventTime")) for p in pages for e in p.response.get("Events") or ()]
        known = [t for t in times if t is not None]
        return min(known) if known else None
    starts = [_time(p.key.params.get("StartTime")) for p in pages]
    return min((t for t in starts if t is not None), default=None)


def _time(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:  # a wrong-shaped snapshot's number may be out of any calendar (or NaN)
            return dt.datetime.fromtimestamp(value, dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def function_change(raw: Mapping[str, Any], account: str, region: str) -> FunctionChange | None:
    """One LookupEvents event as a change, or None when it is not one of CHANGE_EVENTS."""
    name = str(raw.get("EventName") or "")
    detail = _event_json(raw.get("CloudTrailEvent"))
    name = name or str(detail.get("eventName") or "")
    base = base_event_name(name)
    if base not in CHANGE_EVENTS:
        return None
    when = _time(raw.get("EventTime")) or _time(detail.get("eventTime"))
    params = detail.get("requestParameters")
    params = params if isinstance(params, Mapping) else {}
    response = detail.get("responseElements")
    response = response if isinstance(response, Mapping) else {}
    region = str(detail.get("awsRegion") or region)
    account = str(detail.get("recipientAccountId") or account)
    target = params.get("functionName") or response.get("functionArn") or _resource_name(raw)
    if when is None or not target:
        return None
    function_name, arn = _function_ref(str(target), account, region, _partition(detail))
    identity = detail.get("userIdentity")
    identity = identity if isinstance(identity, Mapping) else {}
    actor = identity.get("arn") or identity.get("invokedBy") or raw.get("Username") or "unknown"
    return FunctionChange(
        function_name=function_name,
        function_arn=arn,
        event_name=base,
        raw_event_name=name,
        time=when,
        actor=str(actor),
        source_ip=str(detail.get("sourceIPAddress") or ""),
        summary=summarise(base, params),
        error_code=str(detail["errorCode"]) if detail.get("errorCode") else None,
        event_id=str(raw.get("EventId") or detail.get("eventID") or ""),
    )


def _event_json(text: Any) -> Mapping[str, Any]:
    if isinstance(text, Mapping):
        return text
    try:
        parsed = json.loads(str(text)) if text else {}
    except ValueError:
        return {}
    return parsed if isinstance(parsed, Mapping) else {}


def _resource_name(raw: Mapping[str, Any]) -> str | None:
    for resource in raw.get("Resources") or ():
        if isinstance(resource, Mapping) and resource.get("ResourceType") == LAMBDA_RESOURCE:
            return str(resource.get("ResourceName") or "") or None
    return None


def _partition(detail: Mapping[str, Any]) -> str:
    identity = detail.get("userIdentity")
    arn = str(identity.get("arn") or "") if isinstance(identity, Mapping) else ""
    return arn.split(":")[1] if arn.startswith("arn:") and arn.count(":") >= 2 else "aws"


def _function_ref(target: str, account: str, region: str, partition: str) -> tuple[str, str]:
    """(name, unqualified ARN) from a name, a partial ARN (`123:function:f`) or a full ARN;
    a `:qualifier` (version or alias) is dropped: the change is the function's."""
    parts = target.split(":")
    if target.startswith("arn:") and len(parts) >= 7:
        return parts[6], ":".join(parts[:7])
    if len(parts) >= 3 and parts[1] == "function":
        account, name = parts[0], parts[2]
    else:
        name = parts[0]
    return name, f"arn:{partition}:lambda:{region}:{account}:function:{name}"


def summarise(event: str, params: Mapping[str, Any]) -> str:
    """The request in one line: what was deployed, granted or set. Environment variables and
    code bytes are named, never shown (CloudTrail hides their values, and they may be secrets)."""
    if event == "AddPermission":
        parts = [f"{params.get('action', '?')} to {params.get('principal', '?')}"]
        for key, label in (("sourceArn", "source"), ("sourceAccount", "account"), ("principalOrgID", "org")):
            if params.get(key):
                parts.append(f"{label} {params[key]}")
        if params.get("functionUrlAuthType"):
            parts.append(f"url auth {params['functionUrlAuthType']}")
        if params.get("statementId"):
            parts.append(f"sid {params['statementId']}")
        text = ", ".join(parts)
    elif event == "PutFunctionConcurrency":
        text = f"reserved concurrency {params.get('reservedConcurrentExecutions', '?')}"
    elif event == "UpdateFunctionCode" and params.get("s3Bucket"):
        text = f"code from s3://{params['s3Bucket']}/{params.get('s3Key', '')}"
        text += " (published)" if params.get("publish") else ""
    elif event == "UpdateFunctionCode" and params.get("imageUri"):
        text = f"image {params['imageUri']}"
    else:
        shown = []
        for key, value in sorted(params.items()):
            if key in {"functionName", "zipFile"}:
                continue
            if key == "environment" or isinstance(value, Mapping | list):
                shown.append(str(key))
            else:
                shown.append(f"{key}={value}")
        text = (
            ", ".join(shown) if shown else ("zip upload" if "zipFile" in params else "no parameters logged")
        )
    return text if len(text) <= _SUMMARY_MAX else text[: _SUMMARY_MAX - 1] + "…"
