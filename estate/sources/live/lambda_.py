"""Lambda functions: the list pages, per-function reads, aliases, versions, event source mappings.

ListFunctions already carries each function's configuration (VPC, environment, KMS key, layers,
tracing, DLQ, architectures, ephemeral storage, SnapStart), so nothing per function repeats it.
Per function, a fixed set of reads (O(1), whatever the estate's size): resource policy, URL
config, tags, reserved concurrency, provisioned concurrency, code signing, asynchronous invocation
configs (on-failure destinations, retries: ListFunctionEventInvokeConfigs, one page for the function
and all its qualifiers; an empty list means none is configured), aliases and versions, plus the
resource policy of each alias (a function's aliases carry their own policies).
`ListTags` is used rather than `GetFunction` because GetFunction also returns a presigned code
URL and needs a permission that allows downloading the code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from estate.sources.live.calls import CallContext

# Per-function reads besides the alias policies, in the order they are made.
PER_FUNCTION = (
    "GetPolicy",
    "GetFunctionUrlConfig",
    "ListTags",
    "GetFunctionConcurrency",
    "ListProvisionedConcurrencyConfigs",
    "GetFunctionCodeSigningConfig",
    "ListFunctionEventInvokeConfigs",
    "ListAliases",
    "ListVersionsByFunction",
)


def fetch_functions(ctx: CallContext) -> list[str]:
    """Read every ListFunctions page; the ARNs of the functions found."""
    return [str(f["FunctionArn"]) for f in function_configs(ctx)]


def function_configs(ctx: CallContext) -> list[Mapping[str, Any]]:
    """Every function's configuration from the ListFunctions pages (answered from the store once read)."""
    configs: list[Mapping[str, Any]] = []
    for page in ctx.paginate("lambda", "ListFunctions", "Marker", "NextMarker"):
        configs.extend(page.get("Functions", ()) or ())
    ctx.mark_ok("lambda", "ListFunctions", f"{len(configs)} functions")
    return configs


def function_names(ctx: CallContext) -> list[str]:
    """Names of the functions already read in this region (for metrics queries)."""
    return [str(f["FunctionName"]) for f in function_configs(ctx)]


def fetch_lambda(ctx: CallContext) -> None:
    """The region's functions with their per-function reads, and its event source mappings."""
    functions = function_configs(ctx)
    ctx.each(functions, lambda fn: fetch_function_details(ctx, fn))
    for operation in PER_FUNCTION:
        ctx.mark_ok("lambda", operation, f"{len(functions)} functions")
    fetch_event_source_mappings(ctx)
    note_foreign_layers(ctx, functions)


def fetch_function_details(ctx: CallContext, fn: Mapping[str, Any]) -> None:
    arn, name = str(fn["FunctionArn"]), str(fn["FunctionName"])
    ctx.call("lambda", "GetPolicy", FunctionName=arn)
    ctx.call("lambda", "GetFunctionUrlConfig", FunctionName=arn)
    ctx.call("lambda", "ListTags", Resource=arn)
    ctx.call("lambda", "GetFunctionConcurrency", FunctionName=arn)
    ctx.call("lambda", "ListProvisionedConcurrencyConfigs", FunctionName=arn)
    ctx.call("lambda", "GetFunctionCodeSigningConfig", FunctionName=arn)
    for _page in ctx.paginate(
        "lambda", "ListFunctionEventInvokeConfigs", "Marker", "NextMarker", FunctionName=arn
    ):
        pass
    # By name: both accept an ARN on AWS, but a local AWS (moto) mis-reads ARNs here.
    aliases = [
        alias
        for page in ctx.paginate("lambda", "ListAliases", "Marker", "NextMarker", FunctionName=name)
        for alias in page.get("Aliases", ()) or ()
    ]
    for _page in ctx.paginate("lambda", "ListVersionsByFunction", "Marker", "NextMarker", FunctionName=name):
        pass
    for alias in aliases:
        # The alias ARN as FunctionName keeps each alias policy's record key distinct.
        ctx.call("lambda", "GetPolicy", FunctionName=str(alias["AliasArn"]))


def fetch_event_source_mappings(ctx: CallContext) -> None:
    count = sum(
        len(page.get("EventSourceMappings", ()))
        for page in ctx.paginate("lambda", "ListEventSourceMappings", "Marker", "NextMarker")
    )
    ctx.mark_ok("lambda", "ListEventSourceMappings", f"{count} mappings")


def note_foreign_layers(ctx: CallContext, functions: list[Mapping[str, Any]]) -> None:
    """Layers owned by other accounts are used but cannot be listed here: say so in the coverage."""
    foreign = sorted(
        {
            str(layer.get("Arn"))
            for fn in functions
            for layer in fn.get("Layers", ()) or ()
            if str(layer.get("Arn", "")).count(":") >= 6
            and str(layer.get("Arn")).split(":")[4] != ctx.account
        }
    )
    if foreign:
        shown = ", ".join(foreign[:20]) + (f" and {len(foreign) - 20} more" if len(foreign) > 20 else "")
        ctx.note_gap(
            "lambda",
            "ListLayerVersions",
            "external",
            f"{len(foreign)} layer versions of other accounts: {shown}",
        )


def redact_functions(response: Any, redact_env: Callable[[dict[str, str]], dict[str, Any]]) -> Any:
    """Redact env var values of ListFunctions ("Functions") and ListVersionsByFunction ("Versions")."""
    for key in ("Functions", "Versions"):
        for fn in response.get(key, ()) or ():
            env = fn.get("Environment") or {}
            variables = env.get("Variables")
            if isinstance(variables, dict) and variables:
                env["Variables"] = redact_env(variables)
    return response
