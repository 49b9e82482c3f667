"""Data stores (DynamoDB tables, S3 buckets, secrets, SSM parameters, RDS instances and clusters,
SQS queues, SNS topics) parsed from the snapshot as one record kind (store_records.py), their
encryption resolved against the collected KMS keys (kms_keys.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.model.kms_keys import KeyIndex, parse_keys
from estate.model.raw import error_code, tag_map
from estate.model.store_fields import classify, first_by_param, policy_of, store_account, tags_of
from estate.model.store_records import (
    DEFAULT_CLASSIFICATION_TAG,
    BucketFacts,
    DataStore,
    DbFacts,
    Encryption,
    ParameterFacts,
    PublicAccessBlock,
    QueueFacts,
    SecretFacts,
    TableFacts,
    TopicFacts,
)
from estate.snapshot import Snapshot


def _tables(snapshot: Snapshot, keys: KeyIndex, tag_key: str) -> list[DataStore]:
    tags = first_by_param(snapshot, "dynamodb", "ListTagsOfResource", "ResourceArn")
    policies = first_by_param(snapshot, "dynamodb", "GetResourcePolicy", "ResourceArn")
    backups = first_by_param(snapshot, "dynamodb", "DescribeContinuousBackups", "TableName")
    out = []
    for record in snapshot.responses("dynamodb", "DescribeTable"):
        table = record.response.get("Table") if not error_code(record.response) else None
        if not table or not table.get("TableArn"):
            continue
        account, region, arn = record.key.account, record.key.region, str(table["TableArn"])
        sse = table.get("SSEDescription") or {}
        if sse.get("Status") in ("ENABLED", "ENABLING", "UPDATING") and sse.get("SSEType") == "KMS":
            encryption = keys.encryption(sse.get("KMSMasterKeyArn") or "alias/aws/dynamodb", account, region)
        else:  # no SSEDescription: the AWS owned key (DynamoDB always encrypts)
            encryption = Encryption("aws-owned", encrypted=True)
        found, tags_state = tags_of(tags.get((account, region, arn)), "Tags")
        policy, policy_state = policy_of(policies.get((account, region, arn)))
        spec = table.get("StreamSpecification") or {}
        out.append(
            DataStore(
                arn=arn,
                kind="table",
                name=str(table.get("TableName", "")),
                account=store_account(arn, account),
                region=region,
                encryption=encryption,
                tags=found,
                tags_state=tags_state,
                classification=classify(found, tag_key),
                resource_policy=policy,
                policy_state=policy_state,
                table=TableFacts(
                    bool(spec.get("StreamEnabled")),
                    table.get("LatestStreamArn") if spec.get("StreamEnabled") else None,
                    spec.get("StreamViewType"),
                    point_in_time_recovery(backups.get((account, region, str(table.get("TableName", ""))))),
                ),
            )
        )
    return out


def point_in_time_recovery(response: Any) -> bool | None:
    """DescribeContinuousBackups' PITR status: True/False, None when not read or refused."""
    if response is None or error_code(response):
        return None
    description = response.get("ContinuousBackupsDescription")
    pitr = description.get("PointInTimeRecoveryDescription") if description else None
    status = pitr.get("PointInTimeRecoveryStatus") if pitr else None
    if status is None:
        return None
    return str(status).upper() in ("ENABLED", "ENABLING")


def bucket_versioning(response: Any) -> str | None:
    """GetBucketVersioning's state: Enabled | Suspended | Off (no Status: never enabled), None when
    not read or refused."""
    if response is None or error_code(response):
        return None
    status = response.get("Status")
    return str(status) if status else "Off"


def _bucket_region(location: Any) -> str | None:
    if location is None or error_code(location):
        return None
    constraint = location.get("LocationConstraint")
    return "us-east-1" if not constraint else ("eu-west-1" if constraint == "EU" else str(constraint))


def _bucket_encryption(response: Any, keys: KeyIndex, account: str, region: str) -> Encryption:
    if response is None:
        return Encryption("unknown")
    if error_code(response):
        return Encryption("none", encrypted=False)  # moto: not configured; AWS would report SSE-S3
    rules = (response.get("ServerSideEncryptionConfiguration") or {}).get("Rules") or ()
    default = (rules[0].get("ApplyServerSideEncryptionByDefault") or {}) if rules else {}
    algorithm = str(default.get("SSEAlgorithm", ""))
    if algorithm.startswith("aws:kms"):
        return keys.encryption(default.get("KMSMasterKeyID") or "alias/aws/s3", account, region)
    if algorithm == "AES256":
        return Encryption("aws-owned", encrypted=True)
    return Encryption("unknown")


