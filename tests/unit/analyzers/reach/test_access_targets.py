"""Which targets an S3 object pattern may name: a literal bucket is looked up, anything else
scanned, and both answer as matching every bucket one by one would."""

from __future__ import annotations

import pytest

from analyzers.reach.access_targets import Target, TargetIndex, representatives

BUCKETS = ["ledger-exports", "ledger-exports-dev", "kyc-docs", "pay"]


def bucket(name: str) -> Target:
    return Target(f"arn:aws:s3:::{name}", "bucket", name, "123456789012", "eu-west-1", ("bucket", "object"))


@pytest.mark.parametrize(
    "pattern",
    [
        "arn:aws:s3:::ledger-exports/*",
        "arn:aws:s3:::ledger-exports/reports/2026/*",
        "arn:aws:s3:::ledger-exports/exact-key.csv",
        "arn:aws:s3:::ledger-exports",  # the bucket itself: no object
        "arn:aws:s3:::ledger-*/*",
        "arn:aws:s3:::ledger-exports*",  # a trailing wildcard may run into the key
        "arn:aws:s3:::nope/*",
        "arn:aws:s3:::pay/",
        "arn:aws:s3:::*",
        "arn:aws:s3:::?ay/*",
        "arn:aws:*:::kyc-docs/*",
        "ARN:aws:s3:::kyc-docs/*",
        "*",
    ],
)
def test_object_patterns_name_what_a_scan_of_every_bucket_names(pattern: str) -> None:
    targets = [bucket(n) for n in BUCKETS]
    index = TargetIndex(targets)
    scanned = [t.arn for t in targets if representatives("object", t, (pattern,))]
    assert [t.arn for t in index.matching("object", (pattern,))] == (
        [t.arn for t in targets] if pattern == "*" else scanned
    )
    for t in targets:
        assert index.names("object", (pattern,), t.arn) == (pattern == "*" or t.arn in scanned)


def test_a_literal_bucket_pattern_names_only_that_bucket() -> None:
    index = TargetIndex([bucket(n) for n in BUCKETS])
    named = index.matching("object", ("arn:aws:s3:::ledger-exports/reports/*",))
    assert [t.name for t in named] == ["ledger-exports"]
    assert index.matching("object", ("arn:aws:s3:::missing/*",)) == []
