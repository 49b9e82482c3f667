"""Creates the invokers that live outside Lambda (API Gateway REST and HTTP APIs, EventBridge
rules, S3 notifications, SNS subscriptions), each with the `lambda add_permission` the console
or IaC would add: the service principal, scoped by SourceArn (and SourceAccount for S3).

Records ``api:<name>`` (the API id) into Refs.
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import arns
from .aws import Aws
from .catalogue import (
    BUCKET_TRIGGERS,
    BUCKETS,
    FUNCTIONS_BY_NAME,
    HTTP_APIS,
    REST_APIS,
    RULES,
    TOPIC_SUBSCRIPTIONS,
    TOPICS,
)
from .constants import DEMO_ACCOUNT
from .deploy_lambda import add_permission
from .refs import Refs
from .specs import HttpApiSpec, RestApiSpec

_APIGW = "apigateway.amazonaws.com"


def _function_arn(name: str) -> str:
    return arns.function(name, FUNCTIONS_BY_NAME[name].region)


def _integration_uri(region: str, function: str) -> str:
    return (
        f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{_function_arn(function)}/invocations"
    )


def execute_api_arn(region: str, api_id: str, method: str, path: str) -> str:
    """`.../<api>/*/<METHOD>/<path>` with path parameters as `*`, as AWS documents it."""
    return f"arn:aws:execute-api:{region}:{DEMO_ACCOUNT}:{api_id}/*/{method}{re.sub(r'{[^}]+}', '*', path)}"


def _resource_ids(client: Any, api_id: str, paths: set[str]) -> dict[str, str]:
    ids = {"/": next(r["id"] for r in client.get_resources(restApiId=api_id)["items"] if r["path"] == "/")}
    for path in sorted(
        {"/".join(p.split("/")[:i]) or "/" for p in paths for i in range(2, p.count("/") + 2)}, key=len
    ):
        parent = path.rsplit("/", 1)[0] or "/"
        ids[path] = client.create_resource(
            restApiId=api_id, parentId=ids[parent], pathPart=path.rsplit("/", 1)[1]
        )["id"]
    return ids


def _rest_api(aws: Aws, refs: Refs, spec: RestApiSpec) -> None:
    client = aws("apigateway", spec.region)
    api_id = client.create_rest_api(
        name=spec.name,
        description=spec.description,
        endpointConfiguration={"types": ["REGIONAL"]},
        tags={"team": "payments"},
    )["id"]
    refs.set("api", spec.name, api_id)
    authorizer_id = client.create_authorizer(
        restApiId=api_id,
        name=f"{spec.name}-token",
        type="TOKEN",
        authorizerUri=_integration_uri(spec.region, spec.authorizer_function),
        identitySource="method.request.header.Authorization",
        authorizerResultTtlInSeconds=300,
    )["id"]
    add_permission(
        aws,
        spec.authorizer_function,
        f"{spec.name}-authorizer",
        _APIGW,
        source_arn=f"arn:aws:execute-api:{spec.region}:{DEMO_ACCOUNT}:{api_id}/authorizers/{authorizer_id}",
    )
    resources = _resource_ids(client, api_id, {r.path for r in spec.routes})
    for route in spec.routes:
        method: dict[str, Any] = {"authorizationType": route.auth}
        if route.auth == "CUSTOM":
            method["authorizerId"] = authorizer_id
        client.put_method(
            restApiId=api_id, resourceId=resources[route.path], httpMethod=route.method, **method
        )
        client.put_integration(
            restApiId=api_id,
            resourceId=resources[route.path],
            httpMethod=route.method,
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=_integration_uri(spec.region, route.function),
        )
        add_permission(
            aws,
            route.function,
            f"{spec.name}-{route.method.lower()}-{re.sub(r'[^a-zA-Z0-9]+', '-', route.path).strip('-')}",
            _APIGW,
            source_arn=execute_api_arn(spec.region, api_id, route.method, route.path),
        )
    client.create_deployment(restApiId=api_id, stageName=spec.stage, description="initial deployment")


def _http_api(aws: Aws, refs: Refs, spec: HttpApiSpec) -> None:
    client = aws("apigatewayv2", spec.region)
    api_id = client.create_api(
        Name=spec.name, ProtocolType="HTTP", Description=spec.description, Tags={"team": "partners"}
    )["ApiId"]
    refs.set("api", spec.name, api_id)
    authorizer_id = client.create_authorizer(
        ApiId=api_id,
        Name=f"{spec.name}-jwt",
        AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": spec.jwt_issuer, "Audience": [spec.jwt_audience]},
    )["AuthorizerId"]
    for route in spec.routes:
        integration_id = client.create_integration(
            ApiId=api_id,
            IntegrationType="AWS_PROXY",
            IntegrationMethod="POST",
            IntegrationUri=_function_arn(route.function),
            PayloadFormatVersion="2.0",
        )["IntegrationId"]
        kwargs: dict[str, Any] = {"AuthorizationType": route.auth}
        if route.auth == "JWT":
            kwargs["AuthorizerId"] = authorizer_id
        client.create_route(
            ApiId=api_id, RouteKey=route.route_key, Target=f"integrations/{integration_id}", **kwargs
        )
        method, path = route.route_key.split(" ", 1)
        add_permission(
            aws,
            route.function,
            f"{spec.name}-{method.lower()}-{re.sub(r'[^a-zA-Z0-9]+', '-', path).strip('-')}",
            route.permission_principal,
            source_arn=execute_api_arn(spec.region, api_id, method, path),
        )
    client.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)


def _rules(aws: Aws) -> None:
    for rule in RULES:
        events = aws("events", rule.region)
        kwargs: dict[str, Any] = (
            {"ScheduleExpression": rule.schedule}
            if rule.schedule
            else {"EventPattern": json.dumps(rule.pattern)}
        )
        rule_arn = events.put_rule(Name=rule.name, Description=rule.description, State="ENABLED", **kwargs)[
            "RuleArn"
        ]
        events.put_targets(
            Rule=rule.name, Targets=[{"Id": rule.function, "Arn": _function_arn(rule.function)}]
        )
        add_permission(aws, rule.function, f"events-{rule.name}", "events.amazonaws.com", source_arn=rule_arn)


def _bucket_notifications(aws: Aws) -> None:
    regions = {b.name: b.region for b in BUCKETS}
    for bucket in sorted({t.bucket for t in BUCKET_TRIGGERS}):
        configurations = []
        for trigger in (t for t in BUCKET_TRIGGERS if t.bucket == bucket):
            add_permission(
                aws,
                trigger.function,
                f"s3-{bucket}",
                "s3.amazonaws.com",
                source_arn=arns.bucket(bucket),
                source_account=DEMO_ACCOUNT if trigger.with_source_account else None,
            )
            configurations.append(
                {
                    "Id": f"{trigger.function}-on-upload",
                    "LambdaFunctionArn": _function_arn(trigger.function),
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": trigger.prefix}]}},
                }
            )
        aws("s3", regions[bucket]).put_bucket_notification_configuration(
            Bucket=bucket, NotificationConfiguration={"LambdaFunctionConfigurations": configurations}
        )


def _subscriptions(aws: Aws, refs: Refs) -> None:
    regions = {t.name: t.region for t in TOPICS}
    for sub in TOPIC_SUBSCRIPTIONS:
        topic_arn = refs.get("topic", sub.topic)
        add_permission(aws, sub.function, f"sns-{sub.topic}", "sns.amazonaws.com", source_arn=topic_arn)
        aws("sns", regions[sub.topic]).subscribe(
            TopicArn=topic_arn, Protocol="lambda", Endpoint=_function_arn(sub.function)
        )


def deploy_invokers(aws: Aws, refs: Refs) -> None:
    for rest in REST_APIS:
        _rest_api(aws, refs, rest)
    for http in HTTP_APIS:
        _http_api(aws, refs, http)
    _rules(aws)
    _bucket_notifications(aws)
    _subscriptions(aws, refs)
