"""The one place the collector talks to AWS: read-only calls, cached, paginated, classified.

Every call goes through `CallContext.call`, which (1) refuses any operation outside
`READ_ONLY_OPERATIONS`, (2) answers from the diskcache store when the record is already there
(an interrupted collection resumes), (3) stores the JSON-normalised response under its
account/region/service/operation/params key, and (4) turns AWS refusals into coverage entries
instead of crashes. "Not found" answers are stored as records: they are facts ("this function
has no resource policy"), not gaps. Only successful answers are stored, so a resumed or repeated
collection retries exactly what failed.

`CallContext.each` fans per-resource reads out on the shared detail pool; `in_region` gives a
view that keeps the record keys of an account-wide context ("global") but talks to the endpoint
of the region a resource lives in (S3 buckets, CloudTrail trails).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from estate.snapshot import CoverageEntry, RecordKey, SnapshotStore, normalise
from estate.sources.live.operations import READ_ONLY_OPERATIONS, SESSION_OPERATIONS

__all__ = [
    "NOT_FOUND_CODES",
    "READ_ONLY_OPERATIONS",
    "SESSION_OPERATIONS",
    "CallContext",
    "CollectionAborted",
    "classify_error",
]

T = TypeVar("T")

# Answers that state a fact about a resource ("no policy", "no encryption configured", "gone").
NOT_FOUND_CODES = frozenset(
    {
        "ResourceNotFoundException",
        "NoSuchEntity",
        "NotFoundException",
        "NotFound",
        "NoSuchBucket",
        "NoSuchBucketPolicy",
        "NoSuchTagSet",
        "NoSuchPublicAccessBlockConfiguration",
        "ServerSideEncryptionConfigurationNotFoundError",
        "PolicyNotFoundException",
        "AWS.SimpleQueueService.NonExistentQueue",
        "QueueDoesNotExist",
        "TrailNotFoundException",
        "ParameterNotFound",
        "ChildNotFoundException",
        "TargetNotFoundException",
    }
)
_DENIED = ("AccessDenied", "UnauthorizedOperation", "AccessDeniedException", "AuthorizationError")
_THROTTLED = (
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
)
_REGION_OFF = (
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "OptInRequired",
    "AuthFailure",
)
_UNSUPPORTED = (
    "NotImplemented",
    "InvalidAction",
    "UnknownOperationException",
    "UnsupportedOperationException",
    "AWSOrganizationsNotInUseException",
)


def endpoint_lacks(code: str, status: int | None) -> bool:
    """The endpoint does not implement the operation at all (as opposed to refusing this resource)."""
    return (
        code in {"NotImplemented", "InvalidAction", "UnknownOperationException"}
        or status == 501
        or (code.isdigit() and status == 404)
    )


def classify_error(code: str, status: int | None = None) -> str:
    """The coverage status of a refusal: denied, throttled, region-disabled, unsupported, error."""
    if code in _DENIED or "AccessDenied" in code:
        return "denied"
    if code in _THROTTLED:
        return "throttled"
    if code in _REGION_OFF:
        return "region-disabled"
    if code in _UNSUPPORTED or status == 501:
        return "unsupported"
    # No AWS error document, just an HTTP 404: the server has no such route (a local AWS lacking
    # the operation). Real AWS "not found" answers always carry an error code.
    if code.isdigit() and status == 404:
        return "unsupported"
    return "error"


class CollectionAborted(Exception):
    """Raised inside workers when the user cancels a collection."""


_detail_thread = threading.local()


@dataclass
class CallContext:
    """One account and region's view: a client per service, the store and the coverage log.

    `region` is the record key's region ("global" for account-wide services); the clients may
    point at another region (see `in_region`). The optional fields are shared by every context
    of one collection: the detail pool, the in-flight call limit, the progress callback and the
    operations the endpoint lacks per account and region (asked once, not once per resource).
    """

    account: str
    region: str
    clients: Callable[[str], Any]
    store: SnapshotStore
    coverage: list[CoverageEntry]
    refresh: bool = False
    redact: Callable[[str, str, Any], Any] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    cancelled: threading.Event = field(default_factory=threading.Event)
    best_effort_clients: Callable[[str], Any] | None = None
    clients_in: Callable[[str, bool], Callable[[str], Any]] | None = None
    pool: Executor | None = None
    limit: threading.Semaphore | None = None
    progress: Callable[[str, int, int], None] | None = None
    unsupported: set[tuple[str, str, str, str]] = field(default_factory=set)
    account_regions: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.account}/{self.region}"

    def _note(self, service: str, operation: str, status: str, detail: str = "") -> None:
        with self.lock:
            self.coverage.append(CoverageEntry(self.account, self.region, service, operation, status, detail))

    def call(self, service: str, operation: str, *, best_effort: bool = False, **params: Any) -> Any | None:
        """The response (possibly an {"Error": ...} not-found record), or None on a gap.

        `best_effort` uses a client that retries once: for optional reads whose failure is
        acceptable as a gap and which some endpoints fail deterministically.
        """
        if (service, operation) not in READ_ONLY_OPERATIONS:
            raise PermissionError(f"{service}:{operation} is not a read-only call lambdascope makes")
        if self.cancelled.is_set():
            raise CollectionAborted
        key = RecordKey(self.account, self.region, service, operation, normalise(params))
        if not self.refresh:
            cached = self.store.get(key)
            if cached is not None:
                return cached
        if (self.account, self.region, service, operation) in self.unsupported:
            self._note(service, operation, "unsupported", "not asked again: the endpoint lacks it")
            return None
        clients = self.best_effort_clients if best_effort and self.best_effort_clients else self.clients
        try:
            if self.limit is None:
                response = getattr(clients(service), xform_name(operation))(**params)
            else:
                with self.limit:
                    response = getattr(clients(service), xform_name(operation))(**params)
        except ClientError as exc:
            return self._refused(key, exc)
        except ParamValidationError:
            raise  # a bug in the collector, not an answer from AWS
        except BotoCoreError as exc:  # connection, timeout: a gap with the reason
            self._note(service, operation, "error", str(exc))
            return None
        response = normalise(response)
        if self.redact is not None:
            response = self.redact(service, operation, response)
        self.store.put(key, response)
        return response

    def _refused(self, key: RecordKey, exc: ClientError) -> Any | None:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "Error"))
        message = str(error.get("Message", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in NOT_FOUND_CODES:
            record = {"Error": {"Code": code, "Message": message}}
            self.store.put(key, record)
            return record
        verdict = classify_error(code, status)
        if endpoint_lacks(code, status):
            self.unsupported.add((self.account, self.region, key.service, key.operation))
        if code.isdigit() and message.lstrip().startswith("<"):
            message = f"HTTP {code} without an AWS error document"
        self._note(key.service, key.operation, verdict, f"{code}: {message[:300]}")
        return None

    def paginate(
        self,
        service: str,
        operation: str,
        token_in: str,
        token_out: str,
        *,
        best_effort: bool = False,
        **params: Any,
    ) -> Iterator[Any]:
        """Follow NextMarker/NextToken page by page; each page is its own record."""
        return self._pages(service, operation, token_in, token_out, best_effort, params, [])

    def _pages(
        self,
        service: str,
        operation: str,
        token_in: str,
        token_out: str,
        best_effort: bool,
        params: dict[str, Any],
        refused: list[bool],
    ) -> Iterator[Any]:
        token: str | None = None
        seen: set[str] = set()
        while True:
            request = dict(params)
            if token:
                request[token_in] = token
            page = self.call(service, operation, best_effort=best_effort, **request)
            if page is None:
                refused.append(True)
                return
            if "Error" in page:
                return
            yield page
            token = page.get(token_out)
            if not token or token in seen:
                return
            seen.add(token)

    def items(
        self, service: str, operation: str, token_in: str, token_out: str, result_key: str, **params: Any
    ) -> list[Any]:
        """Every item of a paginated listing (`result_key` of each page), marked ok with a count."""
        found: list[Any] = []
        refused: list[bool] = []
        for page in self._pages(service, operation, token_in, token_out, False, params, refused):
            found.extend(page.get(result_key) or ())
        if not refused:
            self.mark_ok(service, operation, f"{len(found)} {result_key}")
        return found

    def mark_ok(self, service: str, operation: str, detail: str = "") -> None:
        """Record a completed read, unless this account and region already have a gap for it."""
        with self.lock:
            for entry in self.coverage:
                if (
                    entry.status != "ok"
                    and entry.operation == operation
                    and entry.service == service
                    and entry.region == self.region
                    and entry.account == self.account
                ):
                    return
        self._note(service, operation, "ok", detail)

    def note_gap(self, service: str, operation: str, status: str, detail: str) -> None:
        """A gap the collector decided on itself (e.g. a resource in another account)."""
        self._note(service, operation, status, detail)

    def tick(self, advance: int, total: int) -> None:
        if self.progress is not None:
            self.progress(self.label, advance, total)

    def in_region(self, region: str) -> CallContext:
        """The same record keys (account, self.region) with clients for `region`."""
        if self.clients_in is None:
            return self
        return dataclasses.replace(
            self, clients=self.clients_in(region, False), best_effort_clients=self.clients_in(region, True)
        )

    def each(self, items: Iterable[T], fetch: Callable[[T], None]) -> None:
        """Run `fetch` for every item on the detail pool and wait; the first failure propagates.

        Called from a detail worker it runs inline, so fan-outs never wait on their own pool.
        """
        todo = list(items)
        if not todo:
            return
        self.tick(0, len(todo))

        def one(item: T) -> None:
            fetch(item)
            self.tick(1, 0)

        if self.pool is None or getattr(_detail_thread, "active", False):
            for item in todo:
                one(item)
            return

        def in_worker(item: T) -> None:
            _detail_thread.active = True
            try:
                one(item)
            finally:
                _detail_thread.active = False

        futures: list[Future[None]] = [self.pool.submit(in_worker, item) for item in todo]
        try:
            for future in futures:
                future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
