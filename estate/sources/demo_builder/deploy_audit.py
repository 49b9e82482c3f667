"""Deploys catalogue_audit.py: the functions' log groups, the alarms, the CloudTrail trail and the
asynchronous-invocation on-failure destinations. Runs after the functions and data stores exist."""

from __future__ import annotations

from typing import Any

from . import arns
from .aws import Aws
from .catalogue import ALARMS, ASYNC_FAILURE_DESTINATIONS, FUNCTIONS_BY_NAME, LOG_GROUPS, TRAILS
from .deploy_data import tag_list, tag_map
from .refs import Refs


def _log_groups(aws: Aws) -> None:
    for spec in LOG_GROUPS:
        logs = aws("logs", spec.region)
        name = f"/aws/lambda/{spec.function}"
        team = FUNCTIONS_BY_NAME[spec.function].team
        logs.create_log_group(logGroupName=name, tags=tag_map(None, team=team))
        if spec.retention_days is not None:
            logs.put_retention_policy(logGroupName=name, retentionInDays=spec.retention_days)


def _alarms(aws: Aws, refs: Refs) -> None:
    for spec in ALARMS:
        aws("cloudwatch", spec.region).put_metric_alarm(
            AlarmName=f"{spec.function}-{spec.metric.lower()}",
            AlarmDescription=f"{spec.function}: AWS/Lambda {spec.metric} >= {spec.threshold:g}",
            Namespace="AWS/Lambda",
            MetricName=spec.metric,
            Dimensions=[{"Name": "FunctionName", "Value": spec.function}],
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=spec.evaluation_periods,
            Threshold=spec.threshold,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            TreatMissingData="notBreaching",
            AlarmActions=[refs.get("topic", spec.topic)],
            Tags=tag_list(tag_map(None, team=FUNCTIONS_BY_NAME[spec.function].team)),
        )


def _trails(aws: Aws) -> None:
    for spec in TRAILS:
        cloudtrail = aws("cloudtrail", spec.region)
        cloudtrail.create_trail(
            Name=spec.name,
            S3BucketName=spec.bucket,
            IsMultiRegionTrail=spec.multi_region,
            IncludeGlobalServiceEvents=True,
            EnableLogFileValidation=True,
            TagsList=tag_list(tag_map(None)),
        )
        selector: dict[str, Any] = {"ReadWriteType": "All", "IncludeManagementEvents": True}
        if spec.lambda_data_values:
            selector["DataResources"] = [
                {"Type": "AWS::Lambda::Function", "Values": list(spec.lambda_data_values)}
            ]
        cloudtrail.put_event_selectors(TrailName=spec.name, EventSelectors=[selector])
        if spec.logging:
            cloudtrail.start_logging(Name=spec.name)


def _destinations(aws: Aws) -> None:
    for spec in ASYNC_FAILURE_DESTINATIONS:
        region = FUNCTIONS_BY_NAME[spec.function].region
        target = arns.queue(spec.target, region) if spec.kind == "queue" else arns.topic(spec.target, region)
        aws("lambda", region).put_function_event_invoke_config(
            FunctionName=spec.function,
            MaximumRetryAttempts=spec.maximum_retry_attempts,
            MaximumEventAgeInSeconds=spec.maximum_event_age_seconds,
            DestinationConfig={"OnFailure": {"Destination": target}},
        )


def deploy_audit(aws: Aws, refs: Refs) -> None:
    _log_groups(aws)
    _alarms(aws, refs)
    _trails(aws)
    _destinations(aws)
