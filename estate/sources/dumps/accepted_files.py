"""The table of accepted dump files: each AWS CLI command's output and the collector record it becomes.

Request parameters are the ones the live collector passes (estate/sources/live/*.py, page sizes
included): they are part of the record key the model looks responses up by.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.sources.dumps.accepted_account import ACCOUNT_KINDS
from estate.sources.dumps.accepted_changes import CHANGE_KINDS
from estate.sources.dumps.accepted_invokers import INVOKER_KINDS
from estate.sources.dumps.kinds import (
    BUCKET,
    FUNCTION,
    KEY,
    LOG_GROUP,
    QUEUE,
    SECRET,
    TABLE,
    TOPIC,
    TRAIL,
    FileKind,
    Resource,
    by,
    by_name,
    const,
)

_IAM_FILTERS = ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"]


def _rotatable(_key: Resource, described: Mapping[str, Any]) -> bool:
    """Mirror of estate/sources/live/kms.py: rotation is asked of customer symmetric keys only."""
    meta = described.get("KeyMetadata") or {}
    if not meta:
        return True  # DescribeKey not dumped: the collector might have asked
    return bool(
        meta.get("KeyManager") == "CUSTOMER"
        and meta.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
        and meta.get("KeyState") in {"Enabled", "Disabled"}
        and meta.get("Origin", "AWS_KMS") == "AWS_KMS"
    )


def _arn_name(arn: Any) -> str | None:
    return str(arn).split(":")[6] if isinstance(arn, str) and arn.count(":") >= 6 else None


def _url_subject(response: Mapping[str, Any]) -> str | None:
    return _arn_name(response.get("FunctionArn"))


def _url_list_subject(response: Mapping[str, Any]) -> str | None:
    names = {_arn_name(c.get("FunctionArn")) for c in response.get("FunctionUrlConfigs") or ()}
    return names.pop() if len(names) == 1 else None


def _key_subject(response: Mapping[str, Any]) -> str | None:
    return (response.get("KeyMetadata") or {}).get("KeyId")


def _table_subject(response: Mapping[str, Any]) -> str | None:
    return (response.get("Table") or {}).get("TableName")


def _topic_subject(response: Mapping[str, Any]) -> str | None:
    arn = (response.get("Attributes") or {}).get("TopicArn")
    return str(arn).rsplit(":", 1)[-1] if arn else None


_NOT_FOUND = "ResourceNotFoundException"

KINDS: tuple[FileKind, ...] = (
    # Account-wide ("global").
    FileKind(
        "iam-get-account-authorization-details",
        "iam",
        "GetAccountAuthorizationDetails",
        "global",
        ("RoleDetailList", "UserDetailList", "GroupDetailList", "Policies"),
        const(Filter=_IAM_FILTERS),
        count_key="RoleDetailList",
    ),
    FileKind(
        "s3api-list-buckets",
        "s3",
        "ListBuckets",
        "global",
        ("Buckets",),
        const(MaxBuckets=1000),
        count_key="Buckets",
    ),
    FileKind(
        "s3api-get-bucket-location",
        "s3",
        "GetBucketLocation",
        "global",
        ("LocationConstraint",),
        by("Bucket"),
        BUCKET,
        empty="{}",
    ),
    FileKind(
        "s3api-get-bucket-notification-configuration",
        "s3",
        "GetBucketNotificationConfiguration",
        "global",
        (
            "LambdaFunctionConfigurations",
            "QueueConfigurations",
            "TopicConfigurations",
            "EventBridgeConfiguration",
        ),
        by("Bucket"),
        BUCKET,
        empty="{}",
    ),
    FileKind(
        "s3api-get-bucket-policy",
        "s3",
        "GetBucketPolicy",
        "global",
        ("Policy",),
        by("Bucket"),
        BUCKET,
        empty="NoSuchBucketPolicy",
    ),
    FileKind(
        "s3api-get-bucket-encryption",
        "s3",
        "GetBucketEncryption",
        "global",
        ("ServerSideEncryptionConfiguration",),
        by("Bucket"),
        BUCKET,
        empty="ServerSideEncryptionConfigurationNotFoundError",
    ),
    FileKind(
        "s3api-get-public-access-block",
        "s3",
        "GetPublicAccessBlock",
        "global",
        ("PublicAccessBlockConfiguration",),
        by("Bucket"),
        BUCKET,
        empty="NoSuchPublicAccessBlockConfiguration",
    ),
    FileKind(
        "s3api-get-bucket-tagging",
        "s3",
        "GetBucketTagging",
        "global",
        ("TagSet",),
        by("Bucket"),
        BUCKET,
        empty="NoSuchTagSet",
    ),
    FileKind(  # a bucket whose versioning was never enabled: the CLI prints nothing
        "s3api-get-bucket-versioning",
        "s3",
        "GetBucketVersioning",
        "global",
        ("Status", "MFADelete"),
        by("Bucket"),
        BUCKET,
        empty="{}",
    ),
    # Lambda, per region.
    FileKind(
        "lambda-list-functions",
        "lambda",
        "ListFunctions",
        "region",
        ("Functions",),
        const(),
        count_key="Functions",
    ),
    FileKind(
        "lambda-list-event-source-mappings",
        "lambda",
        "ListEventSourceMappings",
        "region",
        ("EventSourceMappings",),
        const(),
        count_key="EventSourceMappings",
    ),
    FileKind(
        "lambda-get-policy",
        "lambda",
        "GetPolicy",
        "region",
        ("Policy",),
        by("FunctionName"),
        FUNCTION,
        empty=_NOT_FOUND,
    ),
    FileKind(
        "lambda-get-function-url-config",
        "lambda",
        "GetFunctionUrlConfig",
        "region",
        ("FunctionUrl", "AuthType"),
        by("FunctionName"),
        FUNCTION,
        empty=_NOT_FOUND,
        subject=_url_subject,
    ),
    FileKind(
        "lambda-list-function-url-configs",
        "lambda",
        "ListFunctionUrlConfigs",
        "region",
        ("FunctionUrlConfigs",),
        by("FunctionName"),
        FUNCTION,
        subject=_url_list_subject,
        stored_as="GetFunctionUrlConfig",
    ),
    FileKind(
        "lambda-list-tags", "lambda", "ListTags", "region", ("Tags",), by("Resource"), FUNCTION, empty="{}"
    ),
    FileKind(
        "lambda-get-function-concurrency",
        "lambda",
        "GetFunctionConcurrency",
        "region",
        ("ReservedConcurrentExecutions",),
        by("FunctionName"),
        FUNCTION,
        empty="{}",
    ),
    FileKind(
        "lambda-list-provisioned-concurrency-configs",
        "lambda",
        "ListProvisionedConcurrencyConfigs",
        "region",
        ("ProvisionedConcurrencyConfigs",),
        by("FunctionName"),
        FUNCTION,
        empty="{}",
    ),
    FileKind(
        "lambda-get-function-code-signing-config",
        "lambda",
        "GetFunctionCodeSigningConfig",
        "region",
        ("FunctionName", "CodeSigningConfigArn"),
        by("FunctionName"),
        FUNCTION,
    ),
    FileKind(
        "lambda-list-function-event-invoke-configs",
        "lambda",
        "ListFunctionEventInvokeConfigs",
        "region",
        ("FunctionEventInvokeConfigs",),
        by("FunctionName"),
        FUNCTION,
    ),
    FileKind(
        "lambda-list-aliases",
        "lambda",
        "ListAliases",
        "region",
        ("Aliases",),
        by_name("FunctionName"),
        FUNCTION,
    ),
    FileKind(
        "lambda-list-versions-by-function",
        "lambda",
        "ListVersionsByFunction",
        "region",
        ("Versions",),
        by_name("FunctionName"),
        FUNCTION,
    ),
    # Network.
    *(
        FileKind(stem, "ec2", operation, "region", (key,), const(MaxResults=size), count_key=key)
        for stem, operation, key, size in (
            ("ec2-describe-vpcs", "DescribeVpcs", "Vpcs", 1000),
            ("ec2-describe-subnets", "DescribeSubnets", "Subnets", 1000),
            ("ec2-describe-route-tables", "DescribeRouteTables", "RouteTables", 100),
            ("ec2-describe-internet-gateways", "DescribeInternetGateways", "InternetGateways", 1000),
            ("ec2-describe-nat-gateways", "DescribeNatGateways", "NatGateways", 1000),
            ("ec2-describe-vpc-endpoints", "DescribeVpcEndpoints", "VpcEndpoints", 1000),
            ("ec2-describe-security-groups", "DescribeSecurityGroups", "SecurityGroups", 1000),
        )
    ),
    # KMS.
    FileKind("kms-list-keys", "kms", "ListKeys", "region", ("Keys",), const(Limit=1000), count_key="Keys"),
    FileKind(
        "kms-list-aliases",
        "kms",
        "ListAliases",
        "region",
        ("Aliases",),
        const(Limit=100),
        count_key="Aliases",
    ),
    FileKind(
        "kms-describe-key",
        "kms",
        "DescribeKey",
        "region",
        ("KeyMetadata",),
        by("KeyId"),
        KEY,
        subject=_key_subject,
    ),
    FileKind(
        "kms-get-key-policy",
        "kms",
        "GetKeyPolicy",
        "region",
        ("Policy",),
        by("KeyId", PolicyName="default"),
        KEY,
    ),
    FileKind(
        "kms-get-key-rotation-status",
        "kms",
        "GetKeyRotationStatus",
        "region",
        ("KeyRotationEnabled",),
        by("KeyId"),
        KEY,
        wanted=_rotatable,
    ),
    # DynamoDB (tags and policy are keyed by the table ARN, from describe-table).
    FileKind(
        "dynamodb-list-tables",
        "dynamodb",
        "ListTables",
        "region",
        ("TableNames",),
        const(Limit=100),
        count_key="TableNames",
    ),
    FileKind(
        "dynamodb-describe-table",
        "dynamodb",
        "DescribeTable",
        "region",
        ("Table",),
        by_name("TableName"),
        TABLE,
        subject=_table_subject,
    ),
    FileKind(
        "dynamodb-describe-continuous-backups",
        "dynamodb",
        "DescribeContinuousBackups",
        "region",
        ("ContinuousBackupsDescription",),
        by_name("TableName"),
        TABLE,
    ),
    FileKind(
        "dynamodb-list-tags-of-resource",
        "dynamodb",
        "ListTagsOfResource",
        "region",
        ("Tags",),
        by("ResourceArn"),
        TABLE,
        empty="{}",
    ),
    FileKind(
        "dynamodb-get-resource-policy",
        "dynamodb",
        "GetResourcePolicy",
        "region",
        ("Policy",),
        by("ResourceArn"),
        TABLE,
        empty="PolicyNotFoundException",
    ),
    # SQS, SNS, Secrets Manager.
    FileKind(
        "sqs-list-queues",
        "sqs",
        "ListQueues",
        "region",
        ("QueueUrls",),
        const(MaxResults=1000),
        empty="{}",
        count_key="QueueUrls",
    ),
    FileKind(
        "sqs-get-queue-attributes",
        "sqs",
        "GetQueueAttributes",
        "region",
        ("Attributes",),
        by("QueueUrl", AttributeNames=["All"]),
        QUEUE,
    ),
    FileKind(
        "sqs-list-queue-tags", "sqs", "ListQueueTags", "region", ("Tags",), by("QueueUrl"), QUEUE, empty="{}"
    ),
    FileKind("sns-list-topics", "sns", "ListTopics", "region", ("Topics",), const(), count_key="Topics"),
    FileKind(
        "sns-list-subscriptions",
        "sns",
        "ListSubscriptions",
        "region",
        ("Subscriptions",),
        const(),
        count_key="Subscriptions",
    ),
    FileKind(
        "sns-get-topic-attributes",
        "sns",
        "GetTopicAttributes",
        "region",
        ("Attributes",),
        by("TopicArn"),
        TOPIC,
        subject=_topic_subject,
    ),
    FileKind(
        "sns-list-tags-for-resource",
        "sns",
        "ListTagsForResource",
        "region",
        ("Tags",),
        by("ResourceArn"),
        TOPIC,
        empty="{}",
    ),
    FileKind(
        "secretsmanager-list-secrets",
        "secretsmanager",
        "ListSecrets",
        "region",
        ("SecretList",),
        const(MaxResults=100),
        count_key="SecretList",
    ),
    FileKind(
        "secretsmanager-get-resource-policy",
        "secretsmanager",
        "GetResourcePolicy",
        "region",
        ("ARN", "Name", "ResourcePolicy"),
        by("SecretId"),
        SECRET,
    ),
    # Logging, audit, alarms.
    FileKind(
        "logs-describe-log-groups",
        "logs",
        "DescribeLogGroups",
        "region",
        ("logGroups",),
        const(logGroupNamePrefix="/aws/lambda/"),
        count_key="logGroups",
    ),
    FileKind(
        "logs-describe-subscription-filters",
        "logs",
        "DescribeSubscriptionFilters",
        "region",
        ("subscriptionFilters",),
        by("logGroupName"),
        LOG_GROUP,
    ),
    FileKind(
        "cloudtrail-describe-trails",
        "cloudtrail",
        "DescribeTrails",
        "region",
        ("trailList",),
        const(includeShadowTrails=True),
        count_key="trailList",
    ),
    FileKind(
        "cloudtrail-get-event-selectors",
        "cloudtrail",
        "GetEventSelectors",
        "region",
        ("TrailARN", "EventSelectors", "AdvancedEventSelectors"),
        by("TrailName"),
        TRAIL,
    ),
    FileKind(
        "cloudtrail-get-trail-status",
        "cloudtrail",
        "GetTrailStatus",
        "region",
        ("IsLogging",),
        by("Name"),
        TRAIL,
    ),
    FileKind(
        "cloudwatch-describe-alarms",
        "cloudwatch",
        "DescribeAlarms",
        "region",
        ("MetricAlarms", "CompositeAlarms"),
        const(AlarmTypes=["MetricAlarm", "CompositeAlarm"], MaxRecords=100),
        count_key="MetricAlarms",
    ),
)

# Invokers (API Gateway, EventBridge, Scheduler), account-wide reads (Organizations, Lambda
# layers and settings, SSM, RDS, CloudWatch metrics) and CloudTrail's recent Lambda management
# events (LookupEvents) are in their own tables.
KINDS += INVOKER_KINDS + ACCOUNT_KINDS + CHANGE_KINDS

KINDS_BY_STEM: dict[str, FileKind] = {k.stem: k for k in KINDS}

# What the live collector reads that a dump cannot give: always a gap in an import. None left:
# every read has a file kind (tests/unit/estate/test_import_services.py keeps it so).
NOT_IMPORTED: dict[str, tuple[tuple[str, str], ...]] = {"global": (), "region": ()}
