"""Secrets Manager, per region: the secrets (ListSecrets already carries the KMS key, rotation
settings and tags, never a value) and each secret's resource policy."""

from __future__ import annotations

from estate.sources.live.calls import CallContext


def fetch_secrets(ctx: CallContext) -> None:
    secrets = ctx.items(
        "secretsmanager", "ListSecrets", "NextToken", "NextToken", "SecretList", MaxResults=100
    )
    ctx.each(
        [str(s["ARN"]) for s in secrets],
        lambda arn: ctx.call("secretsmanager", "GetResourcePolicy", SecretId=arn),
    )
