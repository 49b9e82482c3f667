"""The analysis cache: a snapshot's findings kept on disk, so running `findings` on it again (or
re-opening it in the app) skips the analysis (DESIGN.md section 7: a re-open takes <= 1 s at
10,000 functions). Shared by the findings CLI (tui/cli/analysis_cache.py) and the app
(tui/viewmodels/cached_open.py); it imports neither, nor Textual.

Where: `<user cache dir>/analysis` (platformdirs: `~/.cache/lambdascope/analysis` on Linux), or
`$LAMBDASCOPE_CACHE_DIR/analysis`. A diskcache `Cache`, directory 0700, files 0600, at most
`SIZE_LIMIT` bytes (the least recently stored entries go first).

What: per entry, the rules' raw findings (`Analysis.raw_findings`, before severity overrides and
suppressions, which `settle` applies on every read, so editing `lambdascope.toml` never
forces a re-analysis), every rule's metadata (the reports list them all), and what the report
header needs (the manifest summary and the function count). That is what the findings JSON
prints, no more: evidence is already masked, so the cache holds no secret the snapshot does not.

Key (`EntryKey`): the snapshot file's sha256, the tool version and a fingerprint of the analysis
code (a development install keeps its version number while its rules change), the cache format,
the evaluation day (several rules depend on it) and the settings the rules read.

Trust: an entry is JSON (a line written by orjson, then every finding's JSON text; see
`CachedAnalysis.payload`) behind an HMAC-SHA256 under the local key that the snapshots'
value hashes already use (`estate.secrets.hash_key`), never a pickle, and diskcache only ever
hands back raw bytes (`_RawDisk` refuses any other mode). A missing, corrupt, foreign (another
key), stale or wrongly shaped entry, or a cache that cannot be opened at all, reads as a miss and
is rebuilt: never trusted, never a traceback.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import importlib.metadata
import importlib.util
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import diskcache
import orjson

from analyzers.findings.settings import Settings
from analyzers.gc_pause import cyclic_gc_paused
from tui.cache.entry import CachedAnalysis

CACHE_FORMAT = 2  # bump when the entry's layout or meaning changes
ENV_DIR = "LAMBDASCOPE_CACHE_DIR"
SIZE_LIMIT = 2 * 2**30  # a 10,000-function estate's entry is about 150 MB
MAX_ENTRY_BYTES = 2**30
"""The largest entry kept: beyond it reading and checking one takes seconds, and two fill the store."""
MAX_FINDINGS = 200_000
"""An analysis with more findings is not cached: its entry would pass MAX_ENTRY_BYTES (about 150 MB
per 57,000 findings at 10,000 functions; 2.6 GB for 569,000 at 100,000), and writing the findings'
texts for it would hold gigabytes beside the analysis (a 100,000-function `findings` run peaked at
11.6 GiB with them, 6.9 without)."""
CODE_PACKAGES = ("analyzers", "estate", "policy", "tui.cache")
"""The code an entry's content comes from: findings, rules and header, the entry's layout, the
findings' texts. Packages are walked; a module is its one file."""
POST_RULE_SETTINGS = frozenset({"severity_overrides", "suppressions", "source", "triage"})
"""Settings applied after the rules ran (`settle`), or not a setting at all: not in the key."""
_MAC_SIZE = hashlib.sha256().digest_size


def default_directory() -> Path:
    """`$LAMBDASCOPE_CACHE_DIR/analysis`, else the user's cache directory's `analysis`."""
    root = os.environ.get(ENV_DIR)
    if not root:
        import platformdirs

        root = platformdirs.user_cache_dir("lambdascope")
    return Path(root) / "analysis"


