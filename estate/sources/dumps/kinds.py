"""The accepted dump files: one `FileKind` per AWS CLI command, mapped to the live collector's record.

A file kind names the CLI command whose output the file holds (its file stem, e.g.
`lambda-get-policy`), the (service, operation) the live collector stores for that data, and the
request parameters it stores it under (estate/sources/live/*.py), so the one model parser reads
live collections and imports alike. Listing kinds are one file per region (or `global`);
per-resource kinds are a directory of `<resource-name>.json` files, resolved to ARNs, URLs or ids
through the region's listing (the collector keys most per-resource reads by ARN). The table
itself is in accepted_files.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Resource:
    """One listed resource: `name` is what its dump file is called, `ident` what the collector keys by."""

    name: str
    ident: str
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ResourceType:
    """A resource kind read per resource: which listing enumerates it and how."""

    noun: str
    # The stem of the listing that names the resources; None: any file name is a resource (the
    # name is the id itself, e.g. an organization node or a metric batch).
    listing: str | None
    extract: Callable[[Mapping[str, Any]], list[Resource]]
    # The listing is itself a per-resource kind (rules of each bus, versions of each layer):
    # `extract` then gets {file name: response} of that kind's files.
    nested: bool = False


@dataclass(frozen=True, slots=True)
class FileKind:
    stem: str
    service: str
    operation: str
    scope: str  # "global" or "region"
    shape: tuple[str, ...]  # the response must be an object with at least one of these keys
    params: Callable[[Resource | None], dict[str, Any]]
    per: ResourceType | None = None
    empty: str | None = None  # what an empty file means: "{}" or a not-found error code
    count_key: str | None = None  # listings: the list whose length the coverage reports
    # Per-resource kinds the collector reads for some resources only (e.g. rotation status).
    wanted: Callable[[Resource, Mapping[str, Any]], bool] | None = None
    # The name a response says it is about, checked against the file name.
    subject: Callable[[Mapping[str, Any]], str | None] | None = None
    # The collector reads a (Get) record of another operation from this command's output.
    stored_as: str | None = None
    # False for a file that is not an AWS answer but the request another file answers
    # (GetMetricData queries): read and checked, never stored, never a coverage entry.
    stored: bool = True
    # Rewrites what some AWS CLI versions print differently from the SDK (CLI v1 prints some
    # timestamps as epoch numbers) before the shape check; must accept any JSON value.
    prepare: Callable[[Any], Any] | None = None
    # The stem of the file beside this one holding the `--cli-input-json` request it answers
    # (a listing kind with stored=False): `params` gets that request as its resource's `extra`.
    request: str | None = None

    @property
    def record_operation(self) -> str:
        return self.stored_as or self.operation


def _items(key: str, name: str, ident: str | None = None) -> Callable[[Mapping[str, Any]], list[Resource]]:
    def extract(response: Mapping[str, Any]) -> list[Resource]:
        out = []
        for item in response.get(key) or ():
            if isinstance(item, Mapping) and item.get(name):
                out.append(Resource(str(item[name]), str(item.get(ident or name) or item[name]), item))
        return out

    return extract


def _tables(response: Mapping[str, Any]) -> list[Resource]:
    """`ident` is filled in with the table ARN by the importer (the listing only has names)."""
    return [Resource(str(n), str(n)) for n in response.get("TableNames") or () if n]


def _queues(response: Mapping[str, Any]) -> list[Resource]:
    return [Resource(str(u).rstrip("/").rsplit("/", 1)[-1], str(u)) for u in response.get("QueueUrls") or ()]


def _topics(response: Mapping[str, Any]) -> list[Resource]:
    out = []
    for item in response.get("Topics") or ():
        arn = str(item.get("TopicArn", "")) if isinstance(item, Mapping) else ""
        if arn:
            out.append(Resource(arn.rsplit(":", 1)[-1], arn))
    return out


FUNCTION = ResourceType(
    "functions", "lambda-list-functions", _items("Functions", "FunctionName", "FunctionArn")
)
BUCKET = ResourceType("buckets", "s3api-list-buckets", _items("Buckets", "Name"))
KEY = ResourceType("keys", "kms-list-keys", _items("Keys", "KeyId"))
TABLE = ResourceType("tables", "dynamodb-list-tables", _tables)
QUEUE = ResourceType("queues", "sqs-list-queues", _queues)
TOPIC = ResourceType("topics", "sns-list-topics", _topics)
SECRET = ResourceType("secrets", "secretsmanager-list-secrets", _items("SecretList", "Name", "ARN"))
TRAIL = ResourceType("trails", "cloudtrail-describe-trails", _items("trailList", "Name", "TrailARN"))
LOG_GROUP = ResourceType("log groups", "logs-describe-log-groups", _items("logGroups", "logGroupName"))


def const(**params: Any) -> Callable[[Resource | None], dict[str, Any]]:
    return lambda _resource: dict(params)


def by(name: str, **more: Any) -> Callable[[Resource | None], dict[str, Any]]:
    """Parameter `name` = the resource's collector key (ARN, URL or id)."""

    def params(resource: Resource | None) -> dict[str, Any]:
        assert resource is not None
        return {name: resource.ident, **more}

    return params


def by_name(name: str) -> Callable[[Resource | None], dict[str, Any]]:
    def params(resource: Resource | None) -> dict[str, Any]:
        assert resource is not None
        return {name: resource.name}

    return params
