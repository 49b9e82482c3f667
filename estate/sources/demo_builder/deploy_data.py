"""Creates KMS keys, DynamoDB tables, S3 buckets, secrets, RDS, SQS, SNS and SSM parameters.

Records into Refs: ``kms:<alias>`` (key ARN), ``secret:<name>`` (ARN with AWS's suffix),
``stream:<table>`` (latest stream ARN), ``queue:<name>`` and ``topic:<name>`` (ARNs).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from . import arns
from .aws import Aws
from .catalogue_stores import (
    BUCKETS,
    DATABASES,
    KMS_KEYS,
    PARAMETERS,
    QUEUES,
    SECRETS,
    TABLES,
    TOPICS,
)
from .constants import DEMO_ACCOUNT, US
from .planted_values import LEDGER_DB_PASSWORD
from .refs import Refs
from .specs import BucketSpec, TableSpec

_BASE_TAGS = {"environment": "prod", "managed-by": "terraform"}


def tag_map(data_class: str | None, **extra: str) -> dict[str, str]:
    tags = dict(_BASE_TAGS, **extra)
    if data_class:
        tags["DataClassification"] = data_class
    return tags


def tag_list(tags: Mapping[str, str], key: str = "Key", value: str = "Value") -> list[dict[str, str]]:
    return [{key: k, value: v} for k, v in tags.items()]


def deploy_keys(aws: Aws, refs: Refs) -> None:
    for spec in KMS_KEYS:
        kms = aws("kms", spec.region)
        key = kms.create_key(
            Description=spec.description,
            Tags=tag_list(tag_map(spec.data_class), "TagKey", "TagValue"),
        )["KeyMetadata"]
        kms.create_alias(AliasName=f"alias/{spec.alias}", TargetKeyId=key["KeyId"])
        if spec.rotation:
            kms.enable_key_rotation(KeyId=key["KeyId"])
        refs.set("kms", spec.alias, key["Arn"])


def _table(aws: Aws, refs: Refs, spec: TableSpec) -> None:
    attributes = [{"AttributeName": spec.hash_key, "AttributeType": "S"}]
    schema = [{"AttributeName": spec.hash_key, "KeyType": "HASH"}]
    if spec.range_key:
        attributes.append({"AttributeName": spec.range_key, "AttributeType": "S"})
        schema.append({"AttributeName": spec.range_key, "KeyType": "RANGE"})
    kwargs: dict[str, Any] = {}
    if spec.stream:
        kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": spec.stream}
    if spec.kms:
        kwargs["SSESpecification"] = {
            "Enabled": True,
            "SSEType": "KMS",
            "KMSMasterKeyId": refs.get("kms", spec.kms),
        }
    table = aws("dynamodb", spec.region).create_table(
        TableName=spec.name,
        AttributeDefinitions=attributes,
        KeySchema=schema,
        BillingMode="PAY_PER_REQUEST",
        Tags=tag_list(tag_map(spec.data_class)),
        **kwargs,
    )["TableDescription"]
    if spec.stream:
        refs.set("stream", spec.name, table["LatestStreamArn"])


def _bucket(aws: Aws, refs: Refs, spec: BucketSpec) -> None:
    s3 = aws("s3", spec.region)
    if spec.region == US:
        s3.create_bucket(Bucket=spec.name)
    else:
        s3.create_bucket(Bucket=spec.name, CreateBucketConfiguration={"LocationConstraint": spec.region})
    s3.put_bucket_tagging(Bucket=spec.name, Tagging={"TagSet": tag_list(tag_map(spec.data_class))})
    if spec.encryption:
        rule: dict[str, Any] = {"SSEAlgorithm": spec.encryption}
        if spec.kms:
            rule["KMSMasterKeyID"] = refs.get("kms", spec.kms)
        s3.put_bucket_encryption(
            Bucket=spec.name,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {"ApplyServerSideEncryptionByDefault": rule, "BucketKeyEnabled": spec.kms is not None}
                ]
            },
        )
    s3.put_public_access_block(
        Bucket=spec.name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": not spec.public_read,
            "IgnorePublicAcls": not spec.public_read,
            "BlockPublicPolicy": not spec.public_read,
            "RestrictPublicBuckets": not spec.public_read,
        },
    )
    if spec.cloudtrail_delivery:
        s3.put_bucket_policy(Bucket=spec.name, Policy=json.dumps(cloudtrail_bucket_policy(spec.name)))
    if spec.public_read:
        s3.put_bucket_policy(
            Bucket=spec.name,
            Policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "PublicRead",
                            "Effect": "Allow",
                            "Principal": "*",
                            "Action": "s3:GetObject",
                            "Resource": f"{arns.bucket(spec.name)}/*",
                        }
                    ],
                }
            ),
        )


def cloudtrail_bucket_policy(bucket: str) -> dict[str, Any]:
    """The bucket policy AWS documents for CloudTrail log delivery, scoped to this account's
    trails, plus a deny of any request not made over TLS."""
    from_trails = {"aws:SourceArn": f"arn:aws:cloudtrail:*:{DEMO_ACCOUNT}:trail/*"}
    service = {"Service": "cloudtrail.amazonaws.com"}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AWSCloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": service,
                "Action": "s3:GetBucketAcl",
                "Resource": arns.bucket(bucket),
                "Condition": {"StringLike": from_trails},
            },
            {
                "Sid": "AWSCloudTrailWrite",
                "Effect": "Allow",
                "Principal": service,
                "Action": "s3:PutObject",
                "Resource": f"{arns.bucket(bucket)}/AWSLogs/{DEMO_ACCOUNT}/*",
                "Condition": {
                    "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"},
                    "StringLike": from_trails,
                },
            },
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arns.bucket(bucket), f"{arns.bucket(bucket)}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    }


def _secrets(aws: Aws, refs: Refs) -> None:
    for spec in SECRETS:
        value = (
            {"username": "ledger_admin", "password": LEDGER_DB_PASSWORD}
            if spec.name == "ledger/db-credentials"
            else {"managed-by": "vault-sync"}
        )
        kwargs: dict[str, Any] = {"KmsKeyId": refs.get("kms", spec.kms)} if spec.kms else {}
        arn = aws("secretsmanager", spec.region).create_secret(
            Name=spec.name,
            Description=spec.description,
            SecretString=json.dumps(value),
            Tags=tag_list(tag_map(spec.data_class)),
            **kwargs,
        )["ARN"]
        refs.set("secret", spec.name, arn)


def _databases(aws: Aws, refs: Refs) -> None:
    for spec in DATABASES:
        rds = aws("rds", spec.region)
        group = f"{spec.identifier}-subnets"
        rds.create_db_subnet_group(
            DBSubnetGroupName=group,
            DBSubnetGroupDescription=f"{spec.identifier} private subnets",
            SubnetIds=[refs.get("subnet", key) for key in spec.subnets],
        )
        rds.create_db_instance(
            DBInstanceIdentifier=spec.identifier,
            Engine=spec.engine,
            EngineVersion="16.4",
            DBInstanceClass="db.r6g.large",
            AllocatedStorage=200,
            DBName="ledger",
            MasterUsername="ledger_admin",
            MasterUserPassword=LEDGER_DB_PASSWORD,
            StorageEncrypted=spec.encrypted,
            MultiAZ=True,
            PubliclyAccessible=False,
            DBSubnetGroupName=group,
            VpcSecurityGroupIds=[refs.get("sg", "eu-ledger-db")],
            BackupRetentionPeriod=7,
            Tags=tag_list(tag_map(spec.data_class)),
        )


def _queues(aws: Aws, refs: Refs) -> None:
    for spec in QUEUES:
        attributes: dict[str, str] = {"MessageRetentionPeriod": "1209600"}
        if spec.sse == "kms" and spec.kms:
            attributes["KmsMasterKeyId"] = refs.get("kms", spec.kms)
        attributes["SqsManagedSseEnabled"] = "true" if spec.sse == "sqs" else "false"
        if spec.dlq:
            attributes["RedrivePolicy"] = json.dumps(
                {"deadLetterTargetArn": arns.queue(spec.dlq, spec.region), "maxReceiveCount": 5}
            )
        aws("sqs", spec.region).create_queue(
            QueueName=spec.name, Attributes=attributes, tags=tag_map(spec.data_class)
        )
        refs.set("queue", spec.name, arns.queue(spec.name, spec.region))


def _topics(aws: Aws, refs: Refs) -> None:
    for spec in TOPICS:
        attributes = {"KmsMasterKeyId": refs.get("kms", spec.kms)} if spec.kms else {}
        arn = aws("sns", spec.region).create_topic(
            Name=spec.name,
            Attributes=attributes,
            Tags=tag_list(tag_map(spec.data_class)),
        )["TopicArn"]
        refs.set("topic", spec.name, arn)


def _parameters(aws: Aws, refs: Refs) -> None:
    for spec in PARAMETERS:
        kwargs: dict[str, Any] = {"KeyId": refs.get("kms", spec.kms)} if spec.kms else {}
        aws("ssm", spec.region).put_parameter(
            Name=spec.name,
            Value=spec.value,
            Type=spec.type,
            Tags=tag_list(tag_map(spec.data_class)),
            **kwargs,
        )


def deploy_recovery(aws: Aws) -> None:
    """Point-in-time recovery on tables and versioning on buckets, as their specs say. Run last
    (deploy.py) so the ids moto draws for everything else stay those of earlier demo builds."""
    for table in TABLES:
        if table.pitr:
            aws("dynamodb", table.region).update_continuous_backups(
                TableName=table.name,
                PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
            )
    for bucket in BUCKETS:
        if bucket.versioning:
            aws("s3", bucket.region).put_bucket_versioning(
                Bucket=bucket.name, VersioningConfiguration={"Status": "Enabled"}
            )


def deploy_data(aws: Aws, refs: Refs) -> None:
    deploy_keys(aws, refs)
    for table in TABLES:
        _table(aws, refs, table)
    for bucket in BUCKETS:
        _bucket(aws, refs, bucket)
    _secrets(aws, refs)
    _databases(aws, refs)
    _queues(aws, refs)
    _topics(aws, refs)
    _parameters(aws, refs)
