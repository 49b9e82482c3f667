"""Data stores and KMS keys: classification, encryption (key resolution), kind-specific facts."""

from __future__ import annotations

from typing import Any

import pytest

from estate.model.kms_keys import parse_keys
from estate.model.load import load_estate
from estate.model.stores import parse_stores
from estate.snapshot import Manifest, Record, RecordKey, Snapshot, load_snapshot

ACCT, EU = "111122223333", "eu-west-1"
KEY = "1234abcd-0000-0000-0000-000000000001"
AWS_KEY = "1234abcd-0000-0000-0000-00000000aws0"


def _rec(service: str, op: str, params: dict[str, Any], response: Any, region: str = EU) -> Record:
    return Record(RecordKey(ACCT, region, service, op, params), response)


def _snap(*records: Record) -> Snapshot:
    return Snapshot(Manifest(created_at="2026-01-01T00:00:00+00:00", source="test"), list(records))


def _meta(key_id: str, manager: str) -> dict[str, Any]:
    return {
        "KeyMetadata": {
            "KeyId": key_id,
            "Arn": f"arn:aws:kms:{EU}:{ACCT}:key/{key_id}",
            "KeyManager": manager,
            "KeyState": "Enabled",
            "KeySpec": "SYMMETRIC_DEFAULT",
        }
    }


KMS = (
    _rec(
        "kms",
        "ListAliases",
        {},
        {
            "Aliases": [
                {"AliasName": "alias/app", "TargetKeyId": KEY},
                {"AliasName": "alias/aws/sqs", "TargetKeyId": AWS_KEY},
            ]
        },
    ),
    _rec("kms", "DescribeKey", {"KeyId": KEY}, _meta(KEY, "CUSTOMER")),
    _rec("kms", "DescribeKey", {"KeyId": AWS_KEY}, _meta(AWS_KEY, "CUSTOMER")),  # moto's answer
    _rec("kms", "GetKeyRotationStatus", {"KeyId": KEY}, {"KeyRotationEnabled": True}),
    _rec("kms", "GetKeyPolicy", {"KeyId": KEY, "PolicyName": "default"}, {"Policy": "{}"}),
)


def _queue(name: str, attrs: dict[str, str], tags: Any = None) -> list[Record]:
    url = f"https://sqs/{ACCT}/{name}"
    out = [
        _rec(
            "sqs",
            "GetQueueAttributes",
            {"QueueUrl": url, "AttributeNames": ["All"]},
            {"Attributes": {"QueueArn": f"arn:aws:sqs:{EU}:{ACCT}:{name}", **attrs}},
        )
    ]
    if tags is not None:
        out.append(_rec("sqs", "ListQueueTags", {"QueueUrl": url}, tags))
    return out


def test_key_manager_customer_vs_moto_aws_alias_key() -> None:
    keys = parse_keys(_snap(*KMS))
    assert keys.keys[f"arn:aws:kms:{EU}:{ACCT}:key/{KEY}"].manager == "CUSTOMER"
    assert keys.keys[f"arn:aws:kms:{EU}:{ACCT}:key/{AWS_KEY}"].manager == "AWS"
    custom = keys.keys[f"arn:aws:kms:{EU}:{ACCT}:key/{KEY}"]
    assert (
        custom.rotation_enabled is True
        and custom.policy_state == "present"
        and custom.aliases == ("alias/app",)
    )
    assert keys.keys[f"arn:aws:kms:{EU}:{ACCT}:key/{AWS_KEY}"].rotation_enabled is None


@pytest.mark.parametrize(
    ("ref", "state"),
    [
        ("alias/app", "customer"),
        (KEY, "customer"),
        (f"arn:aws:kms:{EU}:{ACCT}:key/{KEY}", "customer"),
        (f"arn:aws:kms:{EU}:{ACCT}:alias/app", "customer"),
        (AWS_KEY, "aws-managed"),
        ("alias/aws/sqs", "aws-managed"),
        ("alias/aws/sns", "aws-managed"),  # an AWS alias never listed is still AWS managed
        ("alias/unknown", "unknown"),
        (f"arn:aws:kms:{EU}:999988887777:key/{KEY}", "customer"),  # another account's key
        (None, "none"),
    ],
)
def test_key_reference_resolution(ref: str | None, state: str) -> None:
    encryption = parse_keys(_snap(*KMS)).encryption(ref, ACCT, EU)
    assert encryption.state == state
    assert encryption.encrypted is (state != "none")


def test_queue_encryption_and_classification() -> None:
    snap = _snap(
        *KMS,
        *_queue(
            "cmk",
            {"KmsMasterKeyId": "alias/app", "SqsManagedSseEnabled": "false"},
            {"Tags": {"DataClassification": " PCI "}},
        ),
        *_queue("managed", {"SqsManagedSseEnabled": "true"}, {"Tags": {}}),
        *_queue("plain", {"SqsManagedSseEnabled": "false", "Policy": '{"Statement": []}'}),
    )
    stores = {s.name: s for s in parse_stores(snap).values()}
    assert (stores["cmk"].encryption.state, stores["cmk"].classification) == ("customer", "pci")
    managed = stores["managed"].queue
    assert (
        stores["managed"].encryption.state == "aws-owned" and managed is not None and managed.sqs_managed_sse
    )
    assert stores["managed"].classification is None and stores["managed"].tags_state == "absent"
    assert stores["plain"].encryption.state == "none" and stores["plain"].tags_state == "unknown"
    assert stores["plain"].policy_state == "present" and stores["cmk"].policy_state == "absent"


