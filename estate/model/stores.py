"""Data stores (DynamoDB tables, S3 buckets, secrets, SSM parameters, RDS instances and clusters,
SQS queues, SNS topics) as one record kind, and the KMS keys that encrypt them.

Encryption is decided by resolving each store's key reference (key id, key ARN, alias name or
alias ARN) against the collected keys and aliases: a key that is AWS managed, or whose only aliases
are `alias/aws/*` (moto reports those keys as CUSTOMER), is "aws-managed"; a resolved customer key
is "customer"; a key of another account is "customer" (AWS managed keys never leave their
account); an unresolvable same-account key is "unknown" with `encrypted=True`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from estate.model.raw import arn_account, error_code, tag_map
from estate.snapshot import Snapshot

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


# --- KMS ----------------------------------------------------------------------------------


@dataclass
class KeyIndex:
    """Resolves key references per account and region: key ids, key ARNs, alias names and ARNs."""

    keys: dict[str, KmsKey] = field(default_factory=dict)  # ARN -> key
    by_id: dict[tuple[str, str, str], KmsKey] = field(default_factory=dict)
    alias_target: dict[tuple[str, str, str], str] = field(default_factory=dict)  # alias name -> key id
    aliases_of: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)  # key id -> aliases

    def encryption(self, ref: str | None, account: str, region: str) -> Encryption:
        if not ref:
            return Encryption("none", encrypted=False)
        key_id, where = ref, (account, region)
        if ref.startswith("arn:"):
            parts = ref.split(":")
            where = (parts[4], parts[3]) if len(parts) > 5 else where
            key_id = parts[5] if len(parts) > 5 else ref
        if key_id.startswith("key/"):
            key_id = key_id[4:]
        if key_id.startswith("alias/"):
            if key_id.startswith("alias/aws/"):
                target = self.alias_target.get((*where, key_id))
                return Encryption("aws-managed", ref, self._arn(where, target), True)
            resolved = self.alias_target.get((*where, key_id))
            if resolved is None:
                return Encryption(self._unresolved(where, account), ref, None, True)
            key_id = resolved
        key = self.by_id.get((*where, key_id))
        if key is not None:
            state = "aws-managed" if key.manager == "AWS" else "customer"
            return Encryption(state, ref, key.arn, True)
        names = self.aliases_of.get((*where, key_id))
        if names:
            state = "aws-managed" if all(n.startswith("alias/aws/") for n in names) else "customer"
            return Encryption(state, ref, self._arn(where, key_id), True)
        return Encryption(self._unresolved(where, account), ref, None, True)

    @staticmethod
    def _unresolved(where: tuple[str, str], account: str) -> str:
        return "customer" if where[0] != account else "unknown"

    @staticmethod
    def _arn(where: tuple[str, str], key_id: str | None) -> str | None:
        return f"arn:aws:kms:{where[1]}:{where[0]}:key/{key_id}" if key_id else None


def parse_keys(snapshot: Snapshot) -> KeyIndex:
    index = KeyIndex()
    for record in snapshot.responses("kms", "ListAliases"):
        account, region = record.key.account, record.key.region
        for alias in record.response.get("Aliases") or ():
            name, target = str(alias.get("AliasName", "")), alias.get("TargetKeyId")
            if target:
                index.alias_target[(account, region, name)] = str(target)
                index.aliases_of.setdefault((account, region, str(target)), []).append(name)
    policies = _first(snapshot, "kms", "GetKeyPolicy", "KeyId")
    rotation = _first(snapshot, "kms", "GetKeyRotationStatus", "KeyId")
    for record in snapshot.responses("kms", "DescribeKey"):
        meta = record.response.get("KeyMetadata") if not error_code(record.response) else None
        if not meta:
            continue
        account, region = record.key.account, record.key.region
        key_id = str(meta["KeyId"])
        names = tuple(sorted(index.aliases_of.get((account, region, key_id), ())))
        manager = str(meta.get("KeyManager", "CUSTOMER"))
        if names and all(n.startswith("alias/aws/") for n in names):
            manager = "AWS"  # moto says CUSTOMER for the AWS managed keys
        policy = policies.get((account, region, key_id))
        rotated = rotation.get((account, region, key_id))
        key = KmsKey(
            arn=str(meta.get("Arn") or f"arn:aws:kms:{region}:{account}:key/{key_id}"),
            id=key_id,
            account=account,
            region=region,
            manager=manager,
            rotation_enabled=None
            if rotated is None or error_code(rotated)
            else bool(rotated.get("KeyRotationEnabled")),
            state=meta.get("KeyState"),
            policy=None if policy is None or error_code(policy) else policy.get("Policy"),
            policy_state="unknown" if policy is None else ("absent" if error_code(policy) else "present"),
            aliases=names,
            description=str(meta.get("Description", "") or ""),
            key_spec=meta.get("KeySpec") or meta.get("CustomerMasterKeySpec"),
        )
        index.keys[key.arn] = key
        index.by_id[(account, region, key_id)] = key
    return index


# --- shared -------------------------------------------------------------------------------


def _first(snapshot: Snapshot, service: str, operation: str, param: str) -> dict[tuple[str, str, str], Any]:
    """The first response per (account, region, param value): one pass over the operation."""
    out: dict[tuple[str, str, str], Any] = {}
    for record in snapshot.responses(service, operation):
        out.setdefault(
            (record.key.account, record.key.region, str(record.key.params.get(param, ""))), record.response
        )
    return out


def classify(tags: Mapping[str, str], tag_key: str) -> str | None:
    """The classification tag's value, lower-cased (the key matched exactly, else ignoring case)."""
    value = tags.get(tag_key)
    if value is None:
        lowered = tag_key.lower()
        value = next((v for k, v in tags.items() if k.lower() == lowered), None)
    value = (value or "").strip().lower()
    return value or None


def policy_of(response: Any, key: str = "Policy") -> tuple[str | None, str]:
    if response is None:
        return None, "unknown"
    if error_code(response):
        return None, "absent"
    text = response.get(key)
    return (str(text), "present") if text else (None, "absent")


def tags_of(response: Any, key: str) -> tuple[dict[str, str], str]:
    if response is None:
        return {}, "unknown"
    if error_code(response):
        return {}, "absent"
    found = tag_map(response.get(key))
    return found, "present" if found else "absent"


def store_account(arn: str, default: str) -> str:
    return arn_account(arn) or default


# --- per kind -----------------------------------------------------------------------------


def _tables(snapshot: Snapshot, keys: KeyIndex, tag_key: str) -> list[DataStore]:
    tags = _first(snapshot, "dynamodb", "ListTagsOfResource", "ResourceArn")
    policies = _first(snapshot, "dynamodb", "GetResourcePolicy", "ResourceArn")
    backups = _first(snapshot, "dynamodb", "DescribeContinuousBackups", "TableName")
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
        op: _first(snapshot, "s3", op, "Bucket")
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
    policies = _first(snapshot, "secretsmanager", "GetResourcePolicy", "SecretId")
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
    tags = _first(snapshot, "sqs", "ListQueueTags", "QueueUrl")
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
    tags = _first(snapshot, "sns", "ListTagsForResource", "ResourceArn")
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
