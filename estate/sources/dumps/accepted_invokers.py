"""Accepted dump files for what can invoke a function: API Gateway (REST and HTTP APIs, routes,
authorizers, stages, custom domains), EventBridge buses, rules and targets, and Scheduler.

The reads mirror estate/sources/live/apigateway.py, apigatewayv2.py, events.py and
scheduler.py, request parameters (page sizes included) and all. A read of two ids (an HTTP API's
authorizer, a rule of a bus, a schedule of a group) is one file `<parent>@<child>.json`, like an
alias policy; rules and route authorizers are named by the per-resource files that list them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.sources.dumps.kinds import FileKind, Resource, ResourceType, by, by_name, const


def _items(key: str, name: str) -> Any:
    def extract(response: Mapping[str, Any]) -> list[Resource]:
        return [
            Resource(str(item[name]), str(item[name]), item)
            for item in response.get(key) or ()
            if isinstance(item, Mapping) and isinstance(item.get(name), str) and item[name]
        ]

    return extract


def _route_authorizers(routes_by_api: Mapping[str, Any]) -> list[Resource]:
    """The authorizers the collector reads: each distinct AuthorizerId of an API's routes."""
    out = []
    for api, response in sorted(routes_by_api.items()):
        ids = {
            str(route["AuthorizerId"])
            for route in response.get("Items") or ()
            if isinstance(route, Mapping) and route.get("AuthorizerId")
        }
        out += [Resource(f"{api}@{a}", a, {"ApiId": api, "AuthorizerId": a}) for a in sorted(ids)]
    return out


def _bus_rules(rules_by_bus: Mapping[str, Any]) -> list[Resource]:
    out = []
    for bus, response in sorted(rules_by_bus.items()):
        for rule in response.get("Rules") or ():
            if isinstance(rule, Mapping) and isinstance(rule.get("Name"), str) and rule["Name"]:
                name = rule["Name"]
                out.append(Resource(f"{bus}@{name}", name, {"Rule": name, "EventBusName": bus}))
    return out


def _schedules(response: Mapping[str, Any]) -> list[Resource]:
    out = []
    for item in response.get("Schedules") or ():
        if isinstance(item, Mapping) and isinstance(item.get("Name"), str) and item["Name"]:
            group = str(item.get("GroupName") or "default")
            out.append(
                Resource(f"{group}@{item['Name']}", item["Name"], {"Name": item["Name"], "GroupName": group})
            )
    return out


def _from_extra(*names: str, **more: Any) -> Any:
    """Parameters copied from the resource's two ids (kept in `extra` by the extractors above)."""

    def params(resource: Resource | None) -> dict[str, Any]:
        assert resource is not None
        return {**{n: resource.extra[n] for n in names}, **more}

    return params


REST_API = ResourceType("REST APIs", "apigateway-get-rest-apis", _items("items", "id"))
REST_DOMAIN = ResourceType(
    "REST custom domains", "apigateway-get-domain-names", _items("items", "domainName")
)
HTTP_API = ResourceType("HTTP APIs", "apigatewayv2-get-apis", _items("Items", "ApiId"))
HTTP_DOMAIN = ResourceType(
    "HTTP custom domains", "apigatewayv2-get-domain-names", _items("Items", "DomainName")
)
HTTP_AUTHORIZER = ResourceType(
    "route authorizers", "apigatewayv2-get-routes", _route_authorizers, nested=True
)
BUS = ResourceType("event buses", "events-list-event-buses", _items("EventBuses", "Name"))
RULE = ResourceType("rules", "events-list-rules", _bus_rules, nested=True)
SCHEDULE = ResourceType("schedules", "scheduler-list-schedules", _schedules)

_REST_PAGE = 500  # estate/sources/live/apigateway.py
_HTTP_PAGE = "100"  # estate/sources/live/apigatewayv2.py (a string in that API)

