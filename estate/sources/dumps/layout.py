"""Where the files of a dump directory are, and what each one is.

Two layouts are accepted:

    DIR/global/<stem>.json               account-wide (IAM, S3)
    DIR/<region>/<stem>.json             one file per listing
    DIR/<region>/<stem>/<name>.json      one file per resource (function, bucket, key, ...)

or, for one region, the same files flat in DIR (`--region` names the region unless the
functions' ARNs tell it). Resource names are the file names with "/" written as "%2F" (secret
and log group names may contain slashes); a function alias's policy is `<function>@<alias>.json`.
Anything else in the directory is an error, so a typo never silently becomes a coverage gap.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from estate.errors import LambdascopeError
from estate.sources.dumps.accepted_files import KINDS_BY_STEM
from estate.sources.dumps.files import shown
from estate.sources.dumps.foreign import foreign_line
from estate.sources.dumps.kinds import FileKind

REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
GLOBAL = "global"


@dataclass(frozen=True, slots=True)
class DumpFile:
    path: Path
    kind: FileKind
    resource: str | None = None  # per-resource files: the resource name, decoded


@dataclass
class ScopeFiles:
    """The files of one scope: "global" or a region."""

    scope: str
    listings: dict[str, DumpFile] = field(default_factory=dict)  # stem -> file
    per_resource: dict[str, list[DumpFile]] = field(default_factory=dict)  # stem -> files


def _visible(path: Path) -> bool:
    return not path.name.startswith(".")


def discover(root: Path, regions: tuple[str, ...]) -> tuple[dict[str, ScopeFiles], bool]:
    """The dump's files by scope, and whether the layout is flat (one region, no subdirectories)."""
    if not root.is_dir():
        raise LambdascopeError(
            foreign_line(root, str(root)) or f"{root} is not a directory of AWS CLI outputs"
        )
    entries = sorted(p for p in root.iterdir() if _visible(p))
    nested = [p for p in entries if p.is_dir() and (p.name == GLOBAL or REGION.match(p.name))]
    if not nested:
        return _flat(root, entries), True
    stray = [p for p in entries if p not in nested]
    if stray:
        raise LambdascopeError(
            foreign_line(stray[0], shown(stray[0], root))
            or f"{shown(stray[0], root)}: unexpected in a dump directory with region subdirectories "
            "(expected only global/ and <region>/ directories)"
        )
    present = [p.name for p in nested if p.name != GLOBAL]
    scopes: dict[str, ScopeFiles] = {}
    for region in regions:
        if not REGION.match(region):
            raise LambdascopeError(f"not a region name: {region!r}")
        if not (root / region).is_dir():
            if present:  # likely a typo: say which regions the dump holds
                raise LambdascopeError(
                    f"{root}: no directory for region {region} (the dump has {', '.join(present)})"
                )
            # Only global/: the account-wide reads, and every read of the region is a gap.
            scopes[region] = ScopeFiles(region)
    for directory in nested:
        if directory.name != GLOBAL and regions and directory.name not in regions:
            continue
        scope = ScopeFiles(directory.name)
        for entry in sorted(p for p in directory.iterdir() if _visible(p)):
            _add(scope, entry, root, GLOBAL if directory.name == GLOBAL else "region")
        scopes[directory.name] = scope
    return scopes, False


def _flat(root: Path, entries: list[Path]) -> dict[str, ScopeFiles]:
    """Flat layout: regional and global files side by side; the region is settled later."""
    regional, account_wide = ScopeFiles(""), ScopeFiles(GLOBAL)
    for entry in entries:
        kind = _kind_of(entry, root)
        _add(account_wide if kind.scope == GLOBAL else regional, entry, root, kind.scope)
    return {"": regional, GLOBAL: account_wide}


def _kind_of(entry: Path, root: Path) -> FileKind:
    stem = entry.name[: -len(".json")] if entry.is_file() and entry.name.endswith(".json") else entry.name
    kind = KINDS_BY_STEM.get(stem)
    if kind is None:
        foreign = foreign_line(entry, shown(entry, root))
        if foreign is not None:
            raise LambdascopeError(foreign)
        raise LambdascopeError(
            f"{shown(entry, root)}: unknown file name (accepted names are listed in the README, "
            "e.g. lambda-list-functions.json, lambda-get-policy/<function>.json)"
        )
    return kind


def _add(scope: ScopeFiles, entry: Path, root: Path, where: str) -> None:
    kind = _kind_of(entry, root)
    if kind.scope != where:
        home = "global/" if kind.scope == GLOBAL else "a <region>/ directory"
        raise LambdascopeError(
            f"{shown(entry, root)}: {kind.stem} is read once per account; it belongs in {home}"
            if kind.scope == GLOBAL
            else f"{shown(entry, root)}: {kind.stem} is per region; it belongs in {home}"
        )
    if kind.per is None:
        if not entry.is_file():
            raise LambdascopeError(
                f"{shown(entry, root)}: expected a file {kind.stem}.json, found a directory"
            )
        scope.listings[kind.stem] = DumpFile(entry, kind)
        return
    if not entry.is_dir():
        raise LambdascopeError(
            f"{shown(entry, root)}: {kind.stem} is one file per resource: a directory {kind.stem}/<name>.json"
        )
    files = []
    for item in sorted(p for p in entry.iterdir() if _visible(p)):
        if not item.is_file() or not item.name.endswith(".json") or item.name == ".json":
            raise LambdascopeError(f"{shown(item, root)}: expected <{kind.per.noun} name>.json files only")
        files.append(DumpFile(item, kind, urllib.parse.unquote(item.name[: -len(".json")])))
    scope.per_resource[kind.stem] = files
