"""`invokes` edges from every trigger kind, with who, how and under which conditions."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import networkx as nx

from analyzers.analysis import Analysis
from estate.graph.builder import build_graph
from estate.graph.trigger_edges import route_source_arns
from estate.model.load import load_estate
from estate.model.triggers import ApiRoute
from estate.snapshot import Record
from tests.builders import ACCOUNT, REGION, fn_arn, function, record, snapshot_of, statement

TODAY = dt.date(2026, 11, 29)
APIGW = {"Service": "apigateway.amazonaws.com"}


def source_arn(pattern: str) -> dict[str, Any]:
    return {"ArnLike": {"AWS:SourceArn": pattern}}


def rest_api(
    fn: str,
    *,
    auth: str = "NONE",
    endpoint: str = "REGIONAL",
    api_key: bool = False,
    path: str = "/orders/{id}",
    method: str = "GET",
    stages: tuple[str, ...] = ("prod",),
    api_id: str = "a1",
) -> list[Record]:
    """A REST API with one method integrated (AWS_PROXY) with `fn`."""
    uri = f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{fn_arn(fn)}/invocations"
    method_raw: dict[str, Any] = {
        "httpMethod": method,
        "authorizationType": auth,
        "apiKeyRequired": api_key,
        "methodIntegration": {"type": "AWS_PROXY", "uri": uri},
    }
    authorizers: list[dict[str, Any]] = []
    if auth in ("CUSTOM", "COGNITO_USER_POOLS"):
        method_raw["authorizerId"] = "auth1"
        authorizers.append({"id": "auth1", "name": "tokens", "type": "TOKEN"})
    api = {"id": api_id, "name": "shop", "endpointConfiguration": {"types": [endpoint]}}
    return [
        record("apigateway", "GetRestApis", {"items": [api]}),
        record(
            "apigateway",
            "GetResources",
            {"items": [{"id": "r1", "path": path, "resourceMethods": {method: method_raw}}]},
            restApiId=api_id,
        ),
        record("apigateway", "GetStages", {"item": [{"stageName": s} for s in stages]}, restApiId=api_id),
        record("apigateway", "GetAuthorizers", {"items": authorizers}, restApiId=api_id),
    ]


def http_api(fn: str, *, auth: str = "NONE", route_key: str = "GET /quotes") -> list[Record]:
    route: dict[str, Any] = {"RouteKey": route_key, "Target": "integrations/i1", "AuthorizationType": auth}
    records = [
        record(
            "apigatewayv2", "GetApis", {"Items": [{"ApiId": "h1", "Name": "partner", "ProtocolType": "HTTP"}]}
        ),
        record("apigatewayv2", "GetRoutes", {"Items": [route]}, ApiId="h1"),
        record(
            "apigatewayv2",
            "GetIntegrations",
            {"Items": [{"IntegrationId": "i1", "IntegrationUri": fn_arn(fn)}]},
            ApiId="h1",
        ),
        record("apigatewayv2", "GetStages", {"Items": [{"StageName": "$default"}]}, ApiId="h1"),
    ]
    if auth == "JWT":
        route["AuthorizerId"] = "jwt1"
        records.append(
            record(
                "apigatewayv2",
                "GetAuthorizer",
                {"Name": "partner-jwt", "AuthorizerType": "JWT"},
                ApiId="h1",
                AuthorizerId="jwt1",
            )
        )
    return records


def graph_of(
    fns: list[str],
    policies: dict[str, list[dict[str, Any]]] | None = None,
    extra: list[Record] | None = None,
) -> nx.MultiDiGraph:
    snap = snapshot_of([function(n) for n in fns], policies=policies, extra=extra)
    return build_graph(load_estate(snap))


def invokes(graph: nx.MultiDiGraph, target: str) -> dict[str, dict[str, Any]]:
    return {src: d for src, _dst, d in graph.in_edges(target, data=True) if d["kind"] == "invokes"}


def test_rest_route_unauthenticated_is_internet_route_function() -> None:
    policy = [
        statement(APIGW, condition=source_arn(f"arn:aws:execute-api:{REGION}:{ACCOUNT}:a1/*/GET/orders/*"))
    ]
    graph = graph_of(["orders"], {"orders": policy}, rest_api("orders"))
    route = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:a1/*/GET/orders/{{id}}"
    edge = invokes(graph, fn_arn("orders"))[route]
    assert edge["via"] == "api-gateway" and edge["conditional"] is False
    ev = edge["evidence"]
    assert (ev["api"], ev["route"], ev["stages"], ev["authorization_type"]) == (
        "shop",
        "GET /orders/{id}",
        ["prod"],
        "NONE",
    )
    assert ev["permission"]["outcome"] == "allowed"
    assert graph.nodes[route]["subkind"] == "api route"
    assert invokes(graph, route)["internet"]["public"] is True


def test_authorised_routes_come_from_authenticated_callers_not_internet() -> None:
    policy = [statement(APIGW)]
    for auth, node in (
        ("AWS_IAM", "authenticated:aws_iam:a1"),
        ("CUSTOM", "authenticated:custom:a1/auth1"),
        ("COGNITO_USER_POOLS", "authenticated:cognito_user_pools:a1/auth1"),
    ):
        graph = graph_of(["orders"], {"orders": policy}, rest_api("orders", auth=auth))
        route = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:a1/*/GET/orders/{{id}}"
        callers = invokes(graph, route)
        assert set(callers) == {node}, auth
        assert callers[node]["public"] is False and callers[node]["authenticated"] is True
    keyed = graph_of(["orders"], {"orders": policy}, rest_api("orders", api_key=True))
    assert set(invokes(keyed, f"arn:aws:execute-api:{REGION}:{ACCOUNT}:a1/*/GET/orders/{{id}}")) == {
        "authenticated:api_key:a1"
    }
    jwt = graph_of(["quotes"], {"quotes": policy}, http_api("quotes", auth="JWT"))
    route = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:h1/*/GET/quotes"
    assert set(invokes(jwt, route)) == {"authenticated:jwt:h1/jwt1"}
    assert invokes(jwt, fn_arn("quotes"))[route]["evidence"]["authorizer"] == "partner-jwt"


def test_private_api_has_no_internet_edge() -> None:
    graph = graph_of(["orders"], {"orders": [statement(APIGW)]}, rest_api("orders", endpoint="PRIVATE"))
    route = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:a1/*/GET/orders/{{id}}"
    assert invokes(graph, route) == {}
    assert fn_arn("orders") in dict(graph[route])


def test_route_without_apigateway_permission_is_conditional() -> None:
    other_api = [statement(APIGW, condition=source_arn(f"arn:aws:execute-api:{REGION}:{ACCOUNT}:zz/*/GET/*"))]
    graph = graph_of(["orders"], {"orders": other_api}, rest_api("orders"))
    edge = invokes(graph, fn_arn("orders"))[f"arn:aws:execute-api:{REGION}:{ACCOUNT}:a1/*/GET/orders/{{id}}"]
    assert edge["conditional"] is True and edge["evidence"]["permission"]["outcome"] == "not granted"
    no_policy = graph_of(["orders"], None, rest_api("orders"))
    (edge,) = [d for d in invokes(no_policy, fn_arn("orders")).values() if d["via"] == "api-gateway"]
    assert edge["conditional"] is True


def test_http_route_and_source_arns() -> None:
    graph = graph_of(["quotes"], {"quotes": [statement(APIGW)]}, http_api("quotes"))
    route = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:h1/*/GET/quotes"
    assert invokes(graph, fn_arn("quotes"))[route]["conditional"] is False
    assert invokes(graph, route)["internet"]["public"] is True
    any_route = ApiRoute(
        "a1", "shop", "rest", "x", ACCOUNT, REGION, "REGIONAL", ("prod",), "ANY", "/p/{x+}", "NONE"
    )
    arns = route_source_arns(any_route)
    assert f"arn:aws:execute-api:{REGION}:{ACCOUNT}:a1/prod/GET/p/x" in arns and len(arns) == 7


def trigger_records() -> list[Record]:
    rule = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/nightly"
    return [
        record("events", "ListRules", {"Rules": [{"Name": "nightly", "Arn": rule, "State": "ENABLED"}]}),
        record(
            "events",
            "ListTargetsByRule",
            {"Targets": [{"Id": "t", "Arn": fn_arn("batch")}]},
            EventBusName="default",
            Rule="nightly",
        ),
        record(
            "scheduler",
            "GetSchedule",
            {
                "Arn": f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/hourly",
                "Name": "hourly",
                "GroupName": "default",
                "State": "ENABLED",
                "ScheduleExpression": "rate(1 hour)",
                "Target": {"Arn": fn_arn("batch"), "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/sched"},
            },
        ),
        record(
            "sns",
            "ListSubscriptions",
            {
                "Subscriptions": [
                    {
                        "TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:events",
                        "Protocol": "lambda",
                        "Endpoint": fn_arn("fanout"),
                    }
                ]
            },
        ),
        record(
            "s3",
            "GetBucketNotificationConfiguration",
            {
                "LambdaFunctionConfigurations": [
                    {"Id": "n", "LambdaFunctionArn": fn_arn("ingest"), "Events": ["s3:ObjectCreated:*"]}
                ]
            },
            region="global",
            Bucket="uploads",
        ),
        record(
            "logs",
            "DescribeSubscriptionFilters",
            {
                "subscriptionFilters": [
                    {"logGroupName": "/app", "filterName": "ship", "destinationArn": fn_arn("shipper")}
                ]
            },
            logGroupName="/app",
        ),
        record(
            "lambda",
            "ListEventSourceMappings",
            {
                "EventSourceMappings": [
                    {
                        "UUID": "u1",
                        "EventSourceArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs",
                        "FunctionArn": fn_arn("worker"),
                        "State": "Enabled",
                    }
                ]
            },
        ),
    ]


def test_every_trigger_kind_becomes_an_invoker_node_with_its_subkind() -> None:
    rule = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/nightly"
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:events"
    policies = {
        "batch": [statement({"Service": "events.amazonaws.com"}, condition=source_arn(rule))],
        "fanout": [statement({"Service": "sns.amazonaws.com"}, condition=source_arn(topic))],
        "ingest": [
            statement(
                {"Service": "s3.amazonaws.com"},
                condition={
                    **source_arn("arn:aws:s3:::uploads"),
                    "StringEquals": {"AWS:SourceAccount": ACCOUNT},
                },
            )
        ],
        "shipper": [statement({"Service": "logs.amazonaws.com"})],
    }
    graph = graph_of(["batch", "fanout", "ingest", "shipper", "worker"], policies, trigger_records())
    expected = {
        ("batch", rule): ("event rule", "eventbridge"),
        ("batch", f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/hourly"): ("schedule", "scheduler"),
        ("fanout", topic): ("topic", "sns"),
        ("ingest", "arn:aws:s3:::uploads"): ("bucket notification", "s3"),
        ("shipper", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app"): ("log subscription", "logs"),
        ("worker", f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs"): ("queue", "event-source-mapping"),
    }
    for (fn, node), (subkind, via) in expected.items():
        edge = invokes(graph, fn_arn(fn))[node]
        assert graph.nodes[node]["subkind"] == subkind
        assert edge["via"] == via and edge["conditional"] is False and edge["public"] is False, node
        assert graph.nodes[node]["kind"] == "invoker"
    assert invokes(graph, fn_arn("batch"))[rule]["evidence"]["permission"]["outcome"] == "allowed"
    assert not [d for _s, _t, d in graph.out_edges("internet", data=True) if d["kind"] == "invokes"]


def test_trigger_without_permission_or_disabled_is_conditional() -> None:
    graph = graph_of(["batch", "fanout", "ingest", "shipper", "worker"], None, trigger_records())
    rule = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/nightly"
    edge = invokes(graph, fn_arn("batch"))[rule]
    assert edge["conditional"] is True and edge["evidence"]["permission"]["outcome"] == "not granted"
    # Scheduler invokes with its execution role: no resource-policy check applies
    sched = invokes(graph, fn_arn("batch"))[f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/hourly"]
    assert sched["conditional"] is False and sched["evidence"]["role"].endswith(":role/sched")


def alias_records(fn: str, stmts: list[dict[str, Any]]) -> list[Record]:
    alias = f"{fn_arn(fn)}:live"
    return [
        record(
            "lambda",
            "ListAliases",
            {"Aliases": [{"Name": "live", "AliasArn": alias, "FunctionVersion": "3"}]},
            FunctionName=fn,
        ),
        record(
            "lambda",
            "GetPolicy",
            {"Policy": json.dumps({"Version": "2012-10-17", "Statement": stmts})},
            FunctionName=alias,
        ),
    ]


def test_alias_policy_grants_reach_the_function_through_the_alias() -> None:
    graph = graph_of(["app"], None, alias_records("app", [statement("*", Sid="alias-public")]))
    alias = f"{fn_arn('app')}:live"
    assert graph.nodes[alias]["kind"] == "alias"
    edge = invokes(graph, fn_arn("app"))[alias]
    assert edge["via"] == "alias" and edge["evidence"]["qualifier"] == "live"
    grant = invokes(graph, alias)["internet"]
    assert grant["public"] is True and grant["evidence"]["qualifier"] == "live"


def test_demo_invoker_kinds_and_public_api_route(demo_analysis: Analysis) -> None:
    from tests.ground_truth.plants import NOT_PUBLIC_TRAPS, PUBLIC_API_ROUTE_FUNCTIONS

    analysis = demo_analysis
    graph = analysis.graph
    subkinds = {
        graph.nodes[s].get("subkind") for s, _t, d in graph.edges(data=True) if d["kind"] == "invokes"
    }
    assert {"api route", "event rule", "topic", "bucket notification", "queue"} <= subkinds
    by_name = {fn.name: fn.arn for fn in analysis.estate.functions}
    for name in PUBLIC_API_ROUTE_FUNCTIONS:
        routes = [s for s, d in invokes(graph, by_name[name]).items() if d["via"] == "api-gateway"]
        assert any(invokes(graph, r).get("internet", {}).get("public") for r in routes)
    for name in NOT_PUBLIC_TRAPS:
        for route in (s for s, d in invokes(graph, by_name[name]).items() if d["via"] == "api-gateway"):
            assert "internet" not in invokes(graph, route), name
