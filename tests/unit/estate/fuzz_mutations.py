"""Hostile mutations of raw responses, shared by the fuzz tests (tests/unit/estate/test_fuzz_*.py)
and the larger run in benchmarks/fuzz_snapshots.py.

A mutation replaces one value anywhere inside one raw response (or deletes one key) with a value
of another JSON type, a huge string, or text carrying terminal escapes and Rich markup; the
snapshot is then exported again, so every member's sha256 matches: the file is "intact" and
still wrong, which is what a snapshot from someone else can be.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from estate.snapshot import CoverageEntry, Record, Snapshot, export_snapshot
from estate.sources.dumps.accepted_files import KINDS

DELETE = "<delete the key>"
ESCAPES = (
    "\x1b[2J\x1b[31mred\x1b[0m [bold red]markup[/] \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 \u202e"
)
HOSTILE: tuple[Any, ...] = (
    None,
    "",
    "text",
    "A" * 200_000,
    ESCAPES,
    0,
    -1,
    2**62,
    3.5,
    True,
    False,
    [],
    {},
    [None, 1, "x"],
    {"x": None},
    {"Error": "not an error document"},
    DELETE,
)
Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Mutation:
    """Replace the value at `path` in record number `index`'s response with `value`."""

    index: int
    path: Path_
    value: Any

    def label(self, snapshot: Snapshot) -> str:
        key = snapshot.records[self.index].key
        return f"{key.service}.{key.operation} {described(self.path, self.value)}"


def described(path: Path_, value: Any) -> str:
    """`$.a[0].b := value`, a long value abbreviated."""
    shown = value if not isinstance(value, str) or len(value) < 40 else f"<{len(value)} characters>"
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    return f"${where} := {shown!r}"


def json_paths(value: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    """Every position in a JSON value: the value itself, then each member and element, depth first."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield from json_paths(item, (*prefix, position))


def applied(response: Any, path: Path_, value: Any) -> Any:
    """A copy of `response` with `value` at `path` (DELETE removes a key; at the root, a list
    element or a deleted root it stands for null)."""
    if not path:
        return None if value == DELETE else value
    out = copy.deepcopy(response)
    parent = out
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if value == DELETE and isinstance(parent, dict):
        del parent[last]
    else:
        parent[last] = None if value == DELETE else value
    return out


def mutated(snapshot: Snapshot, mutation: Mutation) -> Snapshot:
    records = list(snapshot.records)
    record = records[mutation.index]
    records[mutation.index] = Record(record.key, applied(record.response, mutation.path, mutation.value))
    return Snapshot(snapshot.manifest, records)


def without(snapshot: Snapshot, index: int) -> Snapshot:
    """The snapshot with record `index` left out and a failed read in its place (what a refused
    read looks like): the reference a malformed record must be analysed as."""
    key = snapshot.records[index].key
    gap = CoverageEntry(key.account, key.region, key.service, key.operation, "error", "reference")
    manifest = snapshot.manifest
    records = [r for i, r in enumerate(snapshot.records) if i != index]
    return Snapshot(type(manifest)(**{**_fields(manifest), "coverage": (*manifest.coverage, gap)}), records)


def _fields(manifest: Any) -> dict[str, Any]:
    return {name: getattr(manifest, name) for name in manifest.__dataclass_fields__}


def random_mutation(snapshot: Snapshot, rng: random.Random, indexes: list[int] | None = None) -> Mutation:
    """One mutation: a record (from `indexes` if given), a position in it, a hostile value."""
    index = rng.choice(indexes if indexes is not None else range(len(snapshot.records)))
    paths = list(json_paths(snapshot.records[index].response))
    return Mutation(index, rng.choice(paths), rng.choice(HOSTILE))


def by_service(snapshot: Snapshot) -> dict[str, list[int]]:
    """Record numbers per service, so a run can cover every service's records in turn."""
    out: dict[str, list[int]] = {}
    for number, record in enumerate(snapshot.records):
        out.setdefault(record.key.service, []).append(number)
    return dict(sorted(out.items()))


def signed(snapshot: Snapshot, path: Path) -> Path:
    """Export the snapshot: every member's sha256 is recomputed, as anyone can."""
    return export_snapshot(snapshot, path)


# --- AWS CLI dumps ------------------------------------------------------------------------


def demo_dump(snapshot: Snapshot, root: Path) -> dict[Path, Any]:
    """The demo's responses written as an AWS CLI dump (scripts/dump-estate.sh's layout): every
    listing the import accepts, and the per-function files of its first region. Returns what
    each file holds, so a test can mutate one and write it again."""
    account = snapshot.manifest.accounts[0]
    region = snapshot.manifest.regions[0]
    files: dict[Path, Any] = {}
    for kind in KINDS:
        if kind.stored_as is not None:
            continue
        scope = "global" if kind.scope == "global" else region
        records = [
            r
            for r in snapshot.responses(kind.service, kind.operation)
            if r.key.account == account and r.key.region == scope
        ]
        if not records or "Error" in (records[0].response or {}):
            continue
        if kind.per is None:
            files[root / scope / f"{kind.stem}.json"] = _as_printed(records[0].response)
        elif kind.per.listing == "lambda-list-functions":
            for record in records:
                ident = str(next(iter(record.key.params.values()), ""))
                refused = isinstance(record.response, dict) and "Error" in record.response
                if ident.count(":") in (0, 6) and not refused:  # the function, not an alias
                    name = ident.rsplit(":", 1)[-1]
                    files[root / scope / kind.stem / f"{name}.json"] = _as_printed(record.response)
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))
    return files


def _as_printed(response: Any) -> Any:
    """The response as the CLI prints it: env var values as text (the snapshot kept only their
    length and digest; the import redacts them again)."""
    out = copy.deepcopy(response)
    for key in ("Functions", "Versions"):
        for function in out.get(key) or () if isinstance(out, dict) else ():
            variables = (function.get("Environment") or {}).get("Variables")
            if isinstance(variables, dict):
                for name, value in variables.items():
                    if isinstance(value, dict):
                        variables[name] = "v" * int(value.get("length", 1))
    return out
