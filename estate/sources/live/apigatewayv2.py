"""API Gateway v2 (HTTP and WebSocket APIs): APIs, routes (authorizationType, authorizerId,
target), integrations (the Lambda ARN), stages, each authorizer a route uses, and custom
domain names (TLS policy) with their API mappings.

Authorizers are read one by one (GetAuthorizer per distinct authorizer id of the routes):
only authorizers a route uses matter, and a local AWS (moto) lacks the plural GetAuthorizers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.sources.live.calls import CallContext

_PAGE = "100"  # MaxResults is a string in this API


def fetch_http_apis(ctx: CallContext) -> None:
    apis = ctx.items("apigatewayv2", "GetApis", "NextToken", "NextToken", "Items", MaxResults=_PAGE)
    ctx.each(apis, lambda api: _api_details(ctx, api))
    domains = ctx.items("apigatewayv2", "GetDomainNames", "NextToken", "NextToken", "Items", MaxResults=_PAGE)
    ctx.each(domains, lambda domain: _mappings(ctx, domain))


def _pages(ctx: CallContext, operation: str, **params: Any) -> list[Any]:
    return [
        item
        for page in ctx.paginate(
            "apigatewayv2", operation, "NextToken", "NextToken", MaxResults=_PAGE, **params
        )
        for item in page.get("Items", ()) or ()
    ]


def _api_details(ctx: CallContext, api: Mapping[str, Any]) -> None:
    api_id = str(api["ApiId"])
    routes = _pages(ctx, "GetRoutes", ApiId=api_id)
    _pages(ctx, "GetIntegrations", ApiId=api_id)
    _pages(ctx, "GetStages", ApiId=api_id)
    for authorizer in sorted({str(r["AuthorizerId"]) for r in routes if r.get("AuthorizerId")}):
        ctx.call("apigatewayv2", "GetAuthorizer", ApiId=api_id, AuthorizerId=authorizer)


def _mappings(ctx: CallContext, domain: Mapping[str, Any]) -> None:
    _pages(ctx, "GetApiMappings", DomainName=str(domain["DomainName"]))
