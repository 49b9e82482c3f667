"""The one place the collector talks to AWS: read-only calls, cached, paginated, classified.

Every call goes through `CallContext.call`, which (1) refuses any operation outside
`READ_ONLY_OPERATIONS`, (2) answers from the diskcache store when the record is already there
(an interrupted collection resumes), (3) stores the JSON-normalised response under its
account/region/service/operation/params key, and (4) turns AWS refusals into coverage entries
instead of crashes. "Not found" answers are stored as records: they are facts ("this function
has no resource policy"), not gaps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from estate.snapshot import CoverageEntry, RecordKey, SnapshotStore, normalise

# (service, operation) pairs the collector may call; the README's IAM policy mirrors this list.
READ_ONLY_OPERATIONS = frozenset(
    {
        ("sts", "GetCallerIdentity"),
        ("lambda", "ListFunctions"),
        ("lambda", "GetPolicy"),
        ("lambda", "GetFunctionUrlConfig"),
        ("lambda", "ListEventSourceMappings"),
        ("iam", "GetAccountAuthorizationDetails"),
        ("cloudwatch", "GetMetricData"),
    }
)

NOT_FOUND_CODES = frozenset({"ResourceNotFoundException", "NoSuchEntity", "NotFoundException"})
_DENIED = ("AccessDenied", "UnauthorizedOperation", "AccessDeniedException", "AuthorizationError")
_THROTTLED = (
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
)
_REGION_OFF = (
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "OptInRequired",
    "AuthFailure",
)


def classify_error(code: str, status: int | None = None) -> str:
    if code in _DENIED or "AccessDenied" in code:
        return "denied"
    if code in _THROTTLED:
        return "throttled"
    if code in _REGION_OFF:
        return "region-disabled"
    if code in {"NotImplemented", "InvalidAction", "UnknownOperationException"} or status == 501:
        return "unsupported"
    return "error"


def _snake(operation: str) -> str:
    out = []
    for i, ch in enumerate(operation):
        if ch.isupper() and i:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


class CollectionAborted(Exception):
    """Raised inside workers when the user cancels a collection."""


@dataclass
class CallContext:
    """One account and region's view: a client per service, the store and the coverage log."""

    account: str
    region: str
    clients: Callable[[str], Any]
    store: SnapshotStore
    coverage: list[CoverageEntry]
    refresh: bool = False
    redact: Callable[[str, str, Any], Any] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    cancelled: threading.Event = field(default_factory=threading.Event)

    def _note(self, service: str, operation: str, status: str, detail: str = "") -> None:
        with self.lock:
            self.coverage.append(CoverageEntry(self.account, self.region, service, operation, status, detail))

    def call(self, service: str, operation: str, **params: Any) -> Any | None:
        """The response (possibly an {"Error": ...} not-found record), or None on a gap."""
        if (service, operation) not in READ_ONLY_OPERATIONS:
            raise PermissionError(f"{service}:{operation} is not a read-only call lambdascope makes")
        if self.cancelled.is_set():
            raise CollectionAborted
        key = RecordKey(self.account, self.region, service, operation, normalise(params))
        if not self.refresh:
            cached = self.store.get(key)
            if cached is not None:
                return cached
        client = self.clients(service)
        try:
            response = getattr(client, _snake(operation))(**params)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", "Error"))
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code in NOT_FOUND_CODES:
                record = {"Error": {"Code": code, "Message": str(error.get("Message", ""))}}
                self.store.put(key, record)
                return record
            self._note(
                service,
                operation,
                classify_error(code, status),
                f"{code}: {error.get('Message', '')}",
            )
            return None
        except (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError) as exc:
            self._note(service, operation, "error", str(exc))
            return None
        except BotoCoreError as exc:
            self._note(service, operation, "error", str(exc))
            return None
        response = normalise(response)
        if self.redact is not None:
            response = self.redact(service, operation, response)
        self.store.put(key, response)
        return response

    def paginate(
        self, service: str, operation: str, token_in: str, token_out: str, **params: Any
    ) -> Iterator[Any]:
        """Follow NextMarker/NextToken page by page; each page is its own record."""
        token: str | None = None
        seen: set[str] = set()
        while True:
            request = dict(params)
            if token:
                request[token_in] = token
            page = self.call(service, operation, **request)
            if page is None or "Error" in page:
                return
            yield page
            token = page.get(token_out)
            if not token or token in seen:
                return
            seen.add(token)

    def mark_ok(self, service: str, operation: str, detail: str = "") -> None:
        self._note(service, operation, "ok", detail)
