"""Snapshot export/import: atomic 0600 files, per-member sha256, clear errors on bad input."""

from __future__ import annotations

import datetime as dt
import json
import stat
import time
import zipfile
from pathlib import Path

import pytest

from estate.errors import LambdascopeError
from estate.snapshot import (
    SCHEMA_VERSION,
    Manifest,
    Record,
    RecordKey,
    Snapshot,
    SnapshotStore,
    export_snapshot,
    load_snapshot,
    normalise,
)
from tests.builders import function, snapshot_of


def _snap() -> Snapshot:
    return snapshot_of([function("a"), function("b", region="us-east-1")])


def test_round_trip_keeps_records_and_manifest(tmp_path: Path) -> None:
    path = export_snapshot(_snap(), tmp_path / "x.lsnap")
    loaded = load_snapshot(path)
    assert loaded.manifest.source == "test"
    assert {r.key.encode() for r in loaded.records} == {r.key.encode() for r in _snap().records}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["x.lsnap"]  # no temp file left behind


def test_the_same_snapshot_exports_to_the_same_bytes_whenever_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = export_snapshot(_snap(), tmp_path / "a.lsnap").read_bytes()
    later = time.time() + 3_600  # an hour on: zip member times would differ by then
    monkeypatch.setattr(time, "time", lambda: later)
    assert export_snapshot(_snap(), tmp_path / "b.lsnap").read_bytes() == first
    with zipfile.ZipFile(tmp_path / "b.lsnap") as archive:
        created = dt.datetime.fromisoformat(_snap().manifest.created_at)
        assert {i.date_time[:3] for i in archive.infolist()} == {(created.year, created.month, created.day)}


def _rewrite(path: Path, member: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as src:
        items = {n: src.read(n) for n in src.namelist()}
    items[member] = data
    with zipfile.ZipFile(path, "w") as dst:
        for name, blob in items.items():
            dst.writestr(name, blob)


def test_tampered_member_is_named(tmp_path: Path) -> None:
    path = export_snapshot(_snap(), tmp_path / "x.lsnap")
    member = "records/123456789012/eu-west-1/lambda.jsonl"
    _rewrite(path, member, b'{"operation":"ListFunctions","params":{},"response":{"Functions":[]}}\n')
    with pytest.raises(LambdascopeError, match=member):
        load_snapshot(path)


def test_other_schema_version_fails_clearly(tmp_path: Path) -> None:
    path = export_snapshot(_snap(), tmp_path / "x.lsnap")
    with zipfile.ZipFile(path) as src:
        manifest = json.loads(src.read("manifest.json"))
    manifest["schema"] = SCHEMA_VERSION + 1
    _rewrite(path, "manifest.json", json.dumps(manifest).encode())
    with pytest.raises(LambdascopeError, match="schema"):
        load_snapshot(path)


@pytest.mark.parametrize("content", [b"", b"garbage", b"PK\x03\x04broken"])
def test_not_a_snapshot(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.lsnap"
    path.write_bytes(content)
    with pytest.raises(LambdascopeError):
        load_snapshot(path)


def test_zip_without_manifest_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.lsnap"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x.txt", "hi")
    with pytest.raises(LambdascopeError, match="manifest"):
        load_snapshot(path)
    with pytest.raises(LambdascopeError, match="no such"):
        load_snapshot(tmp_path / "absent.lsnap")


def test_store_resumes_and_filters_to_manifest_scope(tmp_path: Path) -> None:
    key = RecordKey("123456789012", "eu-west-1", "lambda", "GetPolicy", {"FunctionName": "x"})
    other = RecordKey("123456789012", "ap-south-1", "lambda", "GetPolicy", {"FunctionName": "y"})
    with SnapshotStore(tmp_path / "cache") as store:
        store.put(key, {"Policy": "{}"})
        store.put(other, {"Policy": "{}"})
    with SnapshotStore(tmp_path / "cache") as store:  # reopened: still there (resume log)
        assert store.has(key) and store.get(key) == {"Policy": "{}"}
        manifest = Manifest(created_at="t", source="live", accounts=("123456789012",), regions=("eu-west-1",))
        snap = store.to_snapshot(manifest)
    assert [r.key for r in snap.records] == [key]


def test_normalise_makes_plain_json() -> None:
    import datetime as dt
    from decimal import Decimal

    data = normalise(
        {
            "When": dt.datetime(2026, 1, 1),
            "Blob": b"\x00",
            "N": Decimal("2"),
            "ResponseMetadata": {},
        }
    )
    assert data == {"When": "2026-01-01T00:00:00+00:00", "Blob": "AA==", "N": 2}
    assert isinstance(Record(RecordKey("a", "b", "c", "d"), data).response, dict)
