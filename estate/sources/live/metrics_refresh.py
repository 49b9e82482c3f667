"""Re-read the collected functions' CloudWatch metrics, and only those (`lambdascope live`'s timer).

The collection reads everything once; afterwards only the metrics move. A refresh re-reads
GetMetricData for the functions the collection found, from the estate's `metrics_end` (less a
few periods: CloudWatch delivers datapoints late, so the last periods read may have grown) to
now, batched 500 queries a call exactly as the collector does, so the records have the same keys
and shapes. The records stay in memory: a refresh is not part of the collection's resume log.
`merge_metrics` then folds them into the estate without re-parsing anything else.

The estate carries where its metrics end, so a failed refresh changes nothing and the next one
simply covers the longer span.

A refresh also re-reads the reserved concurrency (`lambda:GetFunctionConcurrency`, read-only, the
collector's own call) of the functions it is asked to (`concurrency_of`: those isolated or
restored since the last refresh), so their rows show what AWS now says.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound

from estate.errors import LambdascopeError
from estate.model.concurrency_refresh import merge_concurrency
from estate.model.estate import Estate
from estate.model.functions import LambdaFunction
from estate.model.metrics_refresh import MetricsUpdate, merge_metrics
from estate.snapshot import CoverageEntry, Record, RecordKey, SnapshotStore, normalise
from estate.sources.live import cloudwatch
from estate.sources.live.accounts import enter_account
from estate.sources.live.calls import CallContext
from estate.sources.live.clients import ClientFactory
from estate.sources.live.collector import CollectOptions, home_region

OVERLAP_PERIODS = 3  # periods re-read before the previous end, for late datapoints
Target = tuple[str, str, str]  # (account, region, function name)


class _MemoryStore(SnapshotStore):
    """The records of one re-read, in memory (no diskcache: nothing here is resumed)."""

    def __init__(self) -> None:  # deliberately no SnapshotStore.__init__: there is no directory
        self._records: dict[str, Record] = {}
        self._guard = threading.Lock()

    def put(self, key: RecordKey, response: Any) -> None:
        with self._guard:
            self._records[key.encode()] = Record(key, normalise(response))

    def has(self, key: RecordKey) -> bool:
        return key.encode() in self._records

    def get(self, key: RecordKey) -> Any | None:
        record = self._records.get(key.encode())
        return None if record is None else record.response

    def clear(self) -> None:
        with self._guard:
            self._records.clear()

    def records(self) -> Iterator[Record]:
        with self._guard:
            return iter(sorted(self._records.values(), key=lambda r: r.key.encode()))

    def started_at(self) -> float | None:
        return None

    def mark_started(self, when: float) -> None:
        return None

    def close(self) -> None:
        return None


@dataclass(frozen=True, slots=True)
class MetricsRead:
    """One re-read: the GetMetricData records of [start, end) and what could not be read."""

    records: tuple[Record, ...]
    start: dt.datetime
    end: dt.datetime
    gaps: tuple[CoverageEntry, ...]
    calls: int
    failed_places: int  # (account, region) pairs of which no metrics batch was read
    places: int


def refresh_window(
    since: dt.datetime, until: dt.datetime, period: int, max_days: float
) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) aligned to the period: from `since` less the overlap, at most `max_days` back."""
    end = cloudwatch.metric_window(0, until, period)[1]
    start = cloudwatch.metric_window(0, since, period)[1] - dt.timedelta(seconds=OVERLAP_PERIODS * period)
    oldest = end - dt.timedelta(days=max_days) if max_days > 0 else start
    return max(start, oldest), end


