"""Recovery settings from AWS CLI dumps and raw records: DynamoDB point-in-time recovery, S3
versioning, RDS backup retention. Unread or malformed answers are unknown (None), never "off"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from estate.model.load import load_estate
from estate.model.stores import bucket_versioning, point_in_time_recovery
from estate.sources.dumps import ImportOptions, import_dump

ACCOUNT = "123456789012"
REGION = "eu-west-1"


def _write(root: Path, files: dict[str, Any]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return root


def _table(name: str) -> dict[str, Any]:
    return {"Table": {"TableName": name, "TableArn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"}}


def _backups(status: str) -> dict[str, Any]:
    return {
        "ContinuousBackupsDescription": {
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": status},
        }
    }


def test_point_in_time_recovery_states() -> None:
    assert point_in_time_recovery(_backups("ENABLED")) is True
    assert point_in_time_recovery(_backups("DISABLED")) is False
    assert point_in_time_recovery(None) is None
    assert point_in_time_recovery({"Error": {"Code": "TableNotFoundException"}}) is None
    assert point_in_time_recovery({"ContinuousBackupsDescription": {}}) is None


def test_bucket_versioning_states() -> None:
    assert bucket_versioning({"Status": "Enabled"}) == "Enabled"
    assert bucket_versioning({"Status": "Suspended"}) == "Suspended"
    assert bucket_versioning({}) == "Off"  # never enabled: the API leaves Status out
    assert bucket_versioning(None) is None
    assert bucket_versioning({"Error": {"Code": "AccessDenied"}}) is None


def test_dumped_backups_and_versioning_reach_the_model(tmp_path: Path) -> None:
    functions: dict[str, Any] = {"Functions": []}
    root = _write(
        tmp_path,
        {
            f"{REGION}/lambda-list-functions.json": functions,
            f"{REGION}/dynamodb-list-tables.json": {"TableNames": ["on", "off", "unread"]},
            **{f"{REGION}/dynamodb-describe-table/{n}.json": _table(n) for n in ("on", "off", "unread")},
            f"{REGION}/dynamodb-describe-continuous-backups/on.json": _backups("ENABLED"),
            f"{REGION}/dynamodb-describe-continuous-backups/off.json": _backups("DISABLED"),
            "global/s3api-list-buckets.json": {"Buckets": [{"Name": "kept"}, {"Name": "plain"}]},
            "global/s3api-get-bucket-versioning/kept.json": {"Status": "Enabled"},
            "global/s3api-get-bucket-versioning/plain.json": "",  # the CLI prints nothing: never enabled
        },
    )
    snapshot = import_dump(ImportOptions(root, account=ACCOUNT))
    stores = load_estate(snapshot).data_stores
    pitr = {s.name: s.table.point_in_time_recovery for s in stores.values() if s.table is not None}
    assert pitr == {"on": True, "off": False, "unread": None}
    versioning = {s.name: s.bucket.versioning for s in stores.values() if s.bucket is not None}
    assert versioning == {"kept": "Enabled", "plain": "Off"}
    [gap] = [
        c
        for c in snapshot.manifest.coverage
        if (c.operation, c.region) == ("DescribeContinuousBackups", REGION)
    ]
    assert gap.status != "ok" and "unread" in gap.detail


def test_rds_backup_retention_and_who_owns_the_backups() -> None:
    from estate.snapshot import Manifest, Record, RecordKey, Snapshot

    db = f"arn:aws:rds:{REGION}:{ACCOUNT}:db"
    instances: list[dict[str, Any]] = [
        {"DBInstanceArn": f"{db}:off", "BackupRetentionPeriod": 0},
        {"DBInstanceArn": f"{db}:kept", "BackupRetentionPeriod": 7},
        {"DBInstanceArn": f"{db}:member", "BackupRetentionPeriod": 1, "DBClusterIdentifier": "c"},
        {"DBInstanceArn": f"{db}:unread"},
    ]
    manifest = Manifest(created_at="2026-11-01T00:00:00+00:00", source="test", accounts=(ACCOUNT,))

    def load(*dbs: dict[str, Any]) -> Any:
        record = Record(
            RecordKey(ACCOUNT, REGION, "rds", "DescribeDBInstances", {}), {"DBInstances": list(dbs)}
        )
        return load_estate(Snapshot(manifest, [record]))

    stores = load(*instances).data_stores
    facts = {arn.rsplit(":", 1)[-1]: s.db for arn, s in stores.items() if s.db is not None}
    assert {k: v.backup_retention_days for k, v in facts.items()} == {
        "off": 0,
        "kept": 7,
        "member": 1,
        "unread": None,
    }
    assert facts["member"].backups_elsewhere and not facts["off"].backups_elsewhere
    odd = load({"DBInstanceArn": f"{db}:odd", "BackupRetentionPeriod": "seven"})
    assert odd.data_stores == {}  # a wrong-typed answer is a coverage gap, never a guess
    assert [c.operation for c in odd.manifest.coverage if c.status == "error"] == ["DescribeDBInstances"]
