"""Who triggers functions, besides event source mappings (estate/model/functions.py) and URLs: API Gateway
REST and HTTP routes, custom domains, EventBridge rules, Scheduler schedules, S3 notifications,
SNS subscriptions and CloudWatch Logs subscription filters.

Integration targets are reduced to the function ARN (qualifier kept apart), so analyzers can join
them with `Estate.function`. A target written with a stage variable stays unresolved (None).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from estate.model.raw import error_code, index_responses
from estate.snapshot import Snapshot

_INVOCATIONS = "/invocations"
_FUNCTIONS = ":lambda:path/2015-03-31/functions/"


@dataclass(frozen=True, slots=True)
class ApiRoute:
    api_id: str
    api_name: str
    api_kind: str  # rest | http | websocket
    api_arn: str  # arn:aws:apigateway:<region>::/restapis/<id> or /apis/<id>: the node id
    account: str
    region: str
    endpoint_type: str  # REGIONAL | EDGE | PRIVATE
    stages: tuple[str, ...]
    method: str  # HTTP method, "ANY", or "" for a $default / WebSocket route
    path: str  # resource path or route path ("$default" for the default route)
    authorization_type: str  # NONE | AWS_IAM | COGNITO_USER_POOLS | CUSTOM | JWT
    authorizer_id: str | None = None
    authorizer_name: str | None = None
    authorizer_type: str | None = None  # TOKEN | REQUEST | COGNITO_USER_POOLS | JWT
    authorizer_function_arn: str | None = None
    api_key_required: bool = False
    function_arn: str | None = None  # the integration's function, unqualified
    function_qualifier: str | None = None
    integration_uri: str | None = None

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}".strip()

    @property
    def execute_api_arn(self) -> str:
        """The SourceArn API Gateway presents when invoking (stage left as a wildcard)."""
        method = self.method if self.method and self.method != "ANY" else "*"
        path = self.path if self.path.startswith("/") else f"/{self.path}"
        return f"arn:aws:execute-api:{self.region}:{self.account}:{self.api_id}/*/{method}{path}"


@dataclass(frozen=True, slots=True)
class ApiDomain:
    name: str
    region: str
    account: str
    security_policy: str | None  # TLS_1_0 | TLS_1_2 | ...
    endpoint_type: str | None
    api_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventRule:
    arn: str
    name: str
    bus: str
    state: str
    schedule: str | None = None
    pattern: str | None = None
    target_arns: tuple[str, ...] = ()
    function_arns: tuple[str, ...] = ()
    targets_state: str = "unknown"


@dataclass(frozen=True, slots=True)
class Schedule:
    arn: str
    name: str
    group: str
    state: str
    expression: str | None
    target_arn: str | None
    function_arn: str | None
    role_arn: str | None = None


@dataclass(frozen=True, slots=True)
class BucketNotification:
    bucket_arn: str
    function_arn: str
    events: tuple[str, ...]
    filter_rules: Mapping[str, str] = field(default_factory=dict)  # prefix / suffix -> value
    id: str | None = None
    account: str = ""


@dataclass(frozen=True, slots=True)
class SnsSubscription:
    topic_arn: str
    protocol: str
    endpoint: str
    subscription_arn: str | None = None

    @property
    def function_arn(self) -> str | None:
        return split_function_arn(self.endpoint)[0] if self.protocol == "lambda" else None


@dataclass(frozen=True, slots=True)
class LogSubscriptionFilter:
    log_group: str
    filter_name: str
    destination_arn: str
    account: str
    region: str
    filter_pattern: str = ""

    @property
    def function_arn(self) -> str | None:
        return split_function_arn(self.destination_arn)[0]


@dataclass(frozen=True, slots=True)
class Invokers:
    api_routes: tuple[ApiRoute, ...] = ()
    api_domains: tuple[ApiDomain, ...] = ()
    event_rules: tuple[EventRule, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    bucket_notifications: tuple[BucketNotification, ...] = ()
    sns_subscriptions: tuple[SnsSubscription, ...] = ()
    log_subscriptions: tuple[LogSubscriptionFilter, ...] = ()


def split_function_arn(arn: str | None) -> tuple[str | None, str | None]:
    """(unqualified function ARN, qualifier) for a Lambda function ARN, else (None, None)."""
    parts = (arn or "").split(":")
    if len(parts) < 7 or parts[2] != "lambda" or parts[5] != "function" or "${" in (arn or ""):
        return None, None
    return ":".join(parts[:7]), (parts[7] if len(parts) > 7 and parts[7] else None)


def integration_function(uri: str | None) -> tuple[str | None, str | None]:
    """The function an API integration URI invokes: the apigateway form or a bare function ARN."""
    if not uri:
        return None, None
    if _FUNCTIONS in uri:
        inner = uri.split(_FUNCTIONS, 1)[1]
        if inner.endswith(_INVOCATIONS):
            inner = inner[: -len(_INVOCATIONS)]
        uri = inner
    if "${" in uri:
        return None, None  # a stage variable: resolved per stage at request time
    return split_function_arn(uri)


def _pages(index: Mapping[Any, list[Any]], key: Any, item_key: str) -> list[Any]:
    return [i for page in index.get(key, ()) if not error_code(page) for i in page.get(item_key) or ()]


def _rest_routes(snapshot: Snapshot) -> list[ApiRoute]:
    resources = index_responses(snapshot.responses("apigateway", "GetResources"), "restApiId")
    authorizers = index_responses(snapshot.responses("apigateway", "GetAuthorizers"), "restApiId")
    stages = index_responses(snapshot.responses("apigateway", "GetStages"), "restApiId")
    out = []
    for record in snapshot.responses("apigateway", "GetRestApis"):
        account, region = record.key.account, record.key.region
        for api in record.response.get("items") or ():
            api_id = str(api["id"])
            key = (account, region, (api_id,))
            auths = {str(a["id"]): a for a in _pages(authorizers, key, "items")}
            stage_names = tuple(sorted(str(s["stageName"]) for s in _pages(stages, key, "item")))
            types = (api.get("endpointConfiguration") or {}).get("types") or ["EDGE"]
            for resource in _pages(resources, key, "items"):
                for verb, method in sorted((resource.get("resourceMethods") or {}).items()):
                    uri = (method.get("methodIntegration") or {}).get("uri")
                    fn, qualifier = integration_function(uri)
                    auth = auths.get(str(method.get("authorizerId") or ""), {})
                    out.append(
                        ApiRoute(
                            api_id=api_id,
                            api_name=str(api.get("name", "")),
                            api_kind="rest",
                            api_arn=f"arn:aws:apigateway:{region}::/restapis/{api_id}",
                            account=account,
                            region=region,
                            endpoint_type=str(types[0]),
                            stages=stage_names,
                            method=str(method.get("httpMethod") or verb),
                            path=str(resource.get("path", "")),
                            authorization_type=str(method.get("authorizationType", "NONE")),
                            authorizer_id=method.get("authorizerId"),
                            authorizer_name=auth.get("name"),
                            authorizer_type=auth.get("type"),
                            authorizer_function_arn=integration_function(auth.get("authorizerUri"))[0],
                            api_key_required=bool(method.get("apiKeyRequired")),
                            function_arn=fn,
                            function_qualifier=qualifier,
                            integration_uri=uri,
                        )
                    )
    return out


def _http_routes(snapshot: Snapshot) -> list[ApiRoute]:
    routes = index_responses(snapshot.responses("apigatewayv2", "GetRoutes"), "ApiId")
    integrations = index_responses(snapshot.responses("apigatewayv2", "GetIntegrations"), "ApiId")
    stages = index_responses(snapshot.responses("apigatewayv2", "GetStages"), "ApiId")
    authorizers = index_responses(
        snapshot.responses("apigatewayv2", "GetAuthorizer"), "ApiId", "AuthorizerId"
    )
    out = []
    for record in snapshot.responses("apigatewayv2", "GetApis"):
        account, region = record.key.account, record.key.region
        for api in record.response.get("Items") or ():
            api_id = str(api["ApiId"])
            key = (account, region, (api_id,))
            targets = {str(i["IntegrationId"]): i for i in _pages(integrations, key, "Items")}
            stage_names = tuple(sorted(str(s["StageName"]) for s in _pages(stages, key, "Items")))
            for route in _pages(routes, key, "Items"):
                route_key = str(route.get("RouteKey", ""))
                method, _, path = route_key.partition(" ")
                if not path:  # "$default" or a WebSocket route key
                    method, path = "", route_key
                target = str(route.get("Target") or "")
                integration = targets.get(
                    target.split("/", 1)[1] if target.startswith("integrations/") else ""
                )
                uri = (integration or {}).get("IntegrationUri")
                fn, qualifier = integration_function(uri)
                auth_id = route.get("AuthorizerId")
                found = authorizers.get((account, region, (api_id, str(auth_id)))) if auth_id else None
                auth = found[0] if found and not error_code(found[0]) else {}
                out.append(
                    ApiRoute(
                        api_id=api_id,
                        api_name=str(api.get("Name", "")),
                        api_kind=str(api.get("ProtocolType", "HTTP")).lower(),
                        api_arn=f"arn:aws:apigateway:{region}::/apis/{api_id}",
                        account=account,
                        region=region,
                        endpoint_type="REGIONAL",
                        stages=stage_names,
                        method=method,
                        path=path,
                        authorization_type=str(route.get("AuthorizationType", "NONE")),
                        authorizer_id=auth_id,
                        authorizer_name=auth.get("Name"),
                        authorizer_type=auth.get("AuthorizerType"),
                        authorizer_function_arn=integration_function(auth.get("AuthorizerUri"))[0],
                        api_key_required=bool(route.get("ApiKeyRequired")),
                        function_arn=fn,
                        function_qualifier=qualifier,
                        integration_uri=uri,
                    )
                )
    return out


def _domains(snapshot: Snapshot) -> list[ApiDomain]:
    rest_maps = index_responses(snapshot.responses("apigateway", "GetBasePathMappings"), "domainName")
    http_maps = index_responses(snapshot.responses("apigatewayv2", "GetApiMappings"), "DomainName")
    out = []
    for record in snapshot.responses("apigateway", "GetDomainNames"):
        account, region = record.key.account, record.key.region
        for raw in record.response.get("items") or ():
            name = str(raw["domainName"])
            maps = _pages(rest_maps, (account, region, (name,)), "items")
            types = (raw.get("endpointConfiguration") or {}).get("types") or [None]
            ids = tuple(sorted({str(m["restApiId"]) for m in maps if m.get("restApiId")}))
            out.append(ApiDomain(name, region, account, raw.get("securityPolicy"), types[0], ids))
    for record in snapshot.responses("apigatewayv2", "GetDomainNames"):
        account, region = record.key.account, record.key.region
        for raw in record.response.get("Items") or ():
            name = str(raw["DomainName"])
            config = (raw.get("DomainNameConfigurations") or [{}])[0]
            maps = _pages(http_maps, (account, region, (name,)), "Items")
            ids = tuple(sorted({str(m["ApiId"]) for m in maps if m.get("ApiId")}))
            if any(d.name == name and d.account == account and d.region == region for d in out):
                continue  # the same custom domain seen through both APIs
            out.append(
                ApiDomain(
                    name, region, account, config.get("SecurityPolicy"), config.get("EndpointType"), ids
                )
            )
    return out


def _rules(snapshot: Snapshot) -> list[EventRule]:
    targets = index_responses(snapshot.responses("events", "ListTargetsByRule"), "EventBusName", "Rule")
    out = []
    for record in snapshot.responses("events", "ListRules"):
        account, region = record.key.account, record.key.region
        for rule in record.response.get("Rules") or ():
            bus = str(rule.get("EventBusName") or record.key.params.get("EventBusName", "default"))
            pages = targets.get((account, region, (bus, str(rule["Name"]))))
            arns = tuple(
                str(t["Arn"]) for t in _pages(targets, (account, region, (bus, str(rule["Name"]))), "Targets")
            )
            functions = tuple(f for f in (split_function_arn(a)[0] for a in arns) if f)
            out.append(
                EventRule(
                    arn=str(rule.get("Arn", "")),
                    name=str(rule["Name"]),
                    bus=bus,
                    state=str(rule.get("State", "")),
                    schedule=rule.get("ScheduleExpression"),
                    pattern=rule.get("EventPattern"),
                    target_arns=arns,
                    function_arns=functions,
                    targets_state="unknown" if not pages else ("present" if arns else "absent"),
                )
            )
    return out


def _schedules(snapshot: Snapshot) -> list[Schedule]:
    out = []
    for record in snapshot.responses("scheduler", "GetSchedule"):
        raw = record.response
        if error_code(raw):
            continue
        target = raw.get("Target") or {}
        out.append(
            Schedule(
                arn=str(raw.get("Arn", "")),
                name=str(raw.get("Name", "")),
                group=str(raw.get("GroupName", "default")),
                state=str(raw.get("State", "")),
                expression=raw.get("ScheduleExpression"),
                target_arn=target.get("Arn"),
                function_arn=split_function_arn(target.get("Arn"))[0],
                role_arn=target.get("RoleArn"),
            )
        )
    return out


def _notifications(snapshot: Snapshot) -> list[BucketNotification]:
    out = []
    for record in snapshot.responses("s3", "GetBucketNotificationConfiguration"):
        if error_code(record.response):
            continue
        bucket = str(record.key.params.get("Bucket", ""))
        for raw in record.response.get("LambdaFunctionConfigurations") or ():
            rules = ((raw.get("Filter") or {}).get("Key") or {}).get("FilterRules") or ()
            out.append(
                BucketNotification(
                    bucket_arn=f"arn:aws:s3:::{bucket}",
                    function_arn=split_function_arn(raw.get("LambdaFunctionArn"))[0]
                    or str(raw.get("LambdaFunctionArn", "")),
                    events=tuple(raw.get("Events") or ()),
                    filter_rules={str(r.get("Name", "")).lower(): str(r.get("Value", "")) for r in rules},
                    id=raw.get("Id"),
                    account=record.key.account,
                )
            )
    return out


def parse_invokers(snapshot: Snapshot) -> Invokers:
    subscriptions = {
        str(raw.get("SubscriptionArn") or (raw.get("TopicArn"), raw.get("Endpoint"))): SnsSubscription(
            str(raw.get("TopicArn", "")),
            str(raw.get("Protocol", "")),
            str(raw.get("Endpoint", "")),
            raw.get("SubscriptionArn"),
        )
        for record in snapshot.responses("sns", "ListSubscriptions")
        for raw in record.response.get("Subscriptions") or ()
    }
    filters = [
        LogSubscriptionFilter(
            log_group=str(raw.get("logGroupName") or record.key.params.get("logGroupName", "")),
            filter_name=str(raw.get("filterName", "")),
            destination_arn=str(raw.get("destinationArn", "")),
            account=record.key.account,
            region=record.key.region,
            filter_pattern=str(raw.get("filterPattern", "") or ""),
        )
        for record in snapshot.responses("logs", "DescribeSubscriptionFilters")
        if not error_code(record.response)
        for raw in record.response.get("subscriptionFilters") or ()
    ]
    return Invokers(
        api_routes=tuple(_rest_routes(snapshot) + _http_routes(snapshot)),
        api_domains=tuple(_domains(snapshot)),
        event_rules=tuple(_rules(snapshot)),
        schedules=tuple(_schedules(snapshot)),
        bucket_notifications=tuple(_notifications(snapshot)),
        sns_subscriptions=tuple(subscriptions[k] for k in sorted(subscriptions)),
        log_subscriptions=tuple(filters),
    )
