"""Data stores (DynamoDB tables, S3 buckets, secrets, SSM parameters, RDS instances and clusters,
SQS queues, SNS topics) as one record kind, and the KMS keys that encrypt them: the records
stores.py and kms_keys.py parse."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_CLASSIFICATION_TAG = "DataClassification"


@dataclass(frozen=True, slots=True)
class KmsKey:
    arn: str
    id: str
    account: str
    region: str
    manager: str  # AWS | CUSTOMER, corrected for moto (alias/aws/* keys are AWS)
    rotation_enabled: bool | None = None  # None: not asked (AWS keys rotate) or not readable
    state: str | None = None  # Enabled | Disabled | PendingDeletion ...
    policy: str | None = None
    policy_state: str = "unknown"
    aliases: tuple[str, ...] = ()
    description: str = ""
    key_spec: str | None = None


@dataclass(frozen=True, slots=True)
class Encryption:
    state: str  # none | aws-owned | aws-managed | customer | unknown
    key_id: str | None = None  # the reference as configured (id, ARN or alias)
    key_arn: str | None = None  # the resolved key, when found
    encrypted: bool | None = None  # at rest at all (True even when the key is unresolved)


@dataclass(frozen=True, slots=True)
class PublicAccessBlock:
    block_public_acls: bool
    ignore_public_acls: bool
    block_public_policy: bool
    restrict_public_buckets: bool

    @property
    def all_blocked(self) -> bool:
        return all(
            (
                self.block_public_acls,
                self.ignore_public_acls,
                self.block_public_policy,
                self.restrict_public_buckets,
            )
        )


@dataclass(frozen=True, slots=True)
class BucketFacts:
    public_access_block: PublicAccessBlock | None
    public_access_block_state: str  # present | absent (none configured) | unknown
    encryption_configured: bool | None  # False: GetBucketEncryption said none (moto; AWS defaults SSE-S3)
    versioning: str | None = None  # Enabled | Suspended | Off (never enabled); None: not read


@dataclass(frozen=True, slots=True)
class TableFacts:
    stream_enabled: bool
    stream_arn: str | None = None
    stream_view_type: str | None = None
    point_in_time_recovery: bool | None = None  # None: DescribeContinuousBackups not read


@dataclass(frozen=True, slots=True)
class SecretFacts:
    rotation_enabled: bool
    rotation_lambda_arn: str | None = None


@dataclass(frozen=True, slots=True)
class ParameterFacts:
    type: str  # String | StringList | SecureString
    tier: str | None = None


@dataclass(frozen=True, slots=True)
class DbFacts:
    engine: str | None
    storage_encrypted: bool
    publicly_accessible: bool | None
    multi_az: bool | None
    subnet_ids: tuple[str, ...] = ()
    security_group_ids: tuple[str, ...] = ()
    vpc_id: str | None = None
    cluster: bool = False  # a DB cluster (DescribeDBClusters), not an instance
    backup_retention_days: int | None = None  # BackupRetentionPeriod; 0 = automated backups off
    backups_elsewhere: bool = False  # a cluster member or read replica: backups are not its own


@dataclass(frozen=True, slots=True)
class QueueFacts:
    sqs_managed_sse: bool
    kms_master_key_id: str | None = None
    dead_letter_target_arn: str | None = None


@dataclass(frozen=True, slots=True)
class TopicFacts:
    kms_master_key_id: str | None = None


@dataclass(frozen=True, slots=True)
class DataStore:
    arn: str
    kind: str  # table | bucket | secret | parameter | db | queue | topic
    name: str
    account: str
    region: str
    encryption: Encryption
    tags: Mapping[str, str] = field(default_factory=dict)
    tags_state: str = "unknown"
    classification: str | None = None  # the classification tag's value, lower-cased
    resource_policy: str | None = None
    policy_state: str = "unknown"  # present | absent | unknown | n/a (kind has no resource policy)
    bucket: BucketFacts | None = None
    table: TableFacts | None = None
    secret: SecretFacts | None = None
    parameter: ParameterFacts | None = None
    db: DbFacts | None = None
    queue: QueueFacts | None = None
    topic: TopicFacts | None = None
