"""S3, account-wide (stored under region "global"): the bucket list once, then per bucket its
region, notification configuration (the Lambda triggers), policy, default encryption, public
access block, tags and versioning (recovery from overwrites and deletes).

Per-bucket reads go to the bucket's own regional endpoint. "Not configured" answers (no policy,
no encryption configuration, no public access block, no tags) are stored as not-found records:
they are facts about the bucket. A local AWS (moto) answers them for unconfigured buckets where
AWS now reports its defaults (SSE-S3, all public access blocked); the model decides what they mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.sources.live.calls import CallContext

BUCKET_READS = (
    "GetBucketNotificationConfiguration",
    "GetBucketPolicy",
    "GetBucketEncryption",
    "GetPublicAccessBlock",
    "GetBucketTagging",
    "GetBucketVersioning",
)


def bucket_region(location: Mapping[str, Any] | None, default: str) -> str:
    """GetBucketLocation's answer as a region name (None means us-east-1, "EU" eu-west-1)."""
    if location is None or "Error" in location:
        return default
    constraint = location.get("LocationConstraint")
    if not constraint:
        return "us-east-1"
    return "eu-west-1" if constraint == "EU" else str(constraint)


def fetch_buckets(ctx: CallContext) -> None:
    buckets = ctx.items(
        "s3", "ListBuckets", "ContinuationToken", "ContinuationToken", "Buckets", MaxBuckets=1000
    )
    ctx.each(buckets, lambda bucket: _bucket(ctx, str(bucket["Name"]), bucket.get("BucketRegion")))
    for operation in ("GetBucketLocation", *BUCKET_READS):
        ctx.mark_ok("s3", operation, f"{len(buckets)} buckets")


def _bucket(ctx: CallContext, name: str, listed_region: str | None) -> None:
    location = ctx.call("s3", "GetBucketLocation", Bucket=name)
    regional = ctx.in_region(bucket_region(location, listed_region or "us-east-1"))
    for operation in BUCKET_READS:
        regional.call("s3", operation, Bucket=name)
