"""The shapes a dump file must have: the model's response shapes (estate/model/shapes), plus the
outputs only the import reads (the listings it resolves per-resource files through) and the
fields the import itself rewrites (env var values it redacts must be text).

A file that does not fit is a gap naming the file and the field (`malformed_dump`), never a
traceback and never a silent skip.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import msgspec

from estate.model.shapes import SHAPES
from estate.model.shapes.audit import GetMetricDataParams, MetricQueryPart
from estate.model.shapes.common import AwareTime, Shape
from estate.model.shapes.lambda_ import Function, ListFunctions
from estate.model.validate import explain
from estate.sources.dumps.accepted_changes import LOOKUP_ATTRIBUTES
from estate.sources.dumps.kinds import FileKind

MALFORMED_CODE = "MalformedResponse"


class _PlainEnvironment(Shape):
    Variables: dict[str, str] | None = None


class _DumpFunction(Function):
    """A function as the CLI prints it: env var values are text (the import redacts them)."""

    Environment: _PlainEnvironment | None = None  # type: ignore[assignment]


class _ListFunctions(ListFunctions):
    Functions: list[_DumpFunction] = msgspec.field(default_factory=list)  # type: ignore[assignment]


class _Version(Shape):
    Version: str | None = None
    Environment: _PlainEnvironment | None = None


class _ListVersionsByFunction(Shape):
    Versions: list[_Version] | None = None


class _UrlConfig(Shape):
    FunctionArn: str | None = None
    FunctionUrl: str | None = None
    AuthType: str | None = None


class _ListFunctionUrlConfigs(Shape):
    FunctionUrlConfigs: list[_UrlConfig] | None = None


class _KeyEntry(Shape):
    KeyId: str | None = None
    KeyArn: str | None = None


class _ListKeys(Shape):
    Keys: list[_KeyEntry] | None = None


class _ListTables(Shape):
    TableNames: list[str] | None = None


class _ListQueues(Shape):
    QueueUrls: list[str] | None = None


class _TopicEntry(Shape):
    TopicArn: str | None = None


class _ListTopics(Shape):
    Topics: list[_TopicEntry] | None = None


class _KeyMetadata(Shape):
    KeyId: str
    KeyManager: str | None = None
    KeySpec: str | None = None
    KeyState: str | None = None
    Origin: str | None = None


class _DescribeKey(Shape):
    KeyMetadata: _KeyMetadata | None = None


class _TopicAttributes(Shape):
    TopicArn: str | None = None


class _GetTopicAttributes(Shape):
    Attributes: _TopicAttributes | None = None


class _EventBus(Shape):
    Name: str
    Arn: str | None = None


class _ListEventBuses(Shape):
    EventBuses: list[_EventBus] | None = None


class _DescribeEventBus(Shape):
    Name: str | None = None
    Arn: str | None = None
    Policy: str | None = None


class _ScheduleSummary(Shape):
    Name: str
    GroupName: str | None = None


class _ListSchedules(Shape):
    Schedules: list[_ScheduleSummary] | None = None


class _Layer(Shape):
    LayerName: str
    LayerArn: str | None = None


class _ListLayers(Shape):
    Layers: list[_Layer] | None = None


class _LayerVersion(Shape):
    Version: int
    LayerVersionArn: str | None = None


class _ListLayerVersions(Shape):
    LayerVersions: list[_LayerVersion] | None = None


class _GetLayerVersionPolicy(Shape):
    Policy: str | None = None


class _CodeSigningConfig(Shape):
    CodeSigningConfigArn: str | None = None


class _ListCodeSigningConfigs(Shape):
    CodeSigningConfigs: list[_CodeSigningConfig] | None = None


class _PolicySummary(Shape):
    Id: str


class _ListPolicies(Shape):
    Policies: list[_PolicySummary] | None = None


class _GetMetricDataQueries(GetMetricDataParams):
    """A batch's `--cli-input-json` request: the record's parameters (times as the CLI takes them)."""

    MetricDataQueries: list[MetricQueryPart]
    StartTime: dt.datetime
    EndTime: dt.datetime
    ScanBy: str | None = None


class _LookupAttribute(Shape, forbid_unknown_fields=True):
    AttributeKey: str
    AttributeValue: str


class _LookupEventsRequest(Shape, forbid_unknown_fields=True):
    """The `--cli-input-json` request of `aws cloudtrail lookup-events`: exactly what the collector
    asks (no other field, e.g. a NextToken or EventCategory, which would change what is answered);
    times with their zone, as a bare time is local to whoever ran the CLI."""

    LookupAttributes: list[_LookupAttribute]
    StartTime: AwareTime
    EndTime: AwareTime


def _lookup_request(data: Any) -> str | None:
    """The request asks for the collector's events: Lambda's, over a window that is not empty."""
    if data["LookupAttributes"] != LOOKUP_ATTRIBUTES:
        wanted = LOOKUP_ATTRIBUTES[0]
        return (
            f"$.LookupAttributes: expected [{{AttributeKey: {wanted['AttributeKey']}, "
            f"AttributeValue: {wanted['AttributeValue']}}}], the collector's filter"
        )
    start, end = (msgspec.convert(data[k], dt.datetime) for k in ("StartTime", "EndTime"))
    return None if start < end else "$.EndTime: expected a time after StartTime"


def _lookup_output(data: Any) -> str | None:
    """An EventTime still a number after the epoch-to-ISO rewrite (accepted_changes.py) is out of
    any date's range: no time can be read from it."""
    for n, event in enumerate(data.get("Events") or ()):
        when = event.get("EventTime")
        if isinstance(when, int | float) and not isinstance(when, bool):
            return (
                f"$.Events[{n}].EventTime: expected epoch seconds of a date (years 1970-9999), got {when!r}"
            )
    return None


