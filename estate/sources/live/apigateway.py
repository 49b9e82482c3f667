"""API Gateway REST APIs: the APIs (their `policy` is in GetRestApis), every resource with its
methods embedded (authorizationType, authorizerId, integration URI), authorizers and stages;
custom domain names (securityPolicy = minimum TLS) and their base path mappings.

`embed=methods` makes GetResources carry each method, so no per-method GetMethod calls are made.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.sources.live.calls import CallContext

_PAGE = 500  # the API's maximum page size (its default is 25)


def fetch_rest_apis(ctx: CallContext) -> None:
    apis = ctx.items("apigateway", "GetRestApis", "position", "position", "items", limit=_PAGE)
    ctx.each(apis, lambda api: _api_details(ctx, api))
    domains = ctx.items("apigateway", "GetDomainNames", "position", "position", "items", limit=_PAGE)
    ctx.each(domains, lambda domain: _mappings(ctx, domain))


def _api_details(ctx: CallContext, api: Mapping[str, Any]) -> None:
    api_id = str(api["id"])
    for _page in ctx.paginate(
        "apigateway", "GetResources", "position", "position", restApiId=api_id, embed=["methods"], limit=_PAGE
    ):
        pass
    for _page in ctx.paginate(
        "apigateway", "GetAuthorizers", "position", "position", restApiId=api_id, limit=_PAGE
    ):
        pass
    ctx.call("apigateway", "GetStages", restApiId=api_id)


def _mappings(ctx: CallContext, domain: Mapping[str, Any]) -> None:
    for _page in ctx.paginate(
        "apigateway",
        "GetBasePathMappings",
        "position",
        "position",
        domainName=str(domain["domainName"]),
        limit=_PAGE,
    ):
        pass
