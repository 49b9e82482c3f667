"""CloudWatch Logs: the functions' log groups (retention, KMS key) and their subscription
filters (one call per log group, so O(1) per function).

Groups are read by prefix `/aws/lambda/` plus, one by one, any custom group a function's
LoggingConfig names outside that prefix."""

from __future__ import annotations

from estate.sources.live.calls import CallContext
from estate.sources.live.lambda_ import function_configs

LAMBDA_PREFIX = "/aws/lambda/"


def fetch_log_groups(ctx: CallContext) -> None:
    groups = ctx.items(
        "logs", "DescribeLogGroups", "nextToken", "nextToken", "logGroups", logGroupNamePrefix=LAMBDA_PREFIX
    )
    names = {str(g["logGroupName"]) for g in groups}
    custom = {
        str((fn.get("LoggingConfig") or {}).get("LogGroup"))
        for fn in function_configs(ctx)
        if (fn.get("LoggingConfig") or {}).get("LogGroup")
    } - names
    for name in sorted(g for g in custom if not g.startswith(LAMBDA_PREFIX)):
        for page in ctx.paginate(
            "logs", "DescribeLogGroups", "nextToken", "nextToken", logGroupNamePrefix=name
        ):
            names.update(
                str(g["logGroupName"]) for g in page.get("logGroups", ()) or () if g["logGroupName"] == name
            )
    ctx.each(sorted(names), lambda name: _filters(ctx, name))
    ctx.mark_ok("logs", "DescribeSubscriptionFilters", f"{len(names)} log groups")


def _filters(ctx: CallContext, name: str) -> None:
    for _page in ctx.paginate(
        "logs", "DescribeSubscriptionFilters", "nextToken", "nextToken", logGroupName=name
    ):
        pass
