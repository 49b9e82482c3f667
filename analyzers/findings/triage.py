"""Triage states: who looked at which finding, what they decided, when and why.

Kept in a plain TOML file (`lambdascope-triage.toml` beside `lambdascope.toml`, or `--triage
PATH`), one table per finding id, so it can be reviewed, committed and shared:

    [findings.3f2a9c0d1e4b5a6c]
    state = "investigating"          # acknowledged | investigating | false-positive | resolved | open
    author = "alice"
    at = 2026-12-07T09:30:00Z        # when the state was set (UTC)
    note = "paging the payments team"
    rule = "reach.public-invoke"     # for the reader; the key is the finding id
    resource = "arn:aws:lambda:..."

Risk accepted is not kept here: it is a suppression in `lambdascope.toml` (with its expiry,
`analyzers.findings.suppressions`), and a suppressed finding's status reads `risk-accepted`
whatever its triage. Findings ids are stable across snapshots, so states carry over; a finding marked
`resolved` before a snapshot was collected that the snapshot still has is re-opened, visibly
(`Triage.reopened`, status `open`).

Two people may write one file: `record` takes a lock beside it, re-reads it, merges per finding
(the later `at` wins) and replaces it atomically, so neither loses the other's entries. A file
that cannot be read or parsed is one `LambdascopeError` naming it and the key, and nothing is
written over it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from analyzers.findings.atomic_write import write_text_atomic
from analyzers.findings.model import TRIAGE_STATES, Finding, Triage
from estate.errors import LambdascopeError

FILE_NAME = "lambdascope-triage.toml"
FILE_STATES = tuple(s for s in TRIAGE_STATES if s != "risk-accepted")
"""The states the triage file holds (risk accepted is a suppression in lambdascope.toml)."""
ENTRY_KEYS = frozenset({"state", "author", "at", "note", "rule", "resource"})
HEADER = (
    "# lambdascope triage states, one table per finding id (`lambdascope findings --format json`).\n"
    "# Written by lambdascope; safe to review, edit and commit. The later `at` wins on merge.\n"
)


@dataclass(frozen=True, slots=True)
class TriageEntry:
    """One finding's triage as the file keeps it: the verdict, and (for the reader) what it is about."""

    finding_id: str
    triage: Triage
    rule: str = ""
    resource: str = ""


@dataclass(frozen=True)
class TriageBook:
    """Every finding's latest triage, by finding id. `source` is the file states are written to
    (None: no file in play); `found`: it existed when read (reports name only a file that did)."""

    entries: Mapping[str, TriageEntry] = field(default_factory=dict)
    source: Path | None = None
    found: bool = False

    @property
    def read_from(self) -> Path | None:
        """The file the states came from, if there was one."""
        return self.source if self.found else None

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, finding_id: str) -> Triage | None:
        entry = self.entries.get(finding_id)
        return entry.triage if entry else None

    def merged(self, other: Iterable[TriageEntry]) -> TriageBook:
        """This book with `other`'s entries merged in: per finding, the later `at` wins (on a tie,
        `other`'s, the newer write)."""
        out = dict(self.entries)
        for entry in other:
            mine = out.get(entry.finding_id)
            if mine is None or entry.triage.at >= mine.triage.at:
                out[entry.finding_id] = entry
        return TriageBook(out, self.source, self.found)


def _error(path: Path, key: str, problem: str) -> LambdascopeError:
    return LambdascopeError(f"{path}: {key}: {problem}")


def default_path(config: Path | None, cwd: Path) -> Path:
    """`lambdascope-triage.toml` beside the settings file in force, else in `cwd`."""
    return (config.parent if config is not None else cwd) / FILE_NAME