class MetricsRefresher:
    """Re-reads metrics for `lambdascope live`; keeps its sessions and clients between refreshes.

    Call `refresh` from a worker thread (it blocks on the network); one refresh at a time.
    """

    def __init__(self, options: CollectOptions) -> None:
        self.options = options
        self._lock = threading.Lock()
        self._base: ClientFactory | None = None
        self._home = ""
        self._caller: str | None = None
        self._accounts: dict[str, ClientFactory | None] = {}
        self.cancelled = threading.Event()  # set: calls still to make raise CollectionAborted

    def cancel(self) -> None:
        """Stop a refresh in flight at its next call (the app is quitting)."""
        self.cancelled.set()

    def refresh(
        self, estate: Estate, until: dt.datetime | None = None, *, concurrency_of: Collection[str] = ()
    ) -> MetricsUpdate:
        """The estate with its functions' metrics re-read up to `until` (default now), and the
        reserved concurrency of the functions whose ARNs are in `concurrency_of` re-read.

        Raises LambdascopeError when no metrics could be read (every account and region refused
        or unreachable); a partial read is merged and its gaps are in `MetricsUpdate.gaps`.
        """
        acted = [f for f in estate.functions if f.arn in concurrency_of] if concurrency_of else []
        concurrency, concurrency_gaps = self.read_concurrency(acted) if acted else ((), ())
        update = self._refresh_metrics(estate, until)
        fresh, malformed = merge_concurrency(update.estate, concurrency)
        gaps = (*update.gaps, *concurrency_gaps, *malformed)
        return MetricsUpdate(fresh, update.data_end, update.new_points, gaps)

    def _refresh_metrics(self, estate: Estate, until: dt.datetime | None) -> MetricsUpdate:
        now = until or dt.datetime.now(dt.UTC)
        end = estate.manifest.metrics_end
        since = dt.datetime.fromisoformat(end) if end else now - dt.timedelta(days=self.options.metrics_days)
        targets = [(f.account, f.region, f.name) for f in estate.functions]
        # Percentiles only where the collection got them (an endpoint refusing them would cost
        # a failed batch on every tick).
        percentiles = any(key[3].endswith(":p99") for key in estate.metrics)
        read = self.read(targets, since, now, percentiles=percentiles)
        if read.places and read.failed_places == read.places:
            reason = read.gaps[0].detail if read.gaps else "no metrics batch was answered"
            raise LambdascopeError(f"metrics refresh failed: {reason}")
        update = merge_metrics(estate, read.records, read.end)
        return MetricsUpdate(update.estate, update.data_end, update.new_points, read.gaps)

    def read_concurrency(
        self, functions: Iterable[LambdaFunction]
    ) -> tuple[tuple[Record, ...], tuple[CoverageEntry, ...]]:
        """GetFunctionConcurrency of each function (by ARN, as the collector asks): the records
        answered, and the gaps (a refused or failed read leaves its function as it was)."""
        store = _MemoryStore()
        coverage: list[CoverageEntry] = []
        lock = threading.Lock()
        for fn in functions:
            factory = self._clients(fn.account, coverage, lock)
            if factory is None:
                continue
            ctx = CallContext(
                account=fn.account,
                region=fn.region,
                clients=factory.for_region(fn.region),
                store=store,
                coverage=coverage,
                refresh=True,
                lock=lock,
                cancelled=self.cancelled,
            )
            ctx.call("lambda", "GetFunctionConcurrency", FunctionName=fn.arn)
        return tuple(store.records()), tuple(c for c in coverage if c.status != "ok")

    def read(
        self, targets: Iterable[Target], since: dt.datetime, until: dt.datetime, *, percentiles: bool = True
    ) -> MetricsRead:
        options = self.options
        start, end = refresh_window(since, until, options.metrics_period, options.metrics_days)
        places: dict[tuple[str, str], list[str]] = defaultdict(list)
        for account, region, name in targets:
            places[(account, region)].append(name)
        store = _MemoryStore()
        coverage: list[CoverageEntry] = []
        lock = threading.Lock()
        limit = threading.BoundedSemaphore(options.max_workers)

        def one(place: tuple[str, str]) -> cloudwatch.MetricsRead | None:
            account, region = place
            factory = self._clients(account, coverage, lock)
            if factory is None:
                return None
            ctx = CallContext(
                account=account,
                region=region,
                clients=factory.for_region(region),
                store=store,
                coverage=coverage,
                refresh=True,
                lock=lock,
                cancelled=self.cancelled,
                best_effort_clients=factory.for_region(region, best_effort=True),
                limit=limit,
            )
            names = sorted(set(places[place]))
            return cloudwatch.read_metrics(ctx, names, start, end, options.metrics_period, percentiles)

        with ThreadPoolExecutor(max(1, min(options.max_workers, len(places) or 1))) as pool:
            results = list(pool.map(one, sorted(places)))
        failed = sum(1 for r in results if r is None or (r.calls == 0 and r.failed > 0))
        return MetricsRead(
            records=tuple(store.records()),
            start=start,
            end=end,
            gaps=tuple(c for c in coverage if c.status != "ok"),
            calls=sum(r.calls + r.percentile_calls for r in results if r is not None),
            failed_places=failed,
            places=len(places),
        )

    # Sessions ------------------------------------------------------------------------------
    def _clients(
        self, account: str, coverage: list[CoverageEntry], lock: threading.Lock
    ) -> ClientFactory | None:
        """The caller's clients, or with --assume-role the account's (entered once, then kept)."""
        with self._lock:
            base = self._base_factory()
            if not self.options.assume_role:
                return base
            if account in self._accounts:
                return self._accounts[account]
            caller = self._caller_account(base)
            note = CallContext(
                account, "global", base.for_region(self._home), _MemoryStore(), coverage, lock=lock
            )
            factory = enter_account(
                account,
                caller,
                base,
                self.options.assume_role,
                self._home,
                note,
                endpoint_url=self.options.endpoint_url,
                max_workers=self.options.max_workers,
                hook=self.options.client_hook,
            )
            if factory is not None:  # a refused AssumeRole is asked again on the next refresh
                self._accounts[account] = factory
            return factory

    def _base_factory(self) -> ClientFactory:
        if self._base is None:
            try:
                session = boto3.session.Session(profile_name=self.options.profile)
            except ProfileNotFound as exc:
                raise LambdascopeError(f"AWS profile {self.options.profile!r} not found") from exc
            self._home = home_region(self.options, session)
            self._base = ClientFactory(
                session,
                endpoint_url=self.options.endpoint_url,
                max_workers=self.options.max_workers,
                hook=self.options.client_hook,
            )
        return self._base

    def _caller_account(self, base: ClientFactory) -> str:
        if self._caller is None:
            try:
                self._caller = str(base.client("sts", self._home).get_caller_identity()["Account"])
            except (ClientError, BotoCoreError) as exc:
                raise LambdascopeError(f"cannot identify the caller for the metrics refresh: {exc}") from exc
        return self._caller


def collect_metrics(
    options: CollectOptions,
    since: dt.datetime,
    functions: Iterable[Target],
    until: dt.datetime | None = None,
    *,
    percentiles: bool = True,
) -> MetricsRead:
    """One-off re-read of `functions`' metrics from `since` (less the overlap) to `until` (now)."""
    return MetricsRefresher(options).read(
        functions, since, until or dt.datetime.now(dt.UTC), percentiles=percentiles
    )
