"""Lambda: functions (all pages), their resource policies, URL configs, event source mappings.

Two calls per function (GetPolicy, GetFunctionUrlConfig) beyond the list pages; event source
mappings are listed once per region, not per function.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from estate.sources.live.calls import CallContext


def fetch_functions(ctx: CallContext) -> list[str]:
    arns: list[str] = []
    for page in ctx.paginate("lambda", "ListFunctions", "Marker", "NextMarker"):
        arns.extend(str(f["FunctionArn"]) for f in page.get("Functions", ()))
    ctx.mark_ok("lambda", "ListFunctions", f"{len(arns)} functions")
    return arns


def fetch_function_details(
    ctx: CallContext, arns: list[str], pool: ThreadPoolExecutor, tick: Callable[[int], None]
) -> None:
    def one(arn: str) -> None:
        ctx.call("lambda", "GetPolicy", FunctionName=arn)
        ctx.call("lambda", "GetFunctionUrlConfig", FunctionName=arn)
        tick(1)

    for future in [pool.submit(one, arn) for arn in arns]:
        future.result()


def fetch_event_source_mappings(ctx: CallContext) -> None:
    count = sum(
        len(page.get("EventSourceMappings", ()))
        for page in ctx.paginate("lambda", "ListEventSourceMappings", "Marker", "NextMarker")
    )
    ctx.mark_ok("lambda", "ListEventSourceMappings", f"{count} mappings")


def function_names(ctx: CallContext) -> list[str]:
    """Names of the functions already read in this region (for metrics queries)."""
    names: list[str] = []
    for page in ctx.paginate("lambda", "ListFunctions", "Marker", "NextMarker"):
        names.extend(str(f["FunctionName"]) for f in page.get("Functions", ()))
    return names


def redact_functions(response: Any, redact_env: Callable[[dict[str, str]], dict[str, Any]]) -> Any:
    for fn in response.get("Functions", ()) or ():
        env = fn.get("Environment") or {}
        variables = env.get("Variables")
        if isinstance(variables, dict) and variables:
            env["Variables"] = redact_env(variables)
    return response
