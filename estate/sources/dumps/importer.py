"""Build a snapshot from a directory of AWS CLI outputs (`lambdascope import DIR -o FILE.lsnap`).

Each file becomes the record the live collector would have stored for the same data (same
account, region, service, operation and request parameters; see kinds.py), so the model parser
reads an import exactly as it reads a collection. The manifest's coverage says, per account,
region and operation, what the dump held ("ok"), what it refused (the CLI's saved error text:
denied, throttled...), and what it lacks: status "missing", detail "not in the dump", for
every read the live collector makes that the dump does not answer. A per-resource file that is
absent leaves that resource "unknown"; only an empty file (or the CLI's not-found error text)
says "there is none".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from estate.errors import LambdascopeError
from estate.secrets import redact_environment
from estate.snapshot import CoverageEntry, Manifest, Record, RecordKey, Snapshot, normalise, utc_now_iso
from estate.sources.dumps.accepted_files import KINDS, NOT_IMPORTED
from estate.sources.dumps.files import CliError, read_dump_file, shown
from estate.sources.dumps.kinds import FUNCTION, TABLE, FileKind, Resource, ResourceType
from estate.sources.dumps.layout import GLOBAL, DumpFile, ScopeFiles, discover
from estate.sources.dumps.per_resource import PerResource
from estate.sources.dumps.shapes import MALFORMED_CODE
from estate.sources.live.calls import classify_error
from estate.sources.live.coverage import condense
from estate.sources.live.lambda_ import redact_functions

NOT_IN_DUMP = "not in the dump"
_ACCOUNT_LISTINGS = {
    "lambda-list-functions": ("Functions", "FunctionArn"),
    "iam-get-account-authorization-details": ("RoleDetailList", "Arn"),
    "kms-list-keys": ("Keys", "KeyArn"),
    "sns-list-topics": ("Topics", "TopicArn"),
    "secretsmanager-list-secrets": ("SecretList", "ARN"),
}


@dataclass(frozen=True)
class ImportOptions:
    directory: Path
    regions: tuple[str, ...] = ()  # nested layout: only these regions; flat layout: its one region
    account: str | None = None  # else read from the ARNs in the dump
    keep_secrets: bool = False


Listings = dict[str, dict[str, dict[str, Any] | CliError]]  # scope -> stem -> content


def import_dump(options: ImportOptions) -> Snapshot:
    """The snapshot of the dump in `options.directory`; a LambdascopeError names any bad file."""
    root = Path(options.directory)
    scopes, flat = discover(root, tuple(dict.fromkeys(options.regions)))
    listings: Listings = {
        scope: {stem: read_dump_file(f.path, root, f.kind) for stem, f in files.listings.items()}
        for scope, files in scopes.items()
    }
    if flat:
        region = _flat_region(options.regions, listings[""], root)
        scopes[region] = replace(scopes.pop(""), scope=region)
        listings[region] = listings.pop("")
    if not any(files.listings or files.per_resource for files in scopes.values()):
        raise LambdascopeError(
            f"{root}: no AWS CLI outputs found (see the README for the accepted file names)"
        )
    account = _account(options.account, listings, root)
    regions = sorted(s for s in scopes if s != GLOBAL)
    builder = ImportBuilder(root, account, options.keep_secrets, tuple(regions))
    for scope in [GLOBAL, *regions]:
        builder.scope(scopes.get(scope, ScopeFiles(scope)), listings.get(scope, {}))
    start, end = _metrics_window(builder.records.values())
    manifest = Manifest(
        created_at=utc_now_iso(),
        source="import",
        accounts=(account,),
        regions=tuple(regions),
        coverage=condense(builder.final_coverage()),
        secrets_kept=options.keep_secrets,
        metrics_start=start,
        metrics_end=end,
    )
    return Snapshot(manifest, [builder.records[k] for k in sorted(builder.records)])


def _metrics_window(records: Iterable[Record]) -> tuple[str | None, str | None]:
    """The metrics window the dump's GetMetricData requests cover (as a collection records it)."""
    starts, ends = [], []
    for record in records:
        if (record.key.service, record.key.operation) == ("cloudwatch", "GetMetricData"):
            starts.append(dt.datetime.fromisoformat(str(record.key.params["StartTime"])))
            ends.append(dt.datetime.fromisoformat(str(record.key.params["EndTime"])))
    if not starts:
        return None, None
    return min(starts).isoformat(), max(ends).isoformat()