def test_classification_tag_key_is_a_parameter() -> None:
    snap = _snap(*_queue("q", {}, {"Tags": {"DataClassification": "pci", "sensitivity": "Secret"}}))
    assert next(iter(parse_stores(snap, tag_key="Sensitivity").values())).classification == "secret"


def test_bucket_facts_and_not_found_answers() -> None:
    bucket = {"Bucket": "b1"}
    snap = _snap(
        _rec("s3", "ListBuckets", {}, {"Buckets": [{"Name": "b1"}, {"Name": "b2"}]}, "global"),
        _rec("s3", "GetBucketLocation", bucket, {"LocationConstraint": None}, "global"),
        _rec(
            "s3",
            "GetBucketEncryption",
            bucket,
            {"Error": {"Code": "ServerSideEncryptionConfigurationNotFoundError"}},
            "global",
        ),
        _rec(
            "s3",
            "GetPublicAccessBlock",
            bucket,
            {
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": False,
                    "RestrictPublicBuckets": True,
                }
            },
            "global",
        ),
        _rec("s3", "GetBucketPolicy", bucket, {"Error": {"Code": "NoSuchBucketPolicy"}}, "global"),
        _rec("s3", "GetBucketTagging", bucket, {"Error": {"Code": "NoSuchTagSet"}}, "global"),
    )
    stores = parse_stores(snap)
    b1, b2 = stores["arn:aws:s3:::b1"], stores["arn:aws:s3:::b2"]
    assert b1.region == "us-east-1" and b1.encryption.state == "none" and b1.policy_state == "absent"
    assert b1.bucket is not None and b1.bucket.public_access_block is not None
    assert not b1.bucket.public_access_block.all_blocked and b1.tags_state == "absent"
    assert b2.encryption.state == "unknown" and b2.policy_state == "unknown"
    assert b2.bucket is not None and b2.bucket.public_access_block_state == "unknown"


def test_table_default_encryption_and_stream() -> None:
    snap = _snap(
        *KMS,
        _rec(
            "dynamodb",
            "DescribeTable",
            {"TableName": "t"},
            {
                "Table": {
                    "TableName": "t",
                    "TableArn": f"arn:aws:dynamodb:{EU}:{ACCT}:table/t",
                    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
                    "LatestStreamArn": f"arn:aws:dynamodb:{EU}:{ACCT}:table/t/stream/x",
                }
            },
        ),
    )
    table = next(iter(parse_stores(snap).values()))
    assert table.encryption.state == "aws-owned" and table.table is not None and table.table.stream_enabled
    assert table.policy_state == "unknown"  # GetResourcePolicy never read


@pytest.fixture(scope="module")
def demo() -> Any:
    return load_estate(load_snapshot("estate/sources/demo/demo.lsnap"))


def _by_name(demo: Any) -> dict[str, Any]:
    return {s.name: s for s in demo.data_stores.values()}


def test_demo_pci_stores_are_classified(demo: Any) -> None:
    stores = _by_name(demo)
    for name in (
        "payments-transactions",
        "card-tokens",
        "fintech-kyc-documents-eu",
        "card-events",
        "payments/provider-api-key",
        "ledger-db",
    ):
        assert stores[name].classification == "pci", name
    assert {s.kind for s in stores.values()} == {
        "table",
        "bucket",
        "secret",
        "parameter",
        "db",
        "queue",
        "topic",
    }


def test_demo_unclassified_stores(demo: Any) -> None:
    stores = _by_name(demo)
    assert (
        stores["idempotency-keys"].classification is None
        and stores["idempotency-keys"].tags_state == "present"
    )
    assert stores["legacy-settlement-jobs"].classification is None


def test_demo_unencrypted_stores(demo: Any) -> None:
    stores = _by_name(demo)
    for name in ("ledger-db", "fintech-raw-uploads-eu", "legacy-settlement-jobs", "statements-ready"):
        assert stores[name].encryption.state == "none", name
    assert stores["card-tokens"].encryption.state == "customer"
    assert stores["ledger/db-credentials"].encryption.state == "aws-managed"
    assert stores["ledger-db"].db.subnet_ids and stores["ledger-db"].db.multi_az
    assert stores["fintech-public-assets-eu"].policy_state == "present"
    assert stores["payments-transactions"].table.stream_enabled


def test_demo_key_rotation(demo: Any) -> None:
    keys = {k.aliases[0]: k for k in demo.kms_keys.values() if k.aliases}
    assert keys["alias/payments-cmk"].rotation_enabled is True
    assert keys["alias/ledger-cmk"].rotation_enabled is False
