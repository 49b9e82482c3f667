"""Snapshots: raw AWS responses plus a manifest, in a diskcache store or one portable file.

A snapshot is evidence: it keeps what AWS returned (JSON-normalised), keyed by account, region,
service, operation and request parameters, so a newer lambdascope can re-analyse it. The model
and graph are always derived at load time, never stored.

`SnapshotStore` (diskcache, `eviction_policy="none"`, string keys) is the live collector's cache
and resume log. `export_snapshot` writes the portable `.lsnap` file: a zip holding
`manifest.json` and one JSON-lines member per account/region/service, each listed in the
manifest with its sha256, written atomically with mode 0600.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import tempfile
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import diskcache
import msgspec
import orjson

from estate.errors import LambdascopeError
from estate.gc_pause import cyclic_gc_paused

FORMAT = "lambdascope.snapshot"
SCHEMA_VERSION = 1
TOOL_VERSION = "0.1.0"
_MANIFEST = "manifest.json"
_STORE_SCHEMA_KEY = "__schema__"
_STARTED_KEY = "__started_at__"
_RECORD_PREFIX = "rec:"
# What reading a damaged zip can raise: a flipped bit in a header can name an unknown compression
# method (NotImplementedError), an encrypted member (RuntimeError) or a truncated stream (EOFError).
_ARCHIVE_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    ValueError,
    EOFError,
    NotImplementedError,
    RuntimeError,
)


def normalise(value: Any) -> Any:
    """Turn a boto3 response into plain JSON data (datetimes to ISO 8601, bytes to base64)."""
    if isinstance(value, Mapping):
        return {str(k): normalise(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list | tuple):
        return [normalise(v) for v in value]
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "read"):  # streaming bodies are never evidence we keep
        return None
    return value


class RecordKey(msgspec.Struct, frozen=True, gc=False):
    """Where a response came from; `params` are the request parameters (JSON).

    A msgspec Struct, not a dataclass: built in C, 100,000 keys and records of a 10,000-function
    snapshot cost 0.05 s instead of 0.25 s. `gc=False`: a record never takes part in a cycle.
    """

    account: str
    region: str
    service: str
    operation: str
    params: Mapping[str, Any] = msgspec.field(default_factory=dict)

    def encode(self) -> str:
        return json.dumps(
            [self.account, self.region, self.service, self.operation, self.params],
            sort_keys=True,
            separators=(",", ":"),
        )


class Record(msgspec.Struct, frozen=True, gc=False):
    """One stored response (JSON-normalised) and where it came from."""

    key: RecordKey
    response: Any


@dataclass(frozen=True, slots=True)
class CoverageEntry:
    """What the collector tried and what happened: ok, denied, throttled, unsupported, error."""

    account: str
    region: str
    service: str
    operation: str
    status: str
    detail: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "account": self.account,
            "region": self.region,
            "service": self.service,
            "operation": self.operation,
            "status": self.status,
            "detail": self.detail,
        }


class _CoverageShape(msgspec.Struct):
    account: str
    region: str
    service: str
    operation: str
    status: str
    detail: str = ""


class _ManifestShape(msgspec.Struct):
    """What a manifest file must hold (estate.snapshot.Manifest.to_json writes it)."""

    created_at: str
    source: str
    schema: int
    accounts: list[str] = []
    regions: list[str] = []
    coverage: list[_CoverageShape] = []
    secrets_kept: bool = False
    metrics_start: str | None = None
    metrics_end: str | None = None
    tool_version: str = "?"
    members: dict[str, str] = {}


@dataclass(frozen=True, slots=True)
class Manifest:
    created_at: str
    source: str
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    coverage: tuple[CoverageEntry, ...] = ()
    secrets_kept: bool = False
    metrics_start: str | None = None
    metrics_end: str | None = None
    schema: int = SCHEMA_VERSION
    tool_version: str = TOOL_VERSION
    members: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "schema": self.schema,
            "tool_version": self.tool_version,
            "created_at": self.created_at,
            "source": self.source,
            "accounts": list(self.accounts),
            "regions": list(self.regions),
            "secrets_kept": self.secrets_kept,
            "metrics_start": self.metrics_start,
            "metrics_end": self.metrics_end,
            "coverage": [c.to_json() for c in self.coverage],
            "members": dict(self.members),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Manifest:
        """The manifest of a file, checked field by field (the analyses parse its times and
        compare its names): a wrong shape is a LambdascopeError naming the field."""
        try:
            shaped = msgspec.convert(data, _ManifestShape)
        except msgspec.ValidationError as exc:
            raise LambdascopeError(f"snapshot manifest is malformed ({exc})") from exc
        for name in ("created_at", "metrics_start", "metrics_end"):
            value = getattr(shaped, name)
            try:
                if value is not None:
                    dt.datetime.fromisoformat(value)
            except ValueError as exc:
                raise LambdascopeError(
                    f"snapshot manifest is malformed ({name} is not an ISO 8601 time)"
                ) from exc
        return cls(
            created_at=shaped.created_at,
            source=shaped.source,
            accounts=tuple(shaped.accounts),
            regions=tuple(shaped.regions),
            coverage=tuple(CoverageEntry(**msgspec.structs.asdict(c)) for c in shaped.coverage),
            secrets_kept=shaped.secrets_kept,
            metrics_start=shaped.metrics_start,
            metrics_end=shaped.metrics_end,
            schema=shaped.schema,
            tool_version=shaped.tool_version,
            members=dict(shaped.members),
        )

    def summary(self) -> dict[str, Any]:
        """The manifest as the findings JSON reports it (no member hashes)."""
        data = self.to_json()
        data.pop("members")
        data["coverage_gaps"] = [c.to_json() for c in self.coverage if c.status != "ok"]
        data.pop("coverage")
        return data


@dataclass
class Snapshot:
    """A loaded snapshot: manifest plus records indexed by (service, operation)."""

    manifest: Manifest
    records: list[Record]
    _index: dict[tuple[str, str], list[Record]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        index: dict[tuple[str, str], list[Record]] = defaultdict(list)
        for record in self.records:
            index[(record.key.service, record.key.operation)].append(record)
        self._index = dict(index)

    def responses(self, service: str, operation: str) -> list[Record]:
        return self._index.get((service, operation), [])

    def index(self) -> Mapping[tuple[str, str], list[Record]]:
        """The records by (service, operation), as `responses` reads them."""
        return self._index


def utc_now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class SnapshotStore:
    """diskcache-backed store: the live collector's cache and resume log.

    Uses `Cache` (not `FanoutCache`, which may drop writes on timeout) with no eviction, string
    keys, and a schema entry checked on open.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self._cache = diskcache.Cache(str(self.directory), eviction_policy="none", size_limit=2**40)
        schema = self._cache.get(_STORE_SCHEMA_KEY)
        if schema is None:
            self._cache.set(_STORE_SCHEMA_KEY, SCHEMA_VERSION)
        elif schema != SCHEMA_VERSION:
            self._cache.close()
            raise LambdascopeError(
                f"collection cache {self.directory} has schema {schema}, expected "
                f"{SCHEMA_VERSION}; delete it or use --refresh"
            )

    def put(self, key: RecordKey, response: Any) -> None:
        self._cache.set(_RECORD_PREFIX + key.encode(), json.dumps(normalise(response)))

    def has(self, key: RecordKey) -> bool:
        return (_RECORD_PREFIX + key.encode()) in self._cache

    def get(self, key: RecordKey) -> Any | None:
        raw = self._cache.get(_RECORD_PREFIX + key.encode())
        return None if raw is None else json.loads(str(raw))

    def clear(self) -> None:
        self._cache.clear()
        self._cache.set(_STORE_SCHEMA_KEY, SCHEMA_VERSION)

    def records(self) -> Iterator[Record]:
        for raw_key in self._cache.iterkeys():
            if not isinstance(raw_key, str) or not raw_key.startswith(_RECORD_PREFIX):
                continue
            account, region, service, operation, params = json.loads(raw_key[len(_RECORD_PREFIX) :])
            raw = self._cache.get(raw_key)
            if raw is not None:
                key = RecordKey(account, region, service, operation, params)
                yield Record(key, json.loads(str(raw)))

    def to_snapshot(self, manifest: Manifest) -> Snapshot:
        """The records of the manifest's accounts and regions (plus global IAM)."""
        regions = {*manifest.regions, "global"}
        accounts = set(manifest.accounts)
        chosen = [r for r in self.records() if r.key.region in regions and r.key.account in accounts]
        return Snapshot(manifest, sorted(chosen, key=lambda r: r.key.encode()))

    def started_at(self) -> float | None:
        value = self._cache.get(_STARTED_KEY)
        return float(value) if value is not None else None

    def mark_started(self, when: float) -> None:
        self._cache.set(_STARTED_KEY, when)

    def close(self) -> None:
        self._cache.close()

    def __enter__(self) -> SnapshotStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _member_name(key: RecordKey) -> str:
    return f"records/{key.account}/{key.region}/{key.service}.jsonl"