def _buckets(snapshot: Snapshot, keys: KeyIndex, tag_key: str) -> list[DataStore]:
    reads = {
        op: first_by_param(snapshot, "s3", op, "Bucket")
        for op in (
            "GetBucketLocation",
            "GetBucketPolicy",
            "GetBucketEncryption",
            "GetPublicAccessBlock",
            "GetBucketTagging",
            "GetBucketVersioning",
        )
    }
    out = []
    for record in snapshot.responses("s3", "ListBuckets"):
        account = record.key.account
        for raw in record.response.get("Buckets") or ():
            name = str(raw["Name"])
            key = (account, record.key.region, name)
            region = (
                _bucket_region(reads["GetBucketLocation"].get(key)) or raw.get("BucketRegion") or "unknown"
            )
            found, tags_state = tags_of(reads["GetBucketTagging"].get(key), "TagSet")
            policy, policy_state = policy_of(reads["GetBucketPolicy"].get(key))
            pab_raw = reads["GetPublicAccessBlock"].get(key)
            pab, pab_state = None, "unknown"
            if pab_raw is not None:
                config = None if error_code(pab_raw) else pab_raw.get("PublicAccessBlockConfiguration")
                pab_state = "present" if config else "absent"
                if config:
                    pab = PublicAccessBlock(
                        bool(config.get("BlockPublicAcls")),
                        bool(config.get("IgnorePublicAcls")),
                        bool(config.get("BlockPublicPolicy")),
                        bool(config.get("RestrictPublicBuckets")),
                    )
            enc_raw = reads["GetBucketEncryption"].get(key)
            out.append(
                DataStore(
                    arn=f"arn:aws:s3:::{name}",
                    kind="bucket",
                    name=name,
                    account=account,
                    region=region,
                    encryption=_bucket_encryption(enc_raw, keys, account, region),
                    tags=found,
                    tags_state=tags_state,
                    classification=classify(found, tag_key),
                    resource_policy=policy,
                    policy_state=policy_state,
                    bucket=BucketFacts(
                        pab,
                        pab_state,
                        None if enc_raw is None else not error_code(enc_raw),
                        bucket_versioning(reads["GetBucketVersioning"].get(key)),
                    ),
                )
            )
    return out


def _secrets(snapshot: Snapshot, keys: KeyIndex, tag_key: str) -> list[DataStore]:
    policies = first_by_param(snapshot, "secretsmanager", "GetResourcePolicy", "SecretId")
    out = []
    for record in snapshot.responses("secretsmanager", "ListSecrets"):
        account, region = record.key.account, record.key.region
        for raw in record.response.get("SecretList") or ():
            arn = str(raw["ARN"])
            found = tag_map(raw.get("Tags"))
            policy, policy_state = policy_of(policies.get((account, region, arn)), "ResourcePolicy")
            out.append(
                DataStore(
                    arn=arn,
                    kind="secret",
                    name=str(raw.get("Name", "")),
                    account=store_account(arn, account),
                    region=region,
                    encryption=keys.encryption(
                        raw.get("KmsKeyId") or "alias/aws/secretsmanager", account, region
                    ),
                    tags=found,
                    tags_state="present" if found else "absent",
                    classification=classify(found, tag_key),
                    resource_policy=policy,
                    policy_state=policy_state,
                    secret=SecretFacts(bool(raw.get("RotationEnabled")), raw.get("RotationLambdaARN")),
                )
            )
    return out


def _parameters(snapshot: Snapshot, keys: KeyIndex) -> list[DataStore]:
    out = []
    for record in snapshot.responses("ssm", "DescribeParameters"):
        account, region = record.key.account, record.key.region
        for raw in record.response.get("Parameters") or ():
            name, kind = str(raw["Name"]), str(raw.get("Type", "String"))
            arn = (
                raw.get("ARN")
                or f"arn:aws:ssm:{region}:{account}:parameter{'' if name.startswith('/') else '/'}{name}"
            )
            secure = kind == "SecureString"
            out.append(
                DataStore(
                    arn=str(arn),
                    kind="parameter",
                    name=name,
                    account=account,
                    region=region,
                    # String parameters are stored without KMS encryption
                    encryption=keys.encryption(raw.get("KeyId") or "alias/aws/ssm", account, region)
                    if secure
                    else Encryption("none", encrypted=False),
                    policy_state="n/a",  # tags are not collected for parameters: tags_state stays unknown
                    parameter=ParameterFacts(kind, raw.get("Tier")),
                )
            )
    return out


