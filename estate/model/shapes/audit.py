"""CloudTrail, CloudWatch alarms and metrics, CloudWatch Logs (estate/model/audit.py, metrics.py)."""

from __future__ import annotations

from typing import Any

from estate.model.shapes.common import AwareTime, Shape


class TrailPart(Shape):
    TrailARN: str | None = None
    Name: str | None = None
    HomeRegion: str | None = None
    IsMultiRegionTrail: bool | None = None
    IsOrganizationTrail: bool | None = None
    KmsKeyId: str | None = None
    LogFileValidationEnabled: bool | None = None
    S3BucketName: str | None = None


class DescribeTrails(Shape):
    trailList: list[TrailPart] | None = None


class GetTrailStatus(Shape):
    IsLogging: bool | None = None


class DataResourcePart(Shape):
    Type: str | None = None
    Values: list[str] | None = None


class EventSelectorPart(Shape):
    DataResources: list[DataResourcePart] | None = None


class FieldSelectorPart(Shape):
    Field: str | None = None
    Equals: list[str] | None = None
    StartsWith: list[str] | None = None
    NotEquals: list[str] | None = None
    NotStartsWith: list[str] | None = None


class AdvancedSelectorPart(Shape):
    FieldSelectors: list[FieldSelectorPart] | None = None


class GetEventSelectors(Shape):
    EventSelectors: list[EventSelectorPart] | None = None
    AdvancedEventSelectors: list[AdvancedSelectorPart] | None = None


class LookupResourcePart(Shape):
    ResourceType: str | None = None
    ResourceName: str | None = None


class LookupEventPart(Shape):
    EventId: str | None = None
    EventName: str | None = None
    EventTime: str | float | None = None
    Username: str | None = None
    # the event's own JSON, as text (CloudTrail) or already decoded (some dumps)
    CloudTrailEvent: str | dict[str, Any] | None = None
    Resources: list[LookupResourcePart] | None = None


class LookupEvents(Shape):
    Events: list[LookupEventPart] | None = None
    NextToken: str | None = None


class DimensionPart(Shape):
    Name: str | None = None
    Value: str | None = None


class MetricPart(Shape):
    Namespace: str | None = None
    MetricName: str | None = None
    Dimensions: list[DimensionPart] | None = None


class MetricStatPart(Shape):
    Metric: MetricPart | None = None
    Stat: str | None = None


class AlarmQueryPart(Shape):
    MetricStat: MetricStatPart | None = None


class MetricAlarmPart(Shape):
    AlarmName: str | None = None
    AlarmArn: str | None = None
    Namespace: str | None = None
    MetricName: str | None = None
    Dimensions: list[DimensionPart] | None = None
    Metrics: list[AlarmQueryPart] | None = None
    StateValue: str | None = None
    ActionsEnabled: bool | None = None
    AlarmActions: list[str] | None = None


class CompositeAlarmPart(Shape):
    AlarmName: str | None = None
    AlarmArn: str | None = None
    StateValue: str | None = None
    ActionsEnabled: bool | None = None
    AlarmActions: list[str] | None = None


class DescribeAlarms(Shape):
    MetricAlarms: list[MetricAlarmPart] | None = None
    CompositeAlarms: list[CompositeAlarmPart] | None = None


class MetricResultPart(Shape):
    Id: str | None = None
    Timestamps: list[AwareTime] | None = None
    Values: list[float] | None = None


class GetMetricData(Shape):
    MetricDataResults: list[MetricResultPart] | None = None


class MetricResultTextPart(Shape):
    Id: str | None = None
    Timestamps: list[str] | None = None
    Values: list[float] | None = None


class GetMetricDataText(Shape):
    """GetMetricData with its timestamps checked as text only: the batch check's first pass, the
    distinct timestamps (a few thousand among 500,000 at 10,000 functions) then parsed once each."""

    MetricDataResults: list[MetricResultTextPart] | None = None


class MetricQueryPart(Shape):
    Id: str
    MetricStat: MetricStatPart | None = None


class GetMetricDataParams(Shape):
    """The request parameters: a result's Id is mapped back to the function through them."""

    MetricDataQueries: list[MetricQueryPart] | None = None


class LogGroupPart(Shape):
    logGroupName: str
    logGroupArn: str | None = None
    arn: str | None = None
    retentionInDays: int | None = None
    kmsKeyId: str | None = None


class DescribeLogGroups(Shape):
    logGroups: list[LogGroupPart] | None = None


class SubscriptionFilterPart(Shape):
    logGroupName: str | None = None
    filterName: str | None = None
    destinationArn: str | None = None
    filterPattern: str | None = None


class DescribeSubscriptionFilters(Shape):
    subscriptionFilters: list[SubscriptionFilterPart] | None = None