def export_snapshot(snapshot: Snapshot, path: str | os.PathLike[str]) -> Path:
    """Write the portable file atomically (temp file in the same directory, then rename), 0600."""
    target = Path(path)
    members: dict[str, list[str]] = defaultdict(list)
    for record in sorted(snapshot.records, key=lambda r: r.key.encode()):
        line = json.dumps(
            {
                "operation": record.key.operation,
                "params": record.key.params,
                "response": record.response,
            },
            sort_keys=True,
            separators=(",", ":"),
        )
        members[_member_name(record.key)].append(line)
    blobs = {name: ("\n".join(lines) + "\n").encode() for name, lines in sorted(members.items())}
    digests = {name: hashlib.sha256(blob).hexdigest() for name, blob in blobs.items()}
    manifest = replace(snapshot.manifest, members=digests)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".lsnap-", dir=target.parent)
    except OSError as exc:
        raise LambdascopeError(f"cannot write {target}: {exc.strerror or exc}") from exc
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            stamp = _member_time(manifest.created_at)
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                text = json.dumps(manifest.to_json(), indent=2, sort_keys=True)
                archive.writestr(_member(_MANIFEST, stamp), text)
                for name, blob in blobs.items():
                    archive.writestr(_member(name, stamp), blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target


def load_snapshot(path: str | os.PathLike[str]) -> Snapshot:
    """Read a `.lsnap` file, checking every member against the manifest's sha256."""
    source = Path(path)
    try:
        data = source.read_bytes()
    except FileNotFoundError as exc:
        raise LambdascopeError(f"no such snapshot file: {source}") from exc
    except IsADirectoryError as exc:
        raise LambdascopeError(f"{source} is a directory, not a snapshot file") from exc
    except OSError as exc:
        raise LambdascopeError(f"cannot read {source}: {exc.strerror or exc}") from exc
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ARCHIVE_ERRORS as exc:
        raise LambdascopeError(f"{source} is not a lambdascope snapshot (not a zip file)") from exc
    with archive, cyclic_gc_paused():  # millions of parsed JSON objects kept, none in a cycle
        return _read_archive(archive, source)


def _member_time(created_at: str) -> tuple[int, int, int, int, int, int]:
    """Every member is dated when the snapshot was taken, not when the file was written: the
    same snapshot exports to the same bytes (zip keeps times from 1980, to two seconds)."""
    try:
        when = dt.datetime.fromisoformat(created_at)
    except ValueError:
        return (1980, 1, 1, 0, 0, 0)
    if when.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


def _member(name: str, stamp: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def _read_archive(archive: zipfile.ZipFile, source: Path) -> Snapshot:
    try:
        manifest_data = json.loads(archive.read(_MANIFEST))
    except KeyError as exc:
        raise LambdascopeError(f"{source} has no {_MANIFEST}: not a lambdascope snapshot") from exc
    except _ARCHIVE_ERRORS as exc:
        raise LambdascopeError(f"{source}: member {_MANIFEST} is corrupt ({exc})") from exc
    if not isinstance(manifest_data, dict) or manifest_data.get("format") != FORMAT:
        raise LambdascopeError(f"{source} is not a lambdascope snapshot (bad manifest format)")
    schema = manifest_data.get("schema")
    if schema != SCHEMA_VERSION:
        raise LambdascopeError(
            f"{source} has snapshot schema {schema}; this lambdascope reads schema "
            f"{SCHEMA_VERSION} (upgrade lambdascope or re-collect)"
        )
    manifest = Manifest.from_json(manifest_data)
    listed = set(manifest.members)
    present = {n for n in archive.namelist() if n != _MANIFEST}
    if present - listed:
        raise LambdascopeError(f"{source}: member {sorted(present - listed)[0]} is not in the manifest")
    records: list[Record] = []
    for name in sorted(listed):
        records.extend(_read_member(archive, source, name, manifest.members[name]))
    return Snapshot(manifest, records)


def _read_member(archive: zipfile.ZipFile, source: Path, name: str, digest: str) -> list[Record]:
    try:
        blob = archive.read(name)
    except KeyError as exc:
        raise LambdascopeError(f"{source}: member {name} is missing") from exc
    except _ARCHIVE_ERRORS as exc:
        raise LambdascopeError(f"{source}: member {name} is corrupt ({exc})") from exc
    if hashlib.sha256(blob).hexdigest() != digest:
        raise LambdascopeError(f"{source}: member {name} fails its sha256 check (corrupt or tampered)")
    parts = name.split("/")
    if len(parts) != 4 or parts[0] != "records" or not parts[3].endswith(".jsonl"):
        raise LambdascopeError(f"{source}: unexpected member name {name}")
    where = (parts[1], parts[2], parts[3][: -len(".jsonl")])  # account, region, service
    lines = blob.splitlines()  # JSON Lines: a record per line (a JSON string may hold U+2028 raw)
    try:  # the common case in one comprehension; anything unusual is read line by line below
        items = list(map(orjson.loads, lines))
        out = [Record(RecordKey(*where, i["operation"], i["params"]), i["response"]) for i in items]
        # the key is the record's identity (the response is checked by the model: estate/model/validate.py)
        if all([type(r.key.operation) is str and type(r.key.params) is dict for r in out]):
            return out
    except (ValueError, KeyError, TypeError):
        pass
    out = []
    for line_no, line in enumerate(lines, 1):
        try:
            item = _parse_line(line)
            operation, params = item["operation"], item["params"]
            if not isinstance(operation, str) or not isinstance(params, dict):
                raise TypeError("operation must be text and params an object")
            out.append(Record(RecordKey(*where, operation, params), item["response"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise LambdascopeError(f"{source}: member {name} line {line_no} is malformed") from exc
    return out


def _parse_line(line: bytes) -> Any:
    """orjson reads twice as fast as json (0.3 s against 0.6 s at 10,000 functions); what only json
    accepts (NaN, Infinity, lone surrogate escapes) still loads. An integer beyond 64 bits (no AWS
    API returns one) reads as a float; invalid UTF-8 is a malformed line (ValueError)."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line.decode())