def _databases(snapshot: Snapshot, keys: KeyIndex, tag_key: str) -> list[DataStore]:
    out = []
    for operation, key, arn_key, name_key in (
        ("DescribeDBInstances", "DBInstances", "DBInstanceArn", "DBInstanceIdentifier"),
        ("DescribeDBClusters", "DBClusters", "DBClusterArn", "DBClusterIdentifier"),
    ):
        for record in snapshot.responses("rds", operation):
            account, region = record.key.account, record.key.region
            for raw in record.response.get(key) or ():
                arn = str(raw[arn_key])
                found = tag_map(raw.get("TagList"))
                encrypted = bool(raw.get("StorageEncrypted"))
                group = raw.get("DBSubnetGroup")
                group = group if isinstance(group, Mapping) else {}
                out.append(
                    DataStore(
                        arn=arn,
                        kind="db",
                        name=str(raw.get(name_key, "")),
                        account=store_account(arn, account),
                        region=region,
                        encryption=keys.encryption(raw.get("KmsKeyId") or "alias/aws/rds", account, region)
                        if encrypted
                        else Encryption("none", encrypted=False),
                        tags=found,
                        tags_state="present" if found else "absent",
                        classification=classify(found, tag_key),
                        policy_state="n/a",
                        db=DbFacts(
                            engine=raw.get("Engine"),
                            storage_encrypted=encrypted,
                            publicly_accessible=raw.get("PubliclyAccessible"),
                            multi_az=raw.get("MultiAZ"),
                            subnet_ids=tuple(
                                str(s["SubnetIdentifier"])
                                for s in group.get("Subnets") or ()
                                if s.get("SubnetIdentifier")
                            ),
                            security_group_ids=tuple(
                                str(g["VpcSecurityGroupId"]) for g in raw.get("VpcSecurityGroups") or ()
                            ),
                            vpc_id=group.get("VpcId"),
                            cluster=operation == "DescribeDBClusters",
                            backup_retention_days=_retention(raw.get("BackupRetentionPeriod")),
                            backups_elsewhere=bool(
                                raw.get("DBClusterIdentifier")
                                or raw.get("ReadReplicaSourceDBInstanceIdentifier")
                            ),
                        ),
                    )
                )
    return out


def _retention(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _queues(snapshot: Snapshot, keys: KeyIndex, tag_key: str) -> list[DataStore]:
    tags = first_by_param(snapshot, "sqs", "ListQueueTags", "QueueUrl")
    out = []
    for record in snapshot.responses("sqs", "GetQueueAttributes"):
        attrs = None if error_code(record.response) else record.response.get("Attributes")
        if not attrs or not attrs.get("QueueArn"):
            continue
        account, region, arn = record.key.account, record.key.region, str(attrs["QueueArn"])
        kms = attrs.get("KmsMasterKeyId") or None
        managed = str(attrs.get("SqsManagedSseEnabled", "false")).lower() == "true"
        if kms:
            encryption = keys.encryption(kms, account, region)
        else:
            encryption = (
                Encryption("aws-owned", encrypted=True) if managed else Encryption("none", encrypted=False)
            )
        found, tags_state = tags_of(
            tags.get((account, region, str(record.key.params.get("QueueUrl")))), "Tags"
        )
        redrive = _json(attrs.get("RedrivePolicy"))
        out.append(
            DataStore(
                arn=arn,
                kind="queue",
                name=arn.rsplit(":", 1)[-1],
                account=store_account(arn, account),
                region=region,
                encryption=encryption,
                tags=found,
                tags_state=tags_state,
                classification=classify(found, tag_key),
                resource_policy=attrs.get("Policy") or None,
                policy_state="present" if attrs.get("Policy") else "absent",
                queue=QueueFacts(managed, kms, redrive.get("deadLetterTargetArn")),
            )
        )
    return out


def _topics(snapshot: Snapshot, keys: KeyIndex, tag_key: str) -> list[DataStore]:
    tags = first_by_param(snapshot, "sns", "ListTagsForResource", "ResourceArn")
    out = []
    for record in snapshot.responses("sns", "GetTopicAttributes"):
        attrs = None if error_code(record.response) else record.response.get("Attributes")
        arn = str(record.key.params.get("TopicArn", ""))
        if attrs is None or not arn:
            continue
        account, region = record.key.account, record.key.region
        kms = attrs.get("KmsMasterKeyId") or None
        found, tags_state = tags_of(tags.get((account, region, arn)), "Tags")
        out.append(
            DataStore(
                arn=arn,
                kind="topic",
                name=arn.rsplit(":", 1)[-1],
                account=store_account(arn, account),
                region=region,
                encryption=keys.encryption(kms, account, region),
                tags=found,
                tags_state=tags_state,
                classification=classify(found, tag_key),
                resource_policy=attrs.get("Policy") or None,
                policy_state="present" if attrs.get("Policy") else "absent",
                topic=TopicFacts(kms),
            )
        )
    return out


def _json(text: Any) -> dict[str, Any]:
    import json

    try:
        value = json.loads(text) if isinstance(text, str) and text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def parse_stores(
    snapshot: Snapshot, keys: KeyIndex | None = None, tag_key: str = DEFAULT_CLASSIFICATION_TAG
) -> dict[str, DataStore]:
    """Every data store by ARN; `tag_key` names the classification tag (configurable)."""
    keys = keys if keys is not None else parse_keys(snapshot)
    stores = [
        *_tables(snapshot, keys, tag_key),
        *_buckets(snapshot, keys, tag_key),
        *_secrets(snapshot, keys, tag_key),
        *_parameters(snapshot, keys),
        *_databases(snapshot, keys, tag_key),
        *_queues(snapshot, keys, tag_key),
        *_topics(snapshot, keys, tag_key),
    ]
    return {s.arn: s for s in sorted(stores, key=lambda s: s.arn)}
