"""Invokers: API routes (integration ARNs, authorizers), rules, schedules, notifications, subscriptions."""

from __future__ import annotations

from typing import Any

import pytest

from estate.model.load import load_estate
from estate.model.triggers import integration_function, parse_invokers, split_function_arn
from estate.snapshot import Manifest, Record, RecordKey, Snapshot, load_snapshot

ACCT, EU = "111122223333", "eu-west-1"
FN = f"arn:aws:lambda:{EU}:{ACCT}:function:api"
URI = f"arn:aws:apigateway:{EU}:lambda:path/2015-03-31/functions"


def _rec(service: str, op: str, params: dict[str, Any], response: Any) -> Record:
    return Record(RecordKey(ACCT, EU, service, op, params), response)


def _snap(*records: Record) -> Snapshot:
    return Snapshot(Manifest(created_at="2026-01-01T00:00:00+00:00", source="test"), list(records))


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (f"arn:aws:apigateway:{EU}:lambda:path/2015-03-31/functions/{FN}/invocations", (FN, None)),
        (f"arn:aws:apigateway:{EU}:lambda:path/2015-03-31/functions/{FN}:live/invocations", (FN, "live")),
        (FN, (FN, None)),
        (f"{FN}:${{stageVariables.alias}}", (None, None)),
        ("https://example.com/backend", (None, None)),
        (None, (None, None)),
    ],
)
def test_integration_function(uri: str | None, expected: tuple[str | None, str | None]) -> None:
    assert integration_function(uri) == expected


def test_split_rejects_non_function_arns() -> None:
    assert split_function_arn(f"arn:aws:sqs:{EU}:{ACCT}:q") == (None, None)


def test_rest_route_with_authorizer_and_private_endpoint() -> None:
    api = {"restApiId": "a1"}
    snap = _snap(
        _rec(
            "apigateway",
            "GetRestApis",
            {},
            {"items": [{"id": "a1", "name": "api", "endpointConfiguration": {"types": ["PRIVATE"]}}]},
        ),
        _rec(
            "apigateway",
            "GetResources",
            api,
            {
                "items": [
                    {"id": "r", "path": "/"},
                    {
                        "id": "r2",
                        "path": "/x",
                        "resourceMethods": {
                            "GET": {
                                "httpMethod": "GET",
                                "authorizationType": "CUSTOM",
                                "authorizerId": "au",
                                "apiKeyRequired": True,
                                "methodIntegration": {"uri": f"{URI}/{FN}:v2/invocations"},
                            }
                        },
                    },
                ]
            },
        ),
        _rec(
            "apigateway",
            "GetAuthorizers",
            api,
            {
                "items": [
                    {
                        "id": "au",
                        "name": "tok",
                        "type": "TOKEN",
                        "authorizerUri": f"{URI}/{FN}-auth/invocations",
                    }
                ]
            },
        ),
        _rec("apigateway", "GetStages", api, {"item": [{"stageName": "prod"}, {"stageName": "dev"}]}),
    )
    (route,) = parse_invokers(snap).api_routes
    assert (route.method, route.path, route.endpoint_type, route.stages) == (
        "GET",
        "/x",
        "PRIVATE",
        ("dev", "prod"),
    )
    assert (route.function_arn, route.function_qualifier) == (FN, "v2")
    assert (route.authorizer_name, route.authorizer_type, route.authorizer_function_arn) == (
        "tok",
        "TOKEN",
        f"{FN}-auth",
    )
    assert route.api_key_required and route.api_arn == f"arn:aws:apigateway:{EU}::/restapis/a1"
    assert route.execute_api_arn == f"arn:aws:execute-api:{EU}:{ACCT}:a1/*/GET/x"


def test_http_default_route_without_auth() -> None:
    snap = _snap(
        _rec(
            "apigatewayv2", "GetApis", {}, {"Items": [{"ApiId": "h1", "Name": "h", "ProtocolType": "HTTP"}]}
        ),
        _rec(
            "apigatewayv2",
            "GetRoutes",
            {"ApiId": "h1"},
            {"Items": [{"RouteKey": "$default", "AuthorizationType": "NONE", "Target": "integrations/i1"}]},
        ),
        _rec(
            "apigatewayv2",
            "GetIntegrations",
            {"ApiId": "h1"},
            {"Items": [{"IntegrationId": "i1", "IntegrationUri": FN}]},
        ),
    )
    (route,) = parse_invokers(snap).api_routes
    assert (route.method, route.path, route.authorization_type, route.function_arn) == (
        "",
        "$default",
        "NONE",
        FN,
    )
    assert route.stages == () and route.authorizer_name is None