def _function_arns(content: Mapping[str, Any] | CliError | None) -> list[str]:
    if not isinstance(content, Mapping):
        return []
    return [str(f.get("FunctionArn", "")) for f in content.get("Functions") or () if isinstance(f, Mapping)]


def _flat_region(regions: tuple[str, ...], listed: Mapping[str, Any], root: Path) -> str:
    if len(set(regions)) > 1:
        raise LambdascopeError(
            f"{root}: a flat dump holds one region; use DIR/<region>/ directories for several"
        )
    found = {
        arn.split(":")[3]
        for arn in _function_arns(listed.get("lambda-list-functions"))
        if arn.count(":") >= 6
    }
    if regions:
        return regions[0]
    if len(found) == 1:
        return found.pop()
    if found:
        raise LambdascopeError(f"{root}: lambda-list-functions.json lists several regions; give --region")
    raise LambdascopeError(f"{root}: cannot tell the dump's region from its files; give --region")


def _account(given: str | None, listings: Listings, root: Path) -> str:
    found: dict[str, str] = {}
    for scope, files in listings.items():
        for stem, (list_key, arn_key) in _ACCOUNT_LISTINGS.items():
            content = files.get(stem)
            if not isinstance(content, Mapping):
                continue
            for item in content.get(list_key) or ():
                parts = str(item.get(arn_key, "")).split(":") if isinstance(item, Mapping) else []
                if len(parts) > 4 and parts[4].isdigit() and len(parts[4]) == 12:
                    found.setdefault(parts[4], shown(root / scope / f"{stem}.json", root))
    if given is not None:
        if not (len(given) == 12 and given.isdigit()):
            raise LambdascopeError(f"not an AWS account id (12 digits): {given!r}")
        others = {a: f for a, f in found.items() if a != given}
        if others:
            account, where = next(iter(sorted(others.items())))
            raise LambdascopeError(f"{where}: names account {account}, not --account {given}")
        return given
    if len(found) > 1:
        raise LambdascopeError(
            f"the dump names several accounts ({', '.join(sorted(found))}); give --account"
        )
    if not found:
        raise LambdascopeError("cannot tell the account id from the dump's ARNs; give --account")
    return next(iter(found))


def _table_arn(account: str, region: str, name: str) -> str:
    partition = (
        "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"
    )
    return f"arn:{partition}:dynamodb:{region}:{account}:table/{name}"