def snapshot_digest(path: Path) -> str:
    """The sha256 of the snapshot file's bytes (OSError if it cannot be read)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class EntryKey:
    """Everything an analysis's raw findings depend on; equal keys, equal findings."""

    snapshot: str  # sha256 of the snapshot file
    today: dt.date
    rule_settings: Mapping[str, Any]  # the settings the rules read (tag key, regions, retention)
    tool: str
    code: str
    as_of: bool = False  # the day was given: time-bound IAM conditions on it, not the snapshot's time

    @classmethod
    def of(cls, snapshot: str, today: dt.date, settings: Settings, as_of: bool = False) -> EntryKey:
        return cls(snapshot, today, rule_settings(settings), _tool_version(), code_fingerprint(), as_of)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": CACHE_FORMAT,
            "snapshot": self.snapshot,
            "today": self.today.isoformat(),
            "as_of": self.as_of,
            "settings": dict(self.rule_settings),
            "tool": self.tool,
            "code": self.code,
        }

    def store_key(self) -> str:
        """The diskcache key: a string (never a pickled tuple), a hash of the whole key."""
        text = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))
        return "analysis:" + hashlib.sha256(text.encode()).hexdigest()


def rule_settings(settings: Settings) -> dict[str, Any]:
    """The settings that change what the rules emit: every field but the post-rule ones, so a
    setting added later is in the key by default (a needless miss, never a stale hit)."""
    return {
        f.name: _plain(getattr(settings, f.name))
        for f in dataclasses.fields(settings)
        if f.name not in POST_RULE_SETTINGS
    }


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return repr(value)


def _tool_version() -> str:
    try:
        return importlib.metadata.version("lambdascope")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def code_fingerprint() -> str:
    """A hash of `CODE_PACKAGES`' files (name, size, modification time): a development install
    changes its rules without changing its version number. Stats ~200 files, reads none (1 ms)."""
    digest = hashlib.sha256()
    for name in CODE_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None:
            continue
        if spec.submodule_search_locations is None and spec.origin:  # a module
            files = [(Path(spec.origin).name, os.stat(spec.origin))]
        else:
            files = [
                f for root in sorted(spec.submodule_search_locations or ()) for f in _files_under(Path(root))
            ]
        for path, stat in sorted(files):
            digest.update(f"{name}/{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _files_under(root: Path, prefix: str = "") -> Iterator[tuple[str, os.stat_result]]:
    with os.scandir(root) as entries:
        for entry in entries:
            if entry.name == "__pycache__" or entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                yield from _files_under(Path(entry.path), f"{prefix}{entry.name}/")
            elif entry.is_file():
                yield f"{prefix}{entry.name}", entry.stat()


@dataclass(frozen=True, eq=False)
class Verified:
    """Bytes read from the store whose MAC `AnalysisCache.fetch` checked (only it makes one)."""

    blob: bytes


class AnalysisCache:
    """The store of `CachedAnalysis` entries. Every method fails soft: a cache that cannot be read
    or written reads as empty and stores nothing."""

    def __init__(self, directory: Path | None = None, key: bytes | None = None) -> None:
        self.directory = directory or default_directory()
        self._key = key

    @property
    def key(self) -> bytes:
        if self._key is None:
            from estate.secrets import hash_key

            self._key = hash_key()
        return self._key

    def load(self, key: EntryKey) -> CachedAnalysis | None:
        """The entry for `key` if there is one, intact, written under our key; else None."""
        blob = self.fetch(key)
        return None if blob is None else self.parse(key, blob)

    def fetch(self, key: EntryKey) -> Verified | None:
        """The stored bytes for `key` if their MAC is ours; else None. Reading and hashing
        leave the interpreter lock free most of the time, so the app does it while it paints."""
        try:
            blob = self._read(key.store_key())
        except _STORE_ERRORS:
            return None
        if not isinstance(blob, bytes) or len(blob) < _MAC_SIZE:
            return None
        if not hmac.compare_digest(blob[:_MAC_SIZE], self._mac(memoryview(blob)[_MAC_SIZE:])):
            return None  # corrupt, tampered with, or written under another key
        return Verified(blob)

    def parse(self, key: EntryKey, verified: Verified) -> CachedAnalysis | None:
        """The entry in bytes `fetch` verified, if it is one of this format for exactly `key`."""
        try:
            with cyclic_gc_paused():
                return CachedAnalysis.from_payload(verified.blob, key.to_json(), start=_MAC_SIZE)
        except (ValueError, TypeError, KeyError):
            return None

    def store(self, key: EntryKey, entry: CachedAnalysis) -> bool:
        """Keep `entry` under `key`; False if it could not be (not plain JSON, larger than
        MAX_ENTRY_BYTES, or no cache)."""
        try:
            parts = entry.payload(key.to_json())
        except (TypeError, orjson.JSONEncodeError):
            return False  # a header that is not plain JSON: analyse again next time
        payload = _Payload([self._mac(*parts), *parts])  # written part by part: never joined in memory
        if payload.size > MAX_ENTRY_BYTES:
            return False
        try:
            with self._open() as store:
                store.set(key.store_key(), payload)
        except _STORE_ERRORS:
            return False
        return True

    def _mac(self, *parts: bytes | memoryview) -> bytes:
        mac = hmac.new(self.key, digestmod=hashlib.sha256)
        for part in parts:
            mac.update(part)
        return mac.digest()

    def _read(self, name: str) -> Any:
        if not (self.directory / "cache.db").is_file():
            return None  # no cache yet: do not create one to find it empty
        with self._open() as store:
            return store.get(name)

    def _open(self) -> diskcache.Cache:
        _private_dir(self.directory)
        _private_file(self.directory / "cache.db")  # SQLite gives its -wal and -shm files its mode
        return diskcache.Cache(
            str(self.directory),
            disk=_RawDisk,
            timeout=2,  # seconds waiting on another process's write: then a miss, not a hang
            eviction_policy="least-recently-stored",  # reads write nothing
            size_limit=SIZE_LIMIT,
        )


def key_for(path: Path, today: dt.date, settings: Settings, as_of: bool) -> EntryKey | None:
    """The entry key of the snapshot file at `path` (None if it cannot be read: the snapshot
    loader says why). `as_of`: the day was given, not today's date."""
    try:
        return EntryKey.of(snapshot_digest(path), today, settings, as_of)
    except OSError:
        return None


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)