def load_triage(path: Path) -> TriageBook:
    """The book in `path`; an empty one (with that source) if there is no such file yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return TriageBook(source=path)
    except (OSError, UnicodeDecodeError) as exc:
        raise LambdascopeError(f"{path}: cannot read triage file ({exc})") from None
    return parse_triage(text, path)


def parse_triage(text: str, path: Path) -> TriageBook:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LambdascopeError(f"{path}: not valid TOML ({exc})") from None
    unknown = sorted(set(data) - {"findings"})
    if unknown:
        raise _error(path, unknown[0], "unknown key (expected [findings.<id>] tables)")
    tables = data.get("findings", {})
    if not isinstance(tables, dict):
        raise _error(path, "findings", "expected tables [findings.<finding id>]")
    entries = {fid: _entry(fid, value, path) for fid, value in tables.items()}
    return TriageBook(entries, path, found=True)


def _entry(finding_id: str, value: Any, path: Path) -> TriageEntry:
    where = f"findings.{finding_id}"
    if not finding_id or not isinstance(value, dict):
        raise _error(path, where, "expected a table with state, author, at, note")
    unknown = sorted(set(value) - ENTRY_KEYS)
    if unknown:
        raise _error(path, f"{where}.{unknown[0]}", "unknown key")
    state = value.get("state")
    if state == "risk-accepted":
        raise _error(path, f"{where}.state", "risk accepted is a suppression: add it to lambdascope.toml")
    if state not in FILE_STATES:
        raise _error(path, f"{where}.state", f"expected one of {', '.join(FILE_STATES)}")
    for key in ("author", "note", "rule", "resource"):
        if not isinstance(value.get(key, ""), str):
            raise _error(path, f"{where}.{key}", "expected a string")
    if not value.get("author", "").strip():
        raise _error(path, f"{where}.author", "required, a non-empty string")
    at = value.get("at")
    if not isinstance(at, dt.datetime) or at.tzinfo is None:
        raise _error(path, f"{where}.at", "expected a date-time with its offset (2026-12-07T09:30:00Z)")
    triage = Triage(state, value["author"], at.astimezone(dt.UTC), value.get("note", ""))
    return TriageEntry(finding_id, triage, value.get("rule", ""), value.get("resource", ""))


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, except DEL, which TOML also wants escaped."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_key(finding_id: str) -> str:
    return finding_id if finding_id.replace("-", "").replace("_", "").isalnum() else _toml_string(finding_id)


def triage_toml(book: TriageBook) -> str:
    """The file's text: the header, then one table per finding, by id (stable diffs)."""
    parts = [HEADER.rstrip("\n")]
    for fid in sorted(book.entries):
        entry = book.entries[fid]
        t = entry.triage
        parts += [
            "",
            f"[findings.{_toml_key(fid)}]",
            f"state = {_toml_string(t.state)}",
            f"author = {_toml_string(t.author)}",
            f"at = {t.at.astimezone(dt.UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}",
            f"note = {_toml_string(t.note)}",
        ]
        if entry.rule:
            parts.append(f"rule = {_toml_string(entry.rule)}")
        if entry.resource:
            parts.append(f"resource = {_toml_string(entry.resource)}")
    return "\n".join(parts) + "\n"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on `<file>.lock` beside the file, for the read-merge-replace."""
    lock = path.with_name(f".{path.name}.lock")
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise LambdascopeError(f"{path}: cannot lock triage file ({exc})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def record(path: Path, entries: Iterable[TriageEntry]) -> TriageBook:
    """Write `entries` into the file at `path` and return the merged book.

    Under the lock: re-read the file (another writer may have added entries since we last read
    it), merge per finding by time, replace the file atomically. A file that cannot be read or
    parsed raises before anything is written."""
    new = list(entries)
    with _locked(path):
        merged = load_triage(path).merged(new)
        write_text_atomic(path, triage_toml(merged))
    return replace(merged, found=True)


def mark(finding: Finding, state: str, author: str, note: str, at: dt.datetime) -> TriageEntry:
    """The entry setting `finding` to `state`; ValueError for a state the file cannot hold or a
    missing author."""
    if state not in FILE_STATES:
        raise ValueError(f"{state!r} is not a triage state ({', '.join(FILE_STATES)})")
    if not author.strip():
        raise ValueError("an author is required")
    return TriageEntry(
        finding.id, Triage(state, author.strip(), at, note.strip()), finding.rule.id, finding.resource
    )


def collected_at(created_at: object) -> dt.datetime | None:
    """A snapshot's `created_at` as an aware date-time (None if it is not one)."""
    if not isinstance(created_at, str):
        return None
    try:
        when = dt.datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def apply_triage(
    findings: Iterable[Finding], book: TriageBook, collected: dt.datetime | None
) -> list[Finding]:
    """Each finding with its triage from `book` (a finding without one is returned as is, the same
    object). A `resolved` mark set before the snapshot was `collected` is re-opened: the finding
    is still there. Without a collection time nothing is re-opened."""
    if not book:  # nothing triaged (most runs): one pass, no look-up per finding
        return [f if f.triage is None else replace(f, triage=None) for f in findings]
    out: list[Finding] = []
    for finding in findings:
        triage = book.get(finding.id)
        if triage is None:
            out.append(finding if finding.triage is None else replace(finding, triage=None))
            continue
        if triage.state == "resolved" and collected is not None and triage.at < collected:
            triage = replace(triage, reopened=True)
        out.append(replace(finding, triage=triage))
    return out


def count_by_status(findings: Iterable[Finding]) -> dict[str, int]:
    """How many findings have each status, in TRIAGE_STATES order, zeros left out."""
    order = list(TRIAGE_STATES)
    counts = dict.fromkeys(order, 0)
    for finding in findings:
        counts[finding.status] = counts.get(finding.status, 0) + 1
    return {status: n for status, n in counts.items() if n}
