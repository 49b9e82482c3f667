"""DynamoDB, per region: every table's description (SSE and KMS key, streams), point-in-time
recovery status, tags and resource-based policy ("no policy" is stored as a not-found record)."""

from __future__ import annotations

from estate.sources.live.calls import CallContext


def fetch_tables(ctx: CallContext) -> None:
    names = ctx.items(
        "dynamodb", "ListTables", "ExclusiveStartTableName", "LastEvaluatedTableName", "TableNames", Limit=100
    )
    ctx.each([str(n) for n in names], lambda name: _table(ctx, name))


def _table(ctx: CallContext, name: str) -> None:
    described = ctx.call("dynamodb", "DescribeTable", TableName=name)
    ctx.call("dynamodb", "DescribeContinuousBackups", TableName=name)
    arn = ((described or {}).get("Table") or {}).get("TableArn")
    if not arn:
        return
    for _page in ctx.paginate(
        "dynamodb", "ListTagsOfResource", "NextToken", "NextToken", ResourceArn=str(arn)
    ):
        pass
    ctx.call("dynamodb", "GetResourcePolicy", ResourceArn=str(arn))
