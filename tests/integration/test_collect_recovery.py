"""The recovery reads against the moto server: DescribeContinuousBackups per table and
GetBucketVersioning per bucket are collected, read-only, and reach the model; RDS backup retention
comes with DescribeDBInstances."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from estate.model.load import load_estate
from estate.sources.live import CollectOptions, collect

pytestmark = pytest.mark.integration
REGION = "eu-west-1"


def test_point_in_time_recovery_versioning_and_retention_are_collected(
    moto_endpoint: str, tmp_path: Path
) -> None:
    dynamodb = boto3.client("dynamodb", endpoint_url=moto_endpoint, region_name=REGION)
    for name in ("protected", "exposed"):
        dynamodb.create_table(
            TableName=name,
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
    dynamodb.update_continuous_backups(
        TableName="protected", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    s3 = boto3.client("s3", endpoint_url=moto_endpoint, region_name=REGION)
    for name in ("kept-objects", "plain-objects"):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket="kept-objects", VersioningConfiguration={"Status": "Enabled"})
    rds = boto3.client("rds", endpoint_url=moto_endpoint, region_name=REGION)
    for name, days in (("no-backups", 0), ("backed-up", 7)):
        rds.create_db_instance(
            DBInstanceIdentifier=name,
            Engine="postgres",
            DBInstanceClass="db.t3.micro",
            AllocatedStorage=20,
            MasterUsername="admin_user",
            MasterUserPassword="not-a-secret-1",
            BackupRetentionPeriod=days,
        )

    snapshot = collect(
        CollectOptions(
            regions=(REGION,), endpoint_url=moto_endpoint, cache_dir=tmp_path / "c", metrics_days=0
        )
    )
    stores = {s.name: s for s in load_estate(snapshot).data_stores.values()}
    assert stores["protected"].table is not None and stores["protected"].table.point_in_time_recovery is True
    assert stores["exposed"].table is not None and stores["exposed"].table.point_in_time_recovery is False
    assert stores["kept-objects"].bucket is not None and stores["kept-objects"].bucket.versioning == "Enabled"
    assert stores["plain-objects"].bucket is not None and stores["plain-objects"].bucket.versioning == "Off"
    dbs = {n: stores[n].db for n in ("no-backups", "backed-up")}
    assert {n: db.backup_retention_days for n, db in dbs.items() if db is not None} == {
        "no-backups": 0,
        "backed-up": 7,
    }
    operations = {(r.key.service, r.key.operation) for r in snapshot.records}
    assert {("dynamodb", "DescribeContinuousBackups"), ("s3", "GetBucketVersioning")} <= operations