class ImportBuilder:
    """Records and coverage entries for one import, scope by scope."""

    def __init__(self, root: Path, account: str, keep_secrets: bool, regions: tuple[str, ...]) -> None:
        self.root = root
        self.account = account
        self.keep_secrets = keep_secrets
        self.regions = regions
        self.records: dict[str, Record] = {}  # by encoded key: the first file for a key wins
        self.coverage: list[CoverageEntry] = []

    def note(self, scope: str, kind: FileKind | tuple[str, str], status: str, detail: str) -> None:
        service, operation = (kind.service, kind.record_operation) if isinstance(kind, FileKind) else kind
        self.coverage.append(CoverageEntry(self.account, scope, service, operation, status, detail))

    def put(self, scope: str, kind: FileKind, resource: Resource | None, response: Any) -> None:
        params = normalise(kind.params(resource))
        key = RecordKey(self.account, scope, kind.service, kind.record_operation, params)
        # A dump's content is parsed JSON already (what `normalise` makes of an SDK response; the
        # CLI strips ResponseMetadata): normalising again cost 80% of a 10,000-function import.
        self.records.setdefault(key.encode(), Record(key, response))

    def scope(self, files: ScopeFiles, listed: Mapping[str, dict[str, Any] | CliError]) -> None:
        where = GLOBAL if files.scope == GLOBAL else "region"
        kinds = [k for k in KINDS if k.scope == where]
        read: dict[str, Mapping[str, Any]] = {}
        for kind in (k for k in kinds if k.per is None and k.stored):  # requests: read with their output
            found = files.listings.get(kind.stem)
            content = listed.get(kind.stem)
            if found is None or content is None:
                self.note(files.scope, kind, "missing", NOT_IN_DUMP)
                continue
            if isinstance(content, CliError):
                self.note(files.scope, kind, classify_error(content.code), content.detail())
                continue
            request = self._request(kind, found, listed)
            if isinstance(request, CliError):  # a malformed request's message names its file
                self.note(files.scope, kind, classify_error(request.code), request.detail())
                continue
            if kind.stem == FUNCTION.listing:
                content = self._functions(found, content, files.scope)
            read[kind.stem] = content
            self.put(files.scope, kind, request, content)
            count = len(content.get(kind.count_key) or ()) if kind.count_key else 0
            detail = f"{count} {kind.count_key} from {shown(found.path, self.root)}"
            if content.get("NextToken"):  # the CLI's --max-items stopped before the last page
                detail += "; cut short by --max-items (NextToken), the rest not read"
            self.note(files.scope, kind, "ok", detail)
        resources = {
            kind.per.listing: self._listed(kind.per, read[kind.per.listing], files.scope)
            for kind in kinds
            if kind.per is not None and kind.per.listing is not None and kind.per.listing in read
        }
        malformed = {
            stem: content.message
            for stem, content in listed.items()
            if isinstance(content, CliError) and content.code == MALFORMED_CODE
        }
        refused = {
            stem: (classify_error(content.code), content.code)
            for stem, content in listed.items()
            if isinstance(content, CliError) and content.code != MALFORMED_CODE
        }
        PerResource(self, files, resources, malformed, refused).run([k for k in kinds if k.per is not None])
        for service_operation in NOT_IMPORTED[where]:
            self.note(files.scope, service_operation, "missing", NOT_IN_DUMP)

    def _request(
        self, kind: FileKind, found: DumpFile, listed: Mapping[str, dict[str, Any] | CliError]
    ) -> Resource | CliError | None:
        """The request an output answers (its window: the record's parameters) as the resource
        its parameters are made from; None for an output that needs none."""
        if kind.request is None:
            return None
        request = listed.get(kind.request)
        if request is None:
            raise LambdascopeError(
                f"{shown(found.path, self.root)}: needs {kind.request}.json in the same directory "
                "(the --cli-input-json request it answers: the window and filter the output does not repeat)"
            )
        return request if isinstance(request, CliError) else Resource(kind.request, kind.request, request)

    def _listed(self, rtype: ResourceType, content: Mapping[str, Any], scope: str) -> dict[str, Resource]:
        out = {}
        for resource in rtype.extract(content):
            if rtype is TABLE:
                resource = replace(resource, ident=_table_arn(self.account, scope, resource.name))
            out[resource.name] = resource
        return out

    def _functions(self, found: DumpFile, content: dict[str, Any], region: str) -> dict[str, Any]:
        """Check the functions are of this region; redact env var values as the collector does."""
        for arn in _function_arns(content):
            parts = arn.split(":")
            if len(parts) < 7 or parts[2] != "lambda":
                raise LambdascopeError(f"{shown(found.path, self.root)}: {arn!r} is not a function ARN")
            if parts[3] != region:
                raise LambdascopeError(
                    f"{shown(found.path, self.root)}: lists a function of region {parts[3]} "
                    f"in the dump of {region}"
                )
        if self.keep_secrets:
            return content
        return dict(redact_functions(normalise(content), redact_environment))

    def redact_versions(self, content: Mapping[str, Any]) -> dict[str, Any]:
        return dict(redact_functions(normalise(content), redact_environment))

    def final_coverage(self) -> list[CoverageEntry]:
        """Like the collector's mark_ok: a read with any gap in a scope is not also "ok" there."""
        gaps = {(c.account, c.region, c.service, c.operation) for c in self.coverage if c.status != "ok"}
        return [
            c
            for c in self.coverage
            if c.status != "ok" or (c.account, c.region, c.service, c.operation) not in gaps
        ]
