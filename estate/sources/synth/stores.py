"""Data stores: DynamoDB tables, S3 buckets, secrets, SSM parameters, SQS queues, SNS topics and
RDS databases, with DataClassification tags (pci / confidential / internal / public / untagged)
and a realistic spread of encryption and recovery settings (point-in-time recovery, bucket
versioning, RDS backup retention), as their List/Describe/Get calls return them.

Store `s` belongs to team `s % len(TEAMS)`; its kind cycles independently of the team.
"""

from __future__ import annotations

import json
from typing import Any

from estate.sources.synth.shape import ACCOUNT, AZS, REGION, TEAMS, Chooser, Scale, kms_key_arn
from estate.sources.synth.sink import GLOBAL, RecordSink

KINDS = (
    ("table",) * 7
    + ("bucket",) * 3
    + ("secret",) * 3
    + ("parameter",) * 3
    + ("queue",) * 2
    + (
        "topic",
        "db",
    )
)
CLASSES = ((0.12, "pci"), (0.35, "confidential"), (0.65, "internal"), (0.75, "public"))
_CREATED = "2026-09-01T08:00:00+00:00"
RECOVERY_OFF = 0.08
"""Share of tables without point-in-time recovery, buckets never versioned and RDS instances
without automated backups."""


def store_kind(store: int) -> str:
    return KINDS[(store // len(TEAMS) + 3 * (store % len(TEAMS))) % len(KINDS)]


def store_name(store: int) -> str:
    return f"{TEAMS[store % len(TEAMS)]}-{store_kind(store)}-{store:06d}"


def queue_url(name: str) -> str:
    return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}"


def store_arn(store: int, chooser: Chooser) -> str:
    kind, name = store_kind(store), store_name(store)
    return {
        "table": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}",
        "bucket": f"arn:aws:s3:::{name}",
        "secret": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-{chooser.hexid('sfx', store, 6)}",
        "parameter": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{name.replace('-parameter-', '/')}",
        "queue": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}",
        "topic": f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}",
        "db": f"arn:aws:rds:{REGION}:{ACCOUNT}:db:{name}",
    }[kind]


def stores_by_team(scale: Scale) -> dict[tuple[int, str], list[int]]:
    """(team, kind) -> that team's stores of that kind, built once per estate."""
    out: dict[tuple[int, str], list[int]] = {}
    for store in range(scale.stores):
        out.setdefault((store % len(TEAMS), store_kind(store)), []).append(store)
    return out


def stream_arn(chooser: Chooser, store: int) -> str | None:
    """The table's stream (about a third of tables have one), else None."""
    if store_kind(store) != "table" or chooser.unit("stream", store) >= 0.3:
        return None
    return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{store_name(store)}/stream/2026-09-01T08:00:00.000"


def classification(chooser: Chooser, store: int) -> str | None:
    roll = chooser.unit("class", store)
    return next((label for limit, label in CLASSES if roll < limit), None)


def _tags(chooser: Chooser, store: int) -> list[dict[str, str]]:
    tags = [{"Key": "team", "Value": TEAMS[store % len(TEAMS)]}, {"Key": "environment", "Value": "prod"}]
    label = classification(chooser, store)
    if label:
        tags.append({"Key": "DataClassification", "Value": label})
    return tags


def _cmk(chooser: Chooser, scale: Scale, store: int) -> str | None:
    if chooser.unit("cmk", store) < 0.55:
        return kms_key_arn(chooser, chooser.pick("cmk-key", store, scale.kms_keys))
    return None


def add_stores(sink: RecordSink, scale: Scale, chooser: Chooser) -> None:
    by_kind: dict[str, list[int]] = {kind: [] for kind in set(KINDS)}
    for store in range(scale.stores):
        by_kind[store_kind(store)].append(store)
    _tables(sink, scale, chooser, by_kind["table"])
    _buckets(sink, scale, chooser, by_kind["bucket"])
    _secrets(sink, scale, chooser, by_kind["secret"])
    _parameters(sink, scale, chooser, by_kind["parameter"])
    _queues(sink, scale, chooser, by_kind["queue"])
    _topics(sink, scale, chooser, by_kind["topic"])
    _databases(sink, scale, chooser, by_kind["db"])


