"""(service, operation) -> the shape of its response, for every read the model parses."""

from __future__ import annotations

from estate.model.shapes import audit, iam, invokers, lambda_, network, org, stores
from estate.model.shapes.common import Shape

SHAPES: dict[tuple[str, str], type[Shape]] = {
    # Lambda
    ("lambda", "ListFunctions"): lambda_.ListFunctions,
    ("lambda", "GetFunctionUrlConfig"): lambda_.GetFunctionUrlConfig,
    ("lambda", "GetPolicy"): lambda_.GetPolicy,
    ("lambda", "ListTags"): lambda_.ListTags,
    ("lambda", "GetFunctionConcurrency"): lambda_.GetFunctionConcurrency,
    ("lambda", "GetFunctionCodeSigningConfig"): lambda_.GetFunctionCodeSigningConfig,
    ("lambda", "ListAliases"): lambda_.ListAliases,
    ("lambda", "ListVersionsByFunction"): lambda_.ListVersionsByFunction,
    ("lambda", "ListFunctionEventInvokeConfigs"): lambda_.ListFunctionEventInvokeConfigs,
    ("lambda", "ListEventSourceMappings"): lambda_.ListEventSourceMappings,
    ("lambda", "GetAccountSettings"): lambda_.GetAccountSettings,
    # IAM, Organizations
    ("iam", "GetAccountAuthorizationDetails"): iam.GetAccountAuthorizationDetails,
    ("organizations", "DescribeOrganization"): org.DescribeOrganization,
    ("organizations", "ListParents"): org.ListParents,
    ("organizations", "ListPoliciesForTarget"): org.ListPoliciesForTarget,
    ("organizations", "DescribePolicy"): org.DescribePolicy,
    # Audit and monitoring
    ("cloudtrail", "DescribeTrails"): audit.DescribeTrails,
    ("cloudtrail", "GetTrailStatus"): audit.GetTrailStatus,
    ("cloudtrail", "GetEventSelectors"): audit.GetEventSelectors,
    ("cloudtrail", "LookupEvents"): audit.LookupEvents,
    ("cloudwatch", "DescribeAlarms"): audit.DescribeAlarms,
    ("cloudwatch", "GetMetricData"): audit.GetMetricData,
    ("logs", "DescribeLogGroups"): audit.DescribeLogGroups,
    ("logs", "DescribeSubscriptionFilters"): audit.DescribeSubscriptionFilters,
    # KMS and data stores
    ("kms", "ListAliases"): stores.ListAliases,
    ("kms", "DescribeKey"): stores.DescribeKey,
    ("kms", "GetKeyPolicy"): stores.GetKeyPolicy,
    ("kms", "GetKeyRotationStatus"): stores.GetKeyRotationStatus,
    ("dynamodb", "DescribeTable"): stores.DescribeTable,
    ("dynamodb", "DescribeContinuousBackups"): stores.DescribeContinuousBackups,
    ("dynamodb", "GetResourcePolicy"): stores.ResourcePolicy,
    ("dynamodb", "ListTagsOfResource"): stores.ListTagsOfResource,
    ("s3", "ListBuckets"): stores.ListBuckets,
    ("s3", "GetBucketLocation"): stores.GetBucketLocation,
    ("s3", "GetBucketPolicy"): stores.ResourcePolicy,
    ("s3", "GetBucketEncryption"): stores.GetBucketEncryption,
    ("s3", "GetPublicAccessBlock"): stores.GetPublicAccessBlock,
    ("s3", "GetBucketTagging"): stores.GetBucketTagging,
    ("s3", "GetBucketVersioning"): stores.GetBucketVersioning,
    ("s3", "GetBucketNotificationConfiguration"): invokers.GetBucketNotificationConfiguration,
    ("secretsmanager", "ListSecrets"): stores.ListSecrets,
    ("secretsmanager", "GetResourcePolicy"): stores.SecretPolicy,
    ("ssm", "DescribeParameters"): stores.DescribeParameters,
    ("rds", "DescribeDBInstances"): stores.DescribeDBInstances,
    ("rds", "DescribeDBClusters"): stores.DescribeDBClusters,
    ("sqs", "GetQueueAttributes"): stores.GetQueueAttributes,
    ("sqs", "ListQueueTags"): stores.ListQueueTags,
    ("sns", "GetTopicAttributes"): stores.GetTopicAttributes,
    ("sns", "ListTagsForResource"): stores.ListTagsForResource,
    ("sns", "ListSubscriptions"): invokers.ListSubscriptions,
    # Network
    ("ec2", "DescribeVpcs"): network.DescribeVpcs,
    ("ec2", "DescribeSubnets"): network.DescribeSubnets,
    ("ec2", "DescribeRouteTables"): network.DescribeRouteTables,
    ("ec2", "DescribeInternetGateways"): network.DescribeInternetGateways,
    ("ec2", "DescribeNatGateways"): network.DescribeNatGateways,
    ("ec2", "DescribeVpcEndpoints"): network.DescribeVpcEndpoints,
    ("ec2", "DescribeSecurityGroups"): network.DescribeSecurityGroups,
    # Invokers
    ("apigateway", "GetRestApis"): invokers.GetRestApis,
    ("apigateway", "GetResources"): invokers.GetResources,
    ("apigateway", "GetAuthorizers"): invokers.GetAuthorizers,
    ("apigateway", "GetStages"): invokers.GetStages,
    ("apigateway", "GetDomainNames"): invokers.GetDomainNames,
    ("apigateway", "GetBasePathMappings"): invokers.GetBasePathMappings,
    ("apigatewayv2", "GetApis"): invokers.GetApis,
    ("apigatewayv2", "GetRoutes"): invokers.GetRoutes,
    ("apigatewayv2", "GetIntegrations"): invokers.GetIntegrations,
    ("apigatewayv2", "GetStages"): invokers.GetHttpStages,
    ("apigatewayv2", "GetAuthorizer"): invokers.GetAuthorizer,
    ("apigatewayv2", "GetDomainNames"): invokers.GetHttpDomainNames,
    ("apigatewayv2", "GetApiMappings"): invokers.GetApiMappings,
    ("events", "ListRules"): invokers.ListRules,
    ("events", "ListTargetsByRule"): invokers.ListTargetsByRule,
    ("scheduler", "GetSchedule"): invokers.GetSchedule,
}

# Request parameters the model reads back beyond their text (GetMetricData maps results by query Id).
PARAM_SHAPES: dict[tuple[str, str], type[Shape]] = {
    ("cloudwatch", "GetMetricData"): audit.GetMetricDataParams,
}