# (service, CLI operation) -> what its output must hold; checked on top of the model's shape.
_DUMP_ONLY: dict[tuple[str, str], type[Shape]] = {
    ("events", "ListEventBuses"): _ListEventBuses,
    ("events", "DescribeEventBus"): _DescribeEventBus,
    ("scheduler", "ListSchedules"): _ListSchedules,
    ("lambda", "ListLayers"): _ListLayers,
    ("lambda", "ListLayerVersions"): _ListLayerVersions,
    ("lambda", "GetLayerVersionPolicy"): _GetLayerVersionPolicy,
    ("lambda", "ListCodeSigningConfigs"): _ListCodeSigningConfigs,
    ("organizations", "ListPolicies"): _ListPolicies,
    ("cloudwatch", "GetMetricDataQueries"): _GetMetricDataQueries,
    ("cloudtrail", "LookupEventsRequest"): _LookupEventsRequest,
    ("lambda", "ListFunctions"): _ListFunctions,
    ("lambda", "ListVersionsByFunction"): _ListVersionsByFunction,
    ("lambda", "ListFunctionUrlConfigs"): _ListFunctionUrlConfigs,
    ("kms", "ListKeys"): _ListKeys,
    ("kms", "DescribeKey"): _DescribeKey,
    ("dynamodb", "ListTables"): _ListTables,
    ("sqs", "ListQueues"): _ListQueues,
    ("sns", "ListTopics"): _ListTopics,
    ("sns", "GetTopicAttributes"): _GetTopicAttributes,
}

# (service, CLI operation) -> what the shape cannot say, checked once the shape fits.
_DUMP_CHECKS: dict[tuple[str, str], Callable[[Any], str | None]] = {
    ("cloudtrail", "LookupEventsRequest"): _lookup_request,
    ("cloudtrail", "LookupEvents"): _lookup_output,
}


def malformed_dump(data: object, kind: FileKind) -> str | None:
    """ "FIELD: expected X, got Y" for the first problem of a file's content, or None."""
    shapes = [_DUMP_ONLY.get((kind.service, kind.operation))]
    if kind.stored_as is None:  # stored as printed: the model reads it as it is
        shapes.append(SHAPES.get((kind.service, kind.operation)))
    for shape in shapes:
        if shape is None:
            continue
        try:
            msgspec.convert(data, shape)
        except msgspec.ValidationError as exc:
            field, problem = explain(exc)
            return f"{field}: {problem}"
    check = _DUMP_CHECKS.get((kind.service, kind.operation))
    return None if check is None else check(data)