def _private_file(path: Path) -> None:
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)


def worth_caching(findings: int) -> bool:
    """Whether an analysis with this many findings is cached (`MAX_FINDINGS`): asked before its
    entry is made, which costs as much memory again as the findings' JSON."""
    return findings <= MAX_FINDINGS


class _Payload:
    """An entry's bytes as the parts `CachedAnalysis.payload` made (the MAC first), written to the
    value file one after the other (`_RawDisk.store`): joined, a 10,000-function entry was one
    more 150 MB copy."""

    def __init__(self, parts: list[bytes | memoryview]) -> None:
        self.parts = parts
        self.size = sum(map(len, parts))


class _RefusedValue(Exception):
    """A row that is not raw bytes or a string key: never deserialised."""


_STORE_ERRORS = (OSError, sqlite3.Error, diskcache.Timeout, _RefusedValue)
"""A store that cannot be opened, read or written (a file in the way, a corrupt database, a
lock held too long, a row we will not deserialise): the cache is skipped, never the command."""


class _RawDisk(diskcache.Disk):
    """diskcache's serialisation limited to raw bytes values and string keys: the base class
    unpickles rows whose mode says pickle, and a row's mode is whatever the database file says."""

    def put(self, key: Any) -> tuple[Any, bool]:
        if type(key) is not str:
            raise TypeError("analysis cache keys are strings")
        return super().put(key)

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise _RefusedValue
        return super().get(key, raw)

    def store(self, value: Any, read: bool, key: Any = diskcache.core.UNKNOWN) -> tuple[Any, ...]:
        if read or not isinstance(value, bytes | _Payload):
            raise TypeError("analysis cache values are bytes")
        parts = value.parts if isinstance(value, _Payload) else [value]
        size = value.size if isinstance(value, _Payload) else len(value)
        if size < self.min_file_size:
            return super().store(b"".join(parts), read, key)  # a blob in the database
        # A value file, written here part by part: the base class writes a BytesIO line by line
        # (4 million writes for an 80 MB entry), and it creates the file with the umask's mode.
        filename, full_path = self.filename(key, value)
        path = Path(full_path)
        _private_dir(path.parent.parent)
        _private_dir(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.writelines(parts)
        return size, diskcache.core.MODE_BINARY, filename, None

    def fetch(self, mode: int, filename: str | None, value: Any, read: bool) -> Any:
        if read or mode not in (diskcache.core.MODE_RAW, diskcache.core.MODE_BINARY):
            raise _RefusedValue
        return super().fetch(mode, filename, value, read)
