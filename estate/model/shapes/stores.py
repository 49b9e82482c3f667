"""Data stores and KMS keys: DynamoDB, S3, Secrets Manager, SSM, RDS, SQS, SNS, KMS
(estate/model/stores.py)."""

from __future__ import annotations

from estate.model.shapes.common import Shape, TagList, Tags

# --- KMS ----------------------------------------------------------------------------------


class AliasPart(Shape):
    AliasName: str | None = None
    TargetKeyId: str | None = None


class ListAliases(Shape):
    Aliases: list[AliasPart] | None = None


class KeyMetadataPart(Shape):
    KeyId: str
    Arn: str | None = None
    KeyManager: str | None = None
    KeyState: str | None = None
    Description: str | None = None
    KeySpec: str | None = None
    CustomerMasterKeySpec: str | None = None


class DescribeKey(Shape):
    KeyMetadata: KeyMetadataPart | None = None


class GetKeyPolicy(Shape):
    Policy: str | None = None


class GetKeyRotationStatus(Shape):
    KeyRotationEnabled: bool | None = None


# --- DynamoDB -----------------------------------------------------------------------------


class SseDescriptionPart(Shape):
    Status: str | None = None
    SSEType: str | None = None
    KMSMasterKeyArn: str | None = None


class StreamSpecificationPart(Shape):
    StreamEnabled: bool | None = None
    StreamViewType: str | None = None


class TablePart(Shape):
    TableArn: str | None = None
    TableName: str | None = None
    SSEDescription: SseDescriptionPart | None = None
    StreamSpecification: StreamSpecificationPart | None = None
    LatestStreamArn: str | None = None


class DescribeTable(Shape):
    Table: TablePart | None = None


class PointInTimeRecoveryPart(Shape):
    PointInTimeRecoveryStatus: str | None = None


class ContinuousBackupsPart(Shape):
    ContinuousBackupsStatus: str | None = None
    PointInTimeRecoveryDescription: PointInTimeRecoveryPart | None = None


class DescribeContinuousBackups(Shape):
    ContinuousBackupsDescription: ContinuousBackupsPart | None = None


class ResourcePolicy(Shape):
    """DynamoDB GetResourcePolicy and the other `Policy`-text reads."""

    Policy: str | None = None


class ListTagsOfResource(Shape):
    Tags: Tags | None = None


# --- S3 -----------------------------------------------------------------------------------


class BucketPart(Shape):
    Name: str
    BucketRegion: str | None = None


class ListBuckets(Shape):
    Buckets: list[BucketPart] | None = None


class GetBucketLocation(Shape):
    LocationConstraint: str | None = None


class EncryptionDefaultPart(Shape):
    SSEAlgorithm: str | None = None
    KMSMasterKeyID: str | None = None


class EncryptionRulePart(Shape):
    ApplyServerSideEncryptionByDefault: EncryptionDefaultPart | None = None


class EncryptionConfigurationPart(Shape):
    Rules: list[EncryptionRulePart] | None = None


class GetBucketEncryption(Shape):
    ServerSideEncryptionConfiguration: EncryptionConfigurationPart | None = None


class PublicAccessBlockPart(Shape):
    BlockPublicAcls: bool | None = None
    IgnorePublicAcls: bool | None = None
    BlockPublicPolicy: bool | None = None
    RestrictPublicBuckets: bool | None = None


class GetPublicAccessBlock(Shape):
    PublicAccessBlockConfiguration: PublicAccessBlockPart | None = None


class GetBucketTagging(Shape):
    TagSet: Tags | None = None


class GetBucketVersioning(Shape):
    """`Status` is absent for a bucket whose versioning was never enabled."""

    Status: str | None = None
    MFADelete: str | None = None


# --- Secrets Manager, SSM -----------------------------------------------------------------


class SecretPart(Shape):
    ARN: str
    Name: str | None = None
    Tags: Tags | None = None
    KmsKeyId: str | None = None
    RotationEnabled: bool | None = None
    RotationLambdaARN: str | None = None


class ListSecrets(Shape):
    SecretList: list[SecretPart] | None = None


class SecretPolicy(Shape):
    ResourcePolicy: str | None = None


class ParameterPart(Shape):
    Name: str
    Type: str | None = None
    ARN: str | None = None
    KeyId: str | None = None
    Tier: str | None = None


class DescribeParameters(Shape):
    Parameters: list[ParameterPart] | None = None


# --- RDS ----------------------------------------------------------------------------------


class DbSubnetPart(Shape):
    SubnetIdentifier: str | None = None


class DbSubnetGroupPart(Shape):
    Subnets: list[DbSubnetPart] | None = None
    VpcId: str | None = None


class DbSecurityGroupPart(Shape):
    VpcSecurityGroupId: str


class DbPart(Shape, kw_only=True):
    TagList: TagList | None = None
    StorageEncrypted: bool | None = None
    KmsKeyId: str | None = None
    Engine: str | None = None
    PubliclyAccessible: bool | None = None
    MultiAZ: bool | None = None
    VpcSecurityGroups: list[DbSecurityGroupPart] | None = None
    BackupRetentionPeriod: int | None = None


class DbInstancePart(DbPart):
    DBInstanceArn: str
    DBSubnetGroup: DbSubnetGroupPart | None = None
    DBInstanceIdentifier: str | None = None
    DBClusterIdentifier: str | None = None
    ReadReplicaSourceDBInstanceIdentifier: str | None = None


class DbClusterPart(DbPart):
    DBClusterArn: str
    DBSubnetGroup: str | None = None  # a cluster names its subnet group; an instance nests it
    DBClusterIdentifier: str | None = None


class DescribeDBInstances(Shape):
    DBInstances: list[DbInstancePart] | None = None


class DescribeDBClusters(Shape):
    DBClusters: list[DbClusterPart] | None = None


# --- SQS, SNS -----------------------------------------------------------------------------


class QueueAttributesPart(Shape):
    QueueArn: str | None = None
    KmsMasterKeyId: str | None = None
    SqsManagedSseEnabled: str | None = None
    RedrivePolicy: str | None = None
    Policy: str | None = None


class GetQueueAttributes(Shape):
    Attributes: QueueAttributesPart | None = None


class ListQueueTags(Shape):
    Tags: Tags | None = None


class TopicAttributesPart(Shape):
    KmsMasterKeyId: str | None = None
    Policy: str | None = None


class GetTopicAttributes(Shape):
    Attributes: TopicAttributesPart | None = None


class ListTagsForResource(Shape):
    Tags: Tags | None = None