def test_rules_schedules_notifications_and_filters() -> None:
    snap = _snap(
        _rec(
            "events",
            "ListRules",
            {"EventBusName": "default"},
            {
                "Rules": [
                    {"Name": "r1", "Arn": "arn:r1", "State": "ENABLED", "ScheduleExpression": "rate(1 day)"},
                    {"Name": "r2", "Arn": "arn:r2", "State": "DISABLED", "EventPattern": "{}"},
                ]
            },
        ),
        _rec(
            "events",
            "ListTargetsByRule",
            {"EventBusName": "default", "Rule": "r1"},
            {"Targets": [{"Id": "1", "Arn": FN}, {"Id": "2", "Arn": f"arn:aws:sqs:{EU}:{ACCT}:q"}]},
        ),
        _rec(
            "scheduler",
            "GetSchedule",
            {"Name": "s", "GroupName": "default"},
            {
                "Arn": "arn:s",
                "Name": "s",
                "State": "ENABLED",
                "ScheduleExpression": "rate(5 minutes)",
                "Target": {"Arn": f"{FN}:prod", "RoleArn": "arn:role"},
            },
        ),
        _rec(
            "logs",
            "DescribeSubscriptionFilters",
            {"logGroupName": "/aws/lambda/x"},
            {
                "subscriptionFilters": [
                    {"filterName": "ship", "logGroupName": "/aws/lambda/x", "destinationArn": FN}
                ]
            },
        ),
        _rec(
            "sns",
            "ListSubscriptions",
            {},
            {
                "Subscriptions": [
                    {"TopicArn": "arn:t", "Protocol": "lambda", "Endpoint": FN, "SubscriptionArn": "arn:t:1"},
                    {
                        "TopicArn": "arn:t",
                        "Protocol": "email",
                        "Endpoint": "a@b.c",
                        "SubscriptionArn": "arn:t:2",
                    },
                ]
            },
        ),
    )
    inv = parse_invokers(snap)
    rules = {r.name: r for r in inv.event_rules}
    assert rules["r1"].function_arns == (FN,) and len(rules["r1"].target_arns) == 2
    assert rules["r2"].targets_state == "unknown" and rules["r2"].pattern == "{}"
    assert inv.schedules[0].function_arn == FN and inv.schedules[0].role_arn == "arn:role"
    assert inv.log_subscriptions[0].function_arn == FN
    assert [s.function_arn for s in inv.sns_subscriptions] == [FN, None]


@pytest.fixture(scope="module")
def demo() -> Any:
    return load_estate(load_snapshot("estate/sources/demo/demo.lsnap"))


def test_demo_api_routes_point_at_the_right_functions(demo: Any) -> None:
    routes = {(r.api_name, r.route_key): r for r in demo.invokers.api_routes}
    status = routes[("payments-api", "GET /payments/{paymentId}")]
    assert status.authorization_type == "NONE" and status.function_arn.endswith(":function:payments-status")
    capture = routes[("payments-api", "POST /payments/{paymentId}/capture")]
    assert capture.authorization_type == "CUSTOM" and capture.authorizer_function_arn.endswith(
        "payments-api-authorizer"
    )
    quote = routes[("partner-http-api", "GET /partner/fx/quote")]
    assert quote.authorization_type == "JWT" and quote.function_arn.endswith(":function:fx-quote")
    assert len(routes) == 11 and all(
        r.function_arn and demo.function(r.function_arn) for r in routes.values()
    )


def test_demo_other_invokers(demo: Any) -> None:
    inv = demo.invokers
    rules = {r.name: r for r in inv.event_rules}
    assert rules["lambda-api-audit"].pattern and rules["lambda-api-audit"].function_arns[0].endswith(
        "audit-log-shipper"
    )
    assert len(rules) == 14
    buckets = {n.bucket_arn: n for n in inv.bucket_notifications}
    assert buckets["arn:aws:s3:::fintech-kyc-documents-eu"].filter_rules == {"prefix": "uploads/"}
    assert {s.function_arn.rsplit(":", 1)[-1] for s in inv.sns_subscriptions if s.function_arn} == {
        "card-lifecycle-events",
        "statements-dispatch",
        "notify-email",
        "notify-sms",
        "notify-push",
    }
