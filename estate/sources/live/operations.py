"""Every AWS operation the collector may make, and the IAM policy that permits exactly those.

`READ_ONLY_OPERATIONS` is the allow-list `CallContext.call` enforces: (boto3 service name, API
operation) pairs that only read (List/Get/Describe, plus CloudWatch's GetMetricData).
`SESSION_OPERATIONS` are the two STS calls made outside `CallContext` because their answers are
credentials and identities, never evidence to cache. The README's minimal IAM policy is
`minimal_iam_policy()`; a unit test checks every action in it against the IAM catalogue.
"""

from __future__ import annotations

from typing import Any

_READ: dict[str, tuple[str, ...]] = {
    "sts": ("GetCallerIdentity",),
    "lambda": (
        "ListFunctions",
        "GetPolicy",
        "GetFunctionUrlConfig",
        "ListEventSourceMappings",
        "ListTags",
        "GetFunctionConcurrency",
        "ListProvisionedConcurrencyConfigs",
        "GetFunctionCodeSigningConfig",
        "ListFunctionEventInvokeConfigs",
        "ListAliases",
        "ListVersionsByFunction",
        "ListLayers",
        "ListLayerVersions",
        "GetLayerVersionPolicy",
        "GetAccountSettings",
        "ListCodeSigningConfigs",
    ),
    "iam": ("GetAccountAuthorizationDetails",),
    "cloudwatch": ("GetMetricData", "DescribeAlarms"),
    "apigateway": (
        "GetRestApis",
        "GetResources",
        "GetAuthorizers",
        "GetStages",
        "GetDomainNames",
        "GetBasePathMappings",
    ),
    "apigatewayv2": (
        "GetApis",
        "GetRoutes",
        "GetIntegrations",
        "GetAuthorizer",
        "GetStages",
        "GetDomainNames",
        "GetApiMappings",
    ),
    "events": ("ListEventBuses", "DescribeEventBus", "ListRules", "ListTargetsByRule"),
    "scheduler": ("ListSchedules", "GetSchedule"),
    "s3": (
        "ListBuckets",
        "GetBucketLocation",
        "GetBucketNotificationConfiguration",
        "GetBucketPolicy",
        "GetBucketEncryption",
        "GetPublicAccessBlock",
        "GetBucketTagging",
        "GetBucketVersioning",
    ),
    "sns": ("ListTopics", "GetTopicAttributes", "ListSubscriptions", "ListTagsForResource"),
    "sqs": ("ListQueues", "GetQueueAttributes", "ListQueueTags"),
    "logs": ("DescribeLogGroups", "DescribeSubscriptionFilters"),
    "ec2": (
        "DescribeRegions",
        "DescribeVpcs",
        "DescribeSubnets",
        "DescribeRouteTables",
        "DescribeInternetGateways",
        "DescribeNatGateways",
        "DescribeVpcEndpoints",
        "DescribeSecurityGroups",
    ),
    "kms": ("ListKeys", "DescribeKey", "GetKeyRotationStatus", "GetKeyPolicy", "ListAliases"),
    "dynamodb": (
        "ListTables",
        "DescribeTable",
        "DescribeContinuousBackups",
        "ListTagsOfResource",
        "GetResourcePolicy",
    ),
    "secretsmanager": ("ListSecrets", "GetResourcePolicy"),
    "ssm": ("DescribeParameters",),
    "rds": ("DescribeDBInstances", "DescribeDBClusters"),
    "cloudtrail": ("DescribeTrails", "GetEventSelectors", "GetTrailStatus", "LookupEvents"),
    "organizations": (
        "DescribeOrganization",
        "ListAccounts",
        "ListPolicies",
        "DescribePolicy",
        "ListParents",
        "ListPoliciesForTarget",
    ),
}

READ_ONLY_OPERATIONS: frozenset[tuple[str, str]] = frozenset(
    (service, operation) for service, operations in _READ.items() for operation in operations
)

# Made directly (never cached): an identity and temporary credentials are not evidence.
SESSION_OPERATIONS: frozenset[tuple[str, str]] = frozenset(
    {("sts", "GetCallerIdentity"), ("sts", "AssumeRole")}
)

# Where the IAM action is not "<service prefix>:<operation>".
_IAM_PREFIX = {"apigatewayv2": "apigateway"}
_IAM_ACTION = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetBucketNotificationConfiguration"): "s3:GetBucketNotification",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
}


def iam_action(service: str, operation: str) -> str:
    """The IAM action that authorises one API operation (API Gateway authorises by HTTP verb)."""
    if service in {"apigateway", "apigatewayv2"}:
        return "apigateway:GET"
    return _IAM_ACTION.get((service, operation), f"{_IAM_PREFIX.get(service, service)}:{operation}")


# API Gateway authorises reads by HTTP verb and path: grant GET on what the collector reads only
# (REST APIs, HTTP APIs, custom domains), not on e.g. /apikeys, which would expose API key values.
API_GATEWAY_READ_PATHS = ("/restapis", "/restapis/*", "/apis", "/apis/*", "/domainnames", "/domainnames/*")


def minimal_iam_policy() -> dict[str, Any]:
    """The identity policy a collecting principal needs: exactly the actions the collector uses.

    sts:GetCallerIdentity needs no permission and is left out; sts:AssumeRole is needed only for
    `--assume-role` (the target roles need this policy, the caller needs AssumeRole on them).
    """
    actions = {iam_action(s, o) for s, o in READ_ONLY_OPERATIONS | SESSION_OPERATIONS}
    actions -= {"sts:GetCallerIdentity", "apigateway:GET"}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "LambdascopeReadOnly",
                "Effect": "Allow",
                "Action": sorted(actions, key=str.lower),
                "Resource": "*",
            },
            {
                "Sid": "LambdascopeApiGatewayRead",
                "Effect": "Allow",
                "Action": ["apigateway:GET"],
                "Resource": [f"arn:aws:apigateway:*::{path}" for path in API_GATEWAY_READ_PATHS],
            },
        ],
    }
