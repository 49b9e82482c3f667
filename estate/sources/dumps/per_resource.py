"""Per-resource dump files (`<stem>/<name>.json`): resolve each to its resource, store its record,
and say per operation whether the dump answered it for every resource the collector would ask.

A resource's file is matched by name against its region's listing (which gives the ARN, URL or
id the collector keys by), so a file for a resource the listing does not hold is an error, not a
silent orphan record. The CLI's not-found error text (or an empty file, for the reads whose
"none" is an error) becomes the same not-found record the collector stores; any other saved
error becomes a gap with the collector's classification (denied, throttled, ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from estate.errors import LambdascopeError
from estate.sources.dumps.files import CliError, read_dump_file, shown
from estate.sources.dumps.kinds import FUNCTION, TABLE, TRAIL, FileKind, Resource
from estate.sources.dumps.layout import DumpFile, ScopeFiles
from estate.sources.dumps.shapes import MALFORMED_CODE
from estate.sources.live.calls import NOT_FOUND_CODES, classify_error

_SHOW_NAMES = 10


class Builder(Protocol):
    """What the per-resource files need of the import they belong to (importer.ImportBuilder):
    a protocol, so this module does not import the importer that runs it."""

    root: Path
    keep_secrets: bool

    def put(self, scope: str, kind: FileKind, resource: Resource | None, response: Any) -> None: ...

    def note(self, scope: str, kind: FileKind | tuple[str, str], status: str, detail: str) -> None: ...

    def redact_versions(self, content: Mapping[str, Any]) -> dict[str, Any]: ...


def _url_config(content: Mapping[str, Any], function_arn: str) -> dict[str, Any]:
    """ListFunctionUrlConfigs as GetFunctionUrlConfig of the unqualified function (the collector's read)."""
    for config in content.get("FunctionUrlConfigs") or ():
        if isinstance(config, Mapping) and config.get("FunctionArn") == function_arn:
            return dict(config)
    return {
        "Error": {"Code": "ResourceNotFoundException", "Message": "no unqualified function URL in the dump"}
    }


class PerResource:
    """The per-resource files of one scope."""

    def __init__(
        self,
        builder: Builder,
        files: ScopeFiles,
        resources: dict[str, dict[str, Resource]],
        malformed: Mapping[str, str] | None = None,
        refused: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        self.builder = builder
        self.files = files
        self.resources = resources
        # listing stem -> why it was unusable: its per-resource files are a gap, not an error
        self.malformed = dict(malformed or {})
        # listing stem -> (status, reason) of the refusal it holds: the collector reads nothing under it
        self.refused = dict(refused or {})
        self.answered: dict[tuple[str, str], set[str]] = {}  # (service, operation) -> resource names
        self.responses: dict[tuple[str, str], Mapping[str, Any]] = {}  # (stem, name) -> response
        self.unusable: dict[str, set[str]] = {}  # stem -> names whose file was an error or malformed

    def run(self, kinds: list[FileKind]) -> None:
        for kind in kinds:
            for dump in self.files.per_resource.get(kind.stem, ()):
                self._file(kind, dump)
            self._list_nested(kind, kinds)
        seen: set[tuple[str, str]] = set()
        for kind in kinds:
            if kind.stored and (kind.service, kind.record_operation) not in seen:
                seen.add((kind.service, kind.record_operation))
                self._coverage(kind)

    def _list_nested(self, kind: FileKind, kinds: list[FileKind]) -> None:
        """Once a kind's files are read, the resources they name for the kinds nested on it
        (a bus's rules, a layer's versions): none when no file of it was usable."""
        nested = {k.per for k in kinds if k.per is not None and k.per.nested and k.per.listing == kind.stem}
        if not nested or not self.files.per_resource.get(kind.stem):
            return  # no file: the nested kinds are "not in the dump"
        usable = {name: r for (stem, name), r in self.responses.items() if stem == kind.stem}
        if not usable:
            self.malformed[kind.stem] = f"no file of {kind.stem}/ could be read"
            return
        for rtype in nested:
            self.resources[kind.stem] = {r.name: r for r in rtype.extract(usable)}

    def _resolve(self, kind: FileKind, dump: DumpFile) -> tuple[Resource, bool] | None:
        """The resource a file is about, and whether it is a function alias (`<function>@<alias>`);
        None for a nested file whose parent's file was unusable (that file's gap says why)."""
        assert kind.per is not None and dump.resource is not None
        if kind.per.listing is None:
            return Resource(dump.resource, dump.resource), False
        listed = self.resources.get(kind.per.listing)
        where = shown(dump.path, self.builder.root)
        if listed is None and kind.per.nested:
            raise LambdascopeError(
                f"{where}: needs {kind.per.listing}/ files in the same directory "
                f"(they name each {kind.per.noun[:-1]})"
            )
        if listed is None:
            raise LambdascopeError(
                f"{where}: needs {kind.per.listing}.json in the same directory "
                f"(it names each {kind.per.noun[:-1]})"
            )
        if kind.per.nested and dump.resource not in listed and self.unusable.get(kind.per.listing):
            return None
        name, alias = dump.resource, ""
        if kind.per is FUNCTION and kind.operation == "GetPolicy" and "@" in name:
            name, _, alias = name.partition("@")
        resource = listed.get(name)
        if resource is None:
            raise LambdascopeError(
                f"{where}: {kind.per.listing}.json lists no {kind.per.noun[:-1]} named {name!r}"
            )
        if alias:
            return Resource(dump.resource, f"{resource.ident}:{alias}", resource.extra), True
        return resource, False

    def _file(self, kind: FileKind, dump: DumpFile) -> None:
        if kind.per is not None and kind.per.listing in self.malformed:
            return  # cannot be resolved to a resource; _coverage names the listing
        resolved = self._resolve(kind, dump)
        if resolved is None:
            return
        resource, is_alias = resolved
        content = read_dump_file(dump.path, self.builder.root, kind)
        scope = self.files.scope
        if isinstance(content, CliError):
            self.unusable.setdefault(kind.stem, set()).add(resource.name)
        if not kind.stored:
            if isinstance(content, CliError):  # a request that cannot be read: its batch is a gap
                self.builder.note(scope, kind, classify_error(content.code), content.detail())
            else:
                self.responses[(kind.stem, resource.name)] = content
            return
        if not is_alias:
            self.answered.setdefault((kind.service, kind.record_operation), set()).add(resource.name)
        if isinstance(content, CliError):
            if content.code in NOT_FOUND_CODES:
                error = {"Error": {"Code": content.code, "Message": content.message}}
                self.builder.put(scope, kind, resource, error)
            else:
                detail = content.detail()
                if content.code != MALFORMED_CODE:  # a malformed file's message names it already
                    detail += f" ({shown(dump.path, self.builder.root)})"
                self.builder.note(scope, kind, classify_error(content.code), detail)
            return
        if kind.subject is not None:
            subject = kind.subject(content)
            if subject is not None and subject != resource.name:
                raise LambdascopeError(
                    f"{shown(dump.path, self.builder.root)}: is about {subject!r}, not {resource.name!r} "
                    "(file name and content differ)"
                )
        self.responses[(kind.stem, resource.name)] = content
        if kind.stored_as == "GetFunctionUrlConfig":
            content = _url_config(content, resource.ident)
        if kind.per is TABLE:
            arn = (content.get("Table") or {}).get("TableArn")
            if arn:  # the ARN AWS gave wins over the one built from account and region
                self.resources[str(TABLE.listing)][resource.name] = Resource(resource.name, str(arn))
        if kind.operation == "ListVersionsByFunction" and not self.builder.keep_secrets:
            content = self.builder.redact_versions(content)
        self.builder.put(scope, kind, resource, content)

    def _coverage(self, kind: FileKind) -> None:
        assert kind.per is not None
        scope, noun = self.files.scope, kind.per.noun
        if kind.per.listing is None:  # any name is a resource: as many as the dump holds
            answered = self.answered.get((kind.service, kind.record_operation), set())
            if answered:
                self.builder.note(scope, kind, "ok", f"{len(answered)} {noun}")
            else:
                self.builder.note(scope, kind, "missing", "not in the dump")
            return
        if kind.per.listing in self.refused:
            status, reason = self.refused[kind.per.listing]
            self.builder.note(
                scope, kind, status, f"not read: {kind.per.listing}.json holds a refusal ({reason})"
            )
            return
        listed = self.resources.get(kind.per.listing)
        if listed is None and kind.per.listing in self.malformed:
            reason = self.malformed[kind.per.listing]
            self.builder.note(scope, kind, "error", f"not read: its listing is unusable ({reason})")
            return
        if listed is None:
            self.builder.note(scope, kind, "missing", "not in the dump")
            return
        wanted = [
            name
            for name, resource in sorted(listed.items())
            if (
                kind.wanted is None
                or kind.wanted(resource, self.responses.get(("kms-describe-key", name), {}))
            )
            and (kind.per is not TRAIL or resource.extra.get("HomeRegion", scope) == scope)  # read at home
        ]
        answered = self.answered.get((kind.service, kind.record_operation), set())
        lacking = [name for name in wanted if name not in answered]
        if not lacking:
            self.builder.note(scope, kind, "ok", f"{len(wanted)} {noun}")
        elif len(lacking) == len(wanted):
            self.builder.note(scope, kind, "missing", "not in the dump")
        else:
            names = ", ".join(lacking[:_SHOW_NAMES]) + (" ..." if len(lacking) > _SHOW_NAMES else "")
            detail = f"not in the dump for {len(lacking)} of {len(wanted)} {noun}: {names}"
            self.builder.note(scope, kind, "missing", detail)
