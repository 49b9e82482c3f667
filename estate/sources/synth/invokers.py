"""Who can invoke each function: resource policies, function URLs, API Gateway REST and HTTP
routes, EventBridge rules, S3 notifications, SNS subscriptions and SQS / DynamoDB stream event
source mappings, in the shapes their read calls return.

The mix follows the demo estate: a few percent public URLs and `Principal: *` grants (with and
without a scoping condition), org-scoped and cross-account grants, then mostly service invokers.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from estate.sources.synth.shape import (
    ACCOUNT,
    ORG_ID,
    PARTNER_ACCOUNT,
    REGION,
    TEAMS,
    Chooser,
    Scale,
    function_arn,
    function_name,
)
from estate.sources.synth.sink import GLOBAL, RecordSink
from estate.sources.synth.stores import store_arn, store_kind, store_name, stream_arn

# (upper bound of the roll, invoker kind); the remainder has no invoker (called by SDK only).
MIX = (
    (0.02, "url-none"),
    (0.03, "url-iam"),
    (0.045, "public-star"),
    (0.06, "star-scoped"),
    (0.07, "org"),
    (0.09, "cross-account"),
    (0.29, "rest"),
    (0.39, "http"),
    (0.55, "events"),
    (0.62, "s3"),
    (0.70, "sns"),
    (0.80, "sqs"),
    (0.85, "stream"),
)
REST_BLOCK, HTTP_BLOCK = 200, 300  # functions per REST / HTTP API
_ESM_PREFIX = f"arn:aws:lambda:{REGION}:{ACCOUNT}:event-source-mapping:"
_INTEGRATION_PREFIX = f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"


class Invokers:
    """Per-function invoker choices; the source stores are resolved once (team, kind) lists."""

    def __init__(self, scale: Scale, chooser: Chooser, team_stores: dict[tuple[int, str], list[int]]) -> None:
        self.scale, self.chooser, self.team_stores = scale, chooser, team_stores

    def kind(self, function: int) -> str:
        roll = self.chooser.unit("invoker", function)
        kind = next((k for bound, k in MIX if roll < bound), "none")
        if kind in {"s3", "sns", "sqs", "stream"} and self.source(function, kind) is None:
            return "none"
        return kind

    def source(self, function: int, kind: str) -> int | None:
        """The store that triggers the function (bucket, topic, queue or streamed table)."""
        store_kind = {"s3": "bucket", "sns": "topic", "sqs": "queue", "stream": "table"}[kind]
        team = function % len(TEAMS)
        candidates = self.team_stores.get((team, store_kind), [])
        if kind == "stream":
            candidates = [s for s in candidates[:40] if stream_arn(self.chooser, s)]
        if not candidates:
            return None
        return candidates[self.chooser.pick("source", function, len(candidates))]

    def rest_auth(self, function: int) -> str:
        roll = self.chooser.unit("rest-auth", function)
        return "NONE" if roll < 0.15 else "AWS_IAM" if roll < 0.6 else "CUSTOM"

    def http_auth(self, function: int) -> str:
        roll = self.chooser.unit("http-auth", function)
        return "NONE" if roll < 0.2 else "JWT" if roll < 0.7 else "AWS_IAM"

    def url(self, function: int) -> dict[str, Any] | None:
        kind = self.kind(function)
        if kind not in {"url-none", "url-iam"}:
            return None
        config: dict[str, Any] = {
            "AuthType": "NONE" if kind == "url-none" else "AWS_IAM",
            "CreationTime": "2026-10-01T09:30:00.000+0000",
            "FunctionArn": function_arn(function),
            "FunctionUrl": f"https://{self.chooser.hexid('url', function, 32)}.lambda-url.{REGION}.on.aws/",
            "InvokeMode": "BUFFERED",
            "LastModifiedTime": "2026-10-01T09:30:00.000+0000",
        }
        if kind == "url-none":
            config["Cors"] = {"AllowMethods": ["POST"], "AllowOrigins": ["*"]}
        return config

    def policy(self, function: int) -> dict[str, Any] | None:
        statement = self._statement(function, self.kind(function))
        if statement is None:
            return None
        statement.setdefault("Action", "lambda:InvokeFunction")
        statement.update(Effect="Allow", Resource=function_arn(function))
        document = {"Version": "2012-10-17", "Id": "default", "Statement": [statement]}
        return {"Policy": json.dumps(document), "RevisionId": self.chooser.uuid("policy-rev", function)}

    def _statement(self, function: int, kind: str) -> dict[str, Any] | None:
        name, api_arn = function_name(function), f"arn:aws:execute-api:{REGION}:{ACCOUNT}"
        if kind == "url-none":
            return {
                "Sid": "FunctionURLAllowPublicAccess",
                "Principal": "*",
                "Action": "lambda:InvokeFunctionUrl",
                "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
            }
        simple: dict[str, dict[str, Any]] = {
            "public-star": {"Sid": "website-public-invoke", "Principal": "*"},
            "star-scoped": {
                "Sid": "same-account-services",
                "Principal": "*",
                "Condition": {"StringEquals": {"AWS:SourceAccount": ACCOUNT}},
            },
            "org": {
                "Sid": "org-wide-invoke",
                "Principal": "*",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}},
            },
            "cross-account": {
                "Sid": "partner-account-invoke",
                "Principal": {"AWS": f"arn:aws:iam::{PARTNER_ACCOUNT}:root"},
            },
        }
        if kind in simple:
            return simple[kind]
        sources = {
            "rest": (
                "apigateway",
                f"{api_arn}:{rest_api_id(self.chooser, function // REST_BLOCK)}/*/POST/{name}",
            ),
            "http": (
                "apigateway",
                f"{api_arn}:{http_api_id(self.chooser, function // HTTP_BLOCK)}/*/POST/{name}",
            ),
            "events": ("events", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{name}-schedule"),
        }
        if kind in sources:
            service, arn = sources[kind]
        elif kind in {"s3", "sns"}:
            store = self.source(function, kind)
            service, arn = kind, store_arn(store or 0, self.chooser)
        else:
            return None  # event source mappings need no resource policy
        condition: dict[str, Any] = {"ArnLike": {"AWS:SourceArn": arn}}
        if service == "s3":
            condition["StringEquals"] = {"AWS:SourceAccount": ACCOUNT}
        return {
            "Sid": f"{service}-{name}",
            "Principal": {"Service": f"{service}.amazonaws.com"},
            "Condition": condition,
        }


def rest_api_id(chooser: Chooser, api: int) -> str:
    return chooser.hexid("rest", api, 10)


def http_api_id(chooser: Chooser, api: int) -> str:
    return chooser.hexid("http", api, 8)


def add_invokers(sink: RecordSink, invokers: Invokers) -> None:
    scale, chooser = invokers.scale, invokers.chooser
    by_kind: dict[str, list[int]] = defaultdict(list)
    for function in range(scale.functions):
        by_kind[invokers.kind(function)].append(function)
    _rest(sink, invokers, by_kind["rest"])
    _http(sink, invokers, by_kind["http"])
    _events(sink, by_kind["events"])
    notifications: dict[int, list[int]] = defaultdict(list)
    for function in by_kind["s3"]:
        notifications[invokers.source(function, "s3") or 0].append(function)
    for store in (s for s in range(scale.stores) if store_kind(s) == "bucket"):
        configs = [
            {
                "Events": ["s3:ObjectCreated:*"],
                "Id": f"{function_name(f)}-on-upload",
                "LambdaFunctionArn": function_arn(f),
            }
            for f in notifications.get(store, ())
        ]
        sink.add(
            "s3",
            "GetBucketNotificationConfiguration",
            {"LambdaFunctionConfigurations": configs} if configs else {},
            GLOBAL,
            Bucket=store_name(store),
        )
    subscriptions = [
        {
            "Endpoint": function_arn(f),
            "Owner": ACCOUNT,
            "Protocol": "lambda",
            "SubscriptionArn": store_arn(invokers.source(f, "sns") or 0, chooser)
            + ":"
            + chooser.uuid("sub", f),
            "TopicArn": store_arn(invokers.source(f, "sns") or 0, chooser),
        }
        for f in by_kind["sns"]
    ]
    sink.pages("sns", "ListSubscriptions", subscriptions, "Subscriptions", 100, ("NextToken", "NextToken"))
    mappings = []
    for function in sorted(by_kind["sqs"] + by_kind["stream"]):
        kind = invokers.kind(function)
        store = invokers.source(function, kind) or 0
        mapping: dict[str, Any] = {
            "BatchSize": 10 if kind == "sqs" else 100,
            "EventSourceArn": store_arn(store, chooser) if kind == "sqs" else stream_arn(chooser, store),
            "EventSourceMappingArn": f"{_ESM_PREFIX}{chooser.uuid('esm', function)}",
            "FunctionArn": function_arn(function),
            "LastModified": "2026-10-01T09:30:00+00:00",
            "State": "Enabled",
            "StateTransitionReason": "USER_INITIATED",
            "UUID": chooser.uuid("esm", function),
        }
        if kind == "stream":
            mapping["StartingPosition"] = "LATEST"
        mappings.append(mapping)
    sink.pages(
        "lambda", "ListEventSourceMappings", mappings, "EventSourceMappings", 100, ("Marker", "NextMarker")
    )


def _rest(sink: RecordSink, invokers: Invokers, functions: list[int]) -> None:
    chooser = invokers.chooser
    apis: dict[int, list[int]] = defaultdict(list)
    for function in functions:
        apis[function // REST_BLOCK].append(function)
    listed = [
        {
            "apiKeySource": "HEADER",
            "createdDate": "2026-09-01T08:00:00+00:00",
            "endpointConfiguration": {"types": ["REGIONAL"]},
            "id": rest_api_id(chooser, api),
            "name": f"synth-rest-{api:04d}",
            "rootResourceId": chooser.hexid("root", api, 10),
        }
        for api in sorted(apis)
    ]
    sink.pages("apigateway", "GetRestApis", listed, "items", 500, ("position", "position"), {"limit": 500})
    for api, members in sorted(apis.items()):
        api_id, root = rest_api_id(chooser, api), chooser.hexid("root", api, 10)
        authorizer = chooser.hexid("authorizer", api, 10)
        resources: list[dict[str, Any]] = [{"id": root, "path": "/"}]
        for function in members:
            auth = invokers.rest_auth(function)
            method: dict[str, Any] = {
                "apiKeyRequired": False,
                "authorizationType": auth,
                "httpMethod": "POST",
                "methodIntegration": {
                    "httpMethod": "POST",
                    "type": "AWS_PROXY",
                    "uri": f"{_INTEGRATION_PREFIX}{function_arn(function)}/invocations",
                },
            }
            if auth == "CUSTOM":
                method["authorizerId"] = authorizer
            resources.append(
                {
                    "id": chooser.hexid("res", function, 10),
                    "parentId": root,
                    "path": f"/{function_name(function)}",
                    "pathPart": function_name(function),
                    "resourceMethods": {"POST": method},
                }
            )
        sink.pages(
            "apigateway",
            "GetResources",
            resources,
            "items",
            500,
            ("position", "position"),
            {"restApiId": api_id, "embed": ["methods"], "limit": 500},
        )
        authorizers = [
            {
                "id": authorizer,
                "name": f"synth-rest-{api:04d}-token",
                "type": "TOKEN",
                "identitySource": "method.request.header.Authorization",
                "authorizerResultTtlInSeconds": 300,
            }
        ]
        sink.pages(
            "apigateway",
            "GetAuthorizers",
            authorizers,
            "items",
            500,
            ("position", "position"),
            {"restApiId": api_id, "limit": 500},
        )
        stage = {"deploymentId": chooser.hexid("deploy", api, 10), "stageName": "prod", "methodSettings": {}}
        sink.add("apigateway", "GetStages", {"item": [stage]}, restApiId=api_id)
    sink.pages("apigateway", "GetDomainNames", [], "items", 500, ("position", "position"), {"limit": 500})


def _http(sink: RecordSink, invokers: Invokers, functions: list[int]) -> None:
    chooser = invokers.chooser
    apis: dict[int, list[int]] = defaultdict(list)
    for function in functions:
        apis[function // HTTP_BLOCK].append(function)
    listed = [
        {
            "ApiEndpoint": f"https://{http_api_id(chooser, api)}.execute-api.{REGION}.amazonaws.com",
            "ApiId": http_api_id(chooser, api),
            "CreatedDate": "2026-09-01T08:00:00+00:00",
            "Name": f"synth-http-{api:04d}",
            "ProtocolType": "HTTP",
            "RouteSelectionExpression": "$request.method $request.path",
        }
        for api in sorted(apis)
    ]
    sink.pages(
        "apigatewayv2", "GetApis", listed, "Items", 100, ("NextToken", "NextToken"), {"MaxResults": "100"}
    )
    for api, members in sorted(apis.items()):
        api_id, authorizer = http_api_id(chooser, api), chooser.hexid("jwt", api, 8)
        routes, integrations = [], []
        for function in members:
            auth, integration = invokers.http_auth(function), chooser.hexid("integration", function, 8)
            route: dict[str, Any] = {
                "ApiKeyRequired": False,
                "AuthorizationType": auth,
                "RouteId": chooser.hexid("route", function, 8),
                "RouteKey": f"POST /{function_name(function)}",
                "Target": f"integrations/{integration}",
            }
            if auth == "JWT":
                route["AuthorizerId"] = authorizer
            routes.append(route)
            integrations.append(
                {
                    "IntegrationId": integration,
                    "IntegrationMethod": "POST",
                    "IntegrationType": "AWS_PROXY",
                    "IntegrationUri": function_arn(function),
                    "PayloadFormatVersion": "2.0",
                }
            )
        for operation, items in (("GetRoutes", routes), ("GetIntegrations", integrations)):
            sink.pages(
                "apigatewayv2",
                operation,
                items,
                "Items",
                100,
                ("NextToken", "NextToken"),
                {"ApiId": api_id, "MaxResults": "100"},
            )
        stage = {
            "AutoDeploy": True,
            "StageName": "$default",
            "DefaultRouteSettings": {"DetailedMetricsEnabled": False},
        }
        sink.pages(
            "apigatewayv2",
            "GetStages",
            [stage],
            "Items",
            100,
            ("NextToken", "NextToken"),
            {"ApiId": api_id, "MaxResults": "100"},
        )
        if any(r.get("AuthorizerId") for r in routes):
            sink.add(
                "apigatewayv2",
                "GetAuthorizer",
                {
                    "AuthorizerId": authorizer,
                    "AuthorizerType": "JWT",
                    "IdentitySource": ["$request.header.Authorization"],
                    "JwtConfiguration": {"Audience": ["synth-api"], "Issuer": "https://idp.example/"},
                    "Name": f"synth-http-{api:04d}-jwt",
                },
                ApiId=api_id,
                AuthorizerId=authorizer,
            )
    sink.pages(
        "apigatewayv2", "GetDomainNames", [], "Items", 100, ("NextToken", "NextToken"), {"MaxResults": "100"}
    )


def _events(sink: RecordSink, functions: list[int]) -> None:
    bus = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"
    sink.pages(
        "events",
        "ListEventBuses",
        [{"Arn": bus, "Name": "default"}],
        "EventBuses",
        100,
        ("NextToken", "NextToken"),
        {"Limit": 100},
    )
    sink.add("events", "DescribeEventBus", {"Arn": bus, "Name": "default"}, Name="default")
    rules = [
        {
            "Arn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{function_name(f)}-schedule",
            "EventBusName": "default",
            "Name": f"{function_name(f)}-schedule",
            "ScheduleExpression": f"cron({f % 60} {f % 24} * * ? *)",
            "State": "ENABLED",
        }
        for f in functions
    ]
    sink.pages(
        "events",
        "ListRules",
        rules,
        "Rules",
        100,
        ("NextToken", "NextToken"),
        {"EventBusName": "default", "Limit": 100},
    )
    for function, rule in zip(functions, rules, strict=True):
        targets = [{"Arn": function_arn(function), "Id": function_name(function)}]
        sink.pages(
            "events",
            "ListTargetsByRule",
            targets,
            "Targets",
            100,
            ("NextToken", "NextToken"),
            {"EventBusName": "default", "Limit": 100, "Rule": rule["Name"]},
        )
