"""RDS, per region: DB instances and clusters (StorageEncrypted, KMS key, public accessibility,
subnets and security groups)."""

from __future__ import annotations

from estate.sources.live.calls import CallContext


def fetch_databases(ctx: CallContext) -> None:
    ctx.items("rds", "DescribeDBInstances", "Marker", "Marker", "DBInstances", MaxRecords=100)
    ctx.items("rds", "DescribeDBClusters", "Marker", "Marker", "DBClusters", MaxRecords=100)
