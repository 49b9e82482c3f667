"""SSM Parameter Store, per region: parameter metadata (type, KMS key, tier), never values."""

from __future__ import annotations

from estate.sources.live.calls import CallContext


def fetch_parameters(ctx: CallContext) -> None:
    ctx.items("ssm", "DescribeParameters", "NextToken", "NextToken", "Parameters", MaxResults=50)