def _tables(sink: RecordSink, scale: Scale, chooser: Chooser, stores: list[int]) -> None:
    names = sorted(store_name(s) for s in stores)
    sink.pages(
        "dynamodb",
        "ListTables",
        names,
        "TableNames",
        100,
        ("ExclusiveStartTableName", "LastEvaluatedTableName"),
        {"Limit": 100},
    )
    for store in stores:
        name, arn = store_name(store), store_arn(store, chooser)
        table: dict[str, Any] = {
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
            "CreationDateTime": _CREATED,
            "DeletionProtectionEnabled": chooser.unit("delprot", store) < 0.5,
            "ItemCount": chooser.pick("items", store, 5_000_000),
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "TableArn": arn,
            "TableName": name,
            "TableStatus": "ACTIVE",
        }
        key = _cmk(chooser, scale, store)
        if key:
            table["SSEDescription"] = {"KMSMasterKeyArn": key, "SSEType": "KMS", "Status": "ENABLED"}
        stream = stream_arn(chooser, store)
        if stream:
            table["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
            table["LatestStreamArn"] = stream
        sink.add("dynamodb", "DescribeTable", {"Table": table}, TableName=name)
        pitr = "ENABLED" if chooser.unit("pitr", store) >= RECOVERY_OFF else "DISABLED"
        backups = {
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": pitr},
        }
        sink.add(
            "dynamodb",
            "DescribeContinuousBackups",
            {"ContinuousBackupsDescription": backups},
            TableName=name,
        )
        sink.add("dynamodb", "ListTagsOfResource", {"Tags": _tags(chooser, store)}, ResourceArn=arn)
        missing = f"Resource-based policy not found for the provided ResourceArn: {arn}"
        sink.add(
            "dynamodb",
            "GetResourcePolicy",
            {"Error": {"Code": "PolicyNotFoundException", "Message": missing}},
            ResourceArn=arn,
        )


def _buckets(sink: RecordSink, scale: Scale, chooser: Chooser, stores: list[int]) -> None:
    listed = [{"CreationDate": _CREATED, "Name": store_name(s)} for s in stores]
    sink.pages(
        "s3",
        "ListBuckets",
        listed,
        "Buckets",
        1000,
        ("ContinuationToken", "ContinuationToken"),
        {"MaxBuckets": 1000},
        GLOBAL,
        {"Owner": {"ID": "synthowner"}},
    )
    for store in stores:
        name = store_name(store)
        sink.add("s3", "GetBucketLocation", {"LocationConstraint": REGION}, GLOBAL, Bucket=name)
        key = _cmk(chooser, scale, store)
        default = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key} if key else {"SSEAlgorithm": "AES256"}
        encryption = {
            "Rules": [{"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": bool(key)}]
        }
        sink.add(
            "s3",
            "GetBucketEncryption",
            {"ServerSideEncryptionConfiguration": encryption},
            GLOBAL,
            Bucket=name,
        )
        public = classification(chooser, store) == "public"
        block = {
            k: not public
            for k in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
        }
        sink.add("s3", "GetPublicAccessBlock", {"PublicAccessBlockConfiguration": block}, GLOBAL, Bucket=name)
        sink.add("s3", "GetBucketTagging", {"TagSet": _tags(chooser, store)}, GLOBAL, Bucket=name)
        versioned = chooser.unit("versioning", store) >= RECOVERY_OFF
        sink.add("s3", "GetBucketVersioning", {"Status": "Enabled"} if versioned else {}, GLOBAL, Bucket=name)
        if public:
            statement = {
                "Sid": "PublicRead",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{name}/*",
            }
            policy: dict[str, Any] = {
                "Policy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})
            }
        else:
            policy = {"Error": {"Code": "NoSuchBucketPolicy", "Message": "The bucket policy does not exist"}}
        sink.add("s3", "GetBucketPolicy", policy, GLOBAL, Bucket=name)


def _secrets(sink: RecordSink, scale: Scale, chooser: Chooser, stores: list[int]) -> None:
    listed = []
    for store in stores:
        secret: dict[str, Any] = {
            "ARN": store_arn(store, chooser),
            "CreatedDate": _CREATED,
            "LastChangedDate": _CREATED,
            "Name": store_name(store),
            "SecretVersionsToStages": {chooser.uuid("secver", store): ["AWSCURRENT"]},
            "Tags": _tags(chooser, store),
        }
        key = _cmk(chooser, scale, store)
        if key:
            secret["KmsKeyId"] = key
        if chooser.unit("rotate", store) < 0.4:
            secret.update(RotationEnabled=True, RotationRules={"AutomaticallyAfterDays": 30})
        listed.append(secret)
    sink.pages(
        "secretsmanager",
        "ListSecrets",
        listed,
        "SecretList",
        100,
        ("NextToken", "NextToken"),
        {"MaxResults": 100},
    )
    for secret in listed:
        arn = secret["ARN"]
        sink.add("secretsmanager", "GetResourcePolicy", {"ARN": arn, "Name": secret["Name"]}, SecretId=arn)


def _parameters(sink: RecordSink, scale: Scale, chooser: Chooser, stores: list[int]) -> None:
    listed = []
    for store in stores:
        secure = chooser.unit("securestring", store) < 0.5
        parameter: dict[str, Any] = {
            "DataType": "text",
            "LastModifiedDate": _CREATED,
            "LastModifiedUser": f"arn:aws:iam::{ACCOUNT}:role/deployer",
            "Name": "/" + store_name(store).replace("-parameter-", "/"),
            "Tier": "Standard",
            "Type": "SecureString" if secure else "String",
            "Version": 1 + chooser.pick("ssmver", store, 9),
        }
        if secure:
            parameter["KeyId"] = _cmk(chooser, scale, store) or "alias/aws/ssm"
        listed.append(parameter)
    sink.pages(
        "ssm", "DescribeParameters", listed, "Parameters", 50, ("NextToken", "NextToken"), {"MaxResults": 50}
    )


def _queues(sink: RecordSink, scale: Scale, chooser: Chooser, stores: list[int]) -> None:
    urls = [queue_url(store_name(s)) for s in stores]
    sink.pages("sqs", "ListQueues", urls, "QueueUrls", 1000, ("NextToken", "NextToken"), {"MaxResults": 1000})
    for store, url in zip(stores, urls, strict=True):
        attributes = {
            "CreatedTimestamp": "1788249600",
            "DelaySeconds": "0",
            "LastModifiedTimestamp": "1788249600",
            "MaximumMessageSize": "262144",
            "MessageRetentionPeriod": "345600",
            "QueueArn": store_arn(store, chooser),
            "ReceiveMessageWaitTimeSeconds": "0",
            "VisibilityTimeout": "60",
        }
        key = _cmk(chooser, scale, store)
        if key:
            attributes.update(KmsMasterKeyId=key, KmsDataKeyReusePeriodSeconds="300")
        attributes["SqsManagedSseEnabled"] = (
            "false" if key or chooser.unit("sqs-sse", store) < 0.2 else "true"
        )
        sink.add(
            "sqs", "GetQueueAttributes", {"Attributes": attributes}, QueueUrl=url, AttributeNames=["All"]
        )
        sink.add(
            "sqs",
            "ListQueueTags",
            {"Tags": {t["Key"]: t["Value"] for t in _tags(chooser, store)}},
            QueueUrl=url,
        )


def _topics(sink: RecordSink, scale: Scale, chooser: Chooser, stores: list[int]) -> None:
    arns = [store_arn(s, chooser) for s in stores]
    sink.pages(
        "sns", "ListTopics", [{"TopicArn": a} for a in arns], "Topics", 100, ("NextToken", "NextToken")
    )
    for store, arn in zip(stores, arns, strict=True):
        statement = {
            "Sid": "__default_statement_ID",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["SNS:Publish", "SNS:Subscribe", "SNS:GetTopicAttributes"],
            "Resource": arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": ACCOUNT}},
        }
        attributes = {
            "DisplayName": "",
            "Owner": ACCOUNT,
            "Policy": json.dumps(
                {"Version": "2008-10-17", "Id": "__default_policy_ID", "Statement": [statement]}
            ),
            "SubscriptionsConfirmed": "1",
            "SubscriptionsDeleted": "0",
            "SubscriptionsPending": "0",
            "TopicArn": arn,
        }
        key = _cmk(chooser, scale, store)
        if key:
            attributes["KmsMasterKeyId"] = key
        sink.add("sns", "GetTopicAttributes", {"Attributes": attributes}, TopicArn=arn)
        sink.add("sns", "ListTagsForResource", {"Tags": _tags(chooser, store)}, ResourceArn=arn)


def _databases(sink: RecordSink, scale: Scale, chooser: Chooser, stores: list[int]) -> None:
    instances = []
    for store in stores:
        encrypted = chooser.unit("rds-enc", store) >= 0.1
        instance: dict[str, Any] = {
            "AllocatedStorage": 100,
            "AvailabilityZone": AZS[store % len(AZS)],
            "BackupRetentionPeriod": 7 if chooser.unit("rds-backup", store) >= RECOVERY_OFF else 0,
            "DBInstanceArn": store_arn(store, chooser),
            "DBInstanceClass": "db.r6g.large",
            "DBInstanceIdentifier": store_name(store),
            "DBInstanceStatus": "available",
            "DeletionProtection": True,
            "Engine": "postgres",
            "EngineVersion": "16.4",
            "IAMDatabaseAuthenticationEnabled": chooser.unit("rds-iam", store) < 0.3,
            "MultiAZ": chooser.unit("rds-maz", store) < 0.6,
            "PubliclyAccessible": chooser.unit("rds-public", store) < 0.03,
            "StorageEncrypted": encrypted,
            "TagList": _tags(chooser, store),
        }
        if encrypted:
            instance["KmsKeyId"] = _cmk(chooser, scale, store) or kms_key_arn(chooser, 0)
        instances.append(instance)
    sink.pages(
        "rds", "DescribeDBInstances", instances, "DBInstances", 100, ("Marker", "Marker"), {"MaxRecords": 100}
    )
    sink.pages("rds", "DescribeDBClusters", [], "DBClusters", 100, ("Marker", "Marker"), {"MaxRecords": 100})