INVOKER_KINDS: tuple[FileKind, ...] = (
    # API Gateway REST APIs (an empty output: there are none).
    FileKind(
        "apigateway-get-rest-apis",
        "apigateway",
        "GetRestApis",
        "region",
        ("items",),
        const(limit=_REST_PAGE),
        empty="{}",
        count_key="items",
    ),
    FileKind(
        "apigateway-get-resources",
        "apigateway",
        "GetResources",
        "region",
        ("items",),
        by("restApiId", embed=["methods"], limit=_REST_PAGE),
        REST_API,
        empty="{}",
    ),
    FileKind(
        "apigateway-get-authorizers",
        "apigateway",
        "GetAuthorizers",
        "region",
        ("items",),
        by("restApiId", limit=_REST_PAGE),
        REST_API,
        empty="{}",
    ),
    FileKind(
        "apigateway-get-stages",
        "apigateway",
        "GetStages",
        "region",
        ("item",),
        by("restApiId"),
        REST_API,
        empty="{}",
    ),
    FileKind(
        "apigateway-get-domain-names",
        "apigateway",
        "GetDomainNames",
        "region",
        ("items",),
        const(limit=_REST_PAGE),
        empty="{}",
        count_key="items",
    ),
    FileKind(
        "apigateway-get-base-path-mappings",
        "apigateway",
        "GetBasePathMappings",
        "region",
        ("items",),
        by("domainName", limit=_REST_PAGE),
        REST_DOMAIN,
        empty="{}",
    ),
    # API Gateway HTTP and WebSocket APIs.
    FileKind(
        "apigatewayv2-get-apis",
        "apigatewayv2",
        "GetApis",
        "region",
        ("Items",),
        const(MaxResults=_HTTP_PAGE),
        empty="{}",
        count_key="Items",
    ),
    *(
        FileKind(
            f"apigatewayv2-get-{noun}",
            "apigatewayv2",
            operation,
            "region",
            ("Items",),
            by("ApiId", MaxResults=_HTTP_PAGE),
            HTTP_API,
            empty="{}",
        )
        for noun, operation in (
            ("routes", "GetRoutes"),
            ("integrations", "GetIntegrations"),
            ("stages", "GetStages"),
        )
    ),
    FileKind(
        "apigatewayv2-get-authorizer",
        "apigatewayv2",
        "GetAuthorizer",
        "region",
        ("AuthorizerId", "Name", "AuthorizerType"),
        _from_extra("ApiId", "AuthorizerId"),
        HTTP_AUTHORIZER,
        empty="NotFoundException",
    ),
    FileKind(
        "apigatewayv2-get-domain-names",
        "apigatewayv2",
        "GetDomainNames",
        "region",
        ("Items",),
        const(MaxResults=_HTTP_PAGE),
        empty="{}",
        count_key="Items",
    ),
    FileKind(
        "apigatewayv2-get-api-mappings",
        "apigatewayv2",
        "GetApiMappings",
        "region",
        ("Items",),
        by("DomainName", MaxResults=_HTTP_PAGE),
        HTTP_DOMAIN,
        empty="{}",
    ),
    # EventBridge.
    FileKind(
        "events-list-event-buses",
        "events",
        "ListEventBuses",
        "region",
        ("EventBuses",),
        const(Limit=100),
        count_key="EventBuses",
    ),
    FileKind(
        "events-describe-event-bus",
        "events",
        "DescribeEventBus",
        "region",
        ("Name", "Arn"),
        by_name("Name"),
        BUS,
    ),
    FileKind(
        "events-list-rules",
        "events",
        "ListRules",
        "region",
        ("Rules",),
        lambda r: {"EventBusName": r.name if r else "", "Limit": 100},
        BUS,
        empty="{}",
    ),
    FileKind(
        "events-list-targets-by-rule",
        "events",
        "ListTargetsByRule",
        "region",
        ("Targets",),
        _from_extra("Rule", "EventBusName", Limit=100),
        RULE,
        empty="{}",
    ),
    # EventBridge Scheduler.
    FileKind(
        "scheduler-list-schedules",
        "scheduler",
        "ListSchedules",
        "region",
        ("Schedules",),
        const(MaxResults=100),
        empty="{}",
        count_key="Schedules",
    ),
    FileKind(
        "scheduler-get-schedule",
        "scheduler",
        "GetSchedule",
        "region",
        ("Arn", "Name", "Target"),
        _from_extra("Name", "GroupName"),
        SCHEDULE,
    ),
)
