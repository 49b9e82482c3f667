"""Orchestrate a live collection: accounts x regions on a bounded thread pool, into a store.

The store (diskcache) is the resume log: re-running the same collection answers finished calls
from it; `refresh=True` re-reads everything. The result is a `Snapshot` whose manifest records
what was read and what failed (coverage), so partial data is visible, never silent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ProfileNotFound

from estate.errors import LambdascopeError
from estate.secrets import redact_environment
from estate.snapshot import CoverageEntry, Manifest, Snapshot, SnapshotStore, utc_now_iso
from estate.sources.live import cloudwatch, iam, lambda_
from estate.sources.live.calls import CallContext

_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
Progress = Callable[[str, int, int], None]  # (label, advance, total-increase)


@dataclass(frozen=True)
class CollectOptions:
    regions: tuple[str, ...]
    profile: str | None = None
    endpoint_url: str | None = None
    cache_dir: Path | None = None
    refresh: bool = False
    cache_ttl: float = 3600.0
    keep_secrets: bool = False
    metrics_days: float = 14.0
    metrics_end: dt.datetime | None = None
    metrics_period: int = 300
    max_workers: int = 8
    progress: Progress | None = field(default=None, compare=False)
    cancelled: threading.Event | None = field(default=None, compare=False)


def validate_regions(regions: tuple[str, ...], session: boto3.session.Session) -> None:
    if not regions:
        raise LambdascopeError("give at least one --region")
    known: set[str] = set()
    for partition in session.get_available_partitions():
        known.update(session.get_available_regions("lambda", partition_name=partition))
    for region in regions:
        if not _REGION.match(region) or (known and region not in known):
            raise LambdascopeError(f"unknown region {region!r}")


def _session(options: CollectOptions) -> boto3.session.Session:
    try:
        return boto3.session.Session(profile_name=options.profile)
    except ProfileNotFound as exc:
        raise LambdascopeError(f"AWS profile {options.profile!r} not found") from exc


def _client_factory(
    session: boto3.session.Session, region: str, options: CollectOptions
) -> Callable[[str], Any]:
    config = Config(
        retries={"mode": "adaptive", "max_attempts": 8},
        connect_timeout=10,
        read_timeout=60,
        max_pool_connections=max(10, options.max_workers * 2),
        user_agent_extra="lambdascope/0.1",
    )
    clients: dict[str, Any] = {}
    lock = threading.Lock()

    def client(service: str) -> Any:
        with lock:
            if service not in clients:
                endpoint = options.endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
                clients[service] = session.client(
                    service,  # type: ignore[call-overload]
                    region_name=region,
                    config=config,
                    endpoint_url=endpoint,
                )
            return clients[service]

    return client


def _account_id(session: boto3.session.Session, options: CollectOptions) -> str:
    client = _client_factory(session, options.regions[0], options)("sts")
    try:
        return str(client.get_caller_identity()["Account"])
    except NoCredentialsError as exc:
        raise LambdascopeError("no AWS credentials found (use --profile, SSO or env vars)") from exc
    except ClientError as exc:
        raise LambdascopeError(f"AWS refused GetCallerIdentity: {exc.response['Error'].get('Code')}") from exc
    except BotoCoreError as exc:
        raise LambdascopeError(f"cannot reach AWS: {exc}") from exc


def default_cache_dir(account: str, options: CollectOptions) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    tag = hashlib.sha256(f"{account}|{options.endpoint_url}".encode()).hexdigest()[:12]
    return Path(base) / "lambdascope" / "collect" / tag


def _redactor(keep_secrets: bool) -> Callable[[str, str, Any], Any] | None:
    if keep_secrets:
        return None

    def redact(service: str, operation: str, response: Any) -> Any:
        if (service, operation) == ("lambda", "ListFunctions"):
            return lambda_.redact_functions(response, redact_environment)
        return response

    return redact


def _collect_region(ctx: CallContext, options: CollectOptions, pool: ThreadPoolExecutor) -> None:
    progress = options.progress or (lambda _label, _adv, _total: None)
    label = f"{ctx.account}/{ctx.region}"
    arns = lambda_.fetch_functions(ctx)
    progress(label, 0, len(arns))
    lambda_.fetch_function_details(ctx, arns, pool, lambda n: progress(label, n, 0))
    lambda_.fetch_event_source_mappings(ctx)
    if options.metrics_days > 0 and arns:
        start, end = cloudwatch.metric_window(
            options.metrics_days, options.metrics_end, options.metrics_period
        )
        names = lambda_.function_names(ctx)
        cloudwatch.fetch_metrics(ctx, names, start, end, options.metrics_period)


def collect(options: CollectOptions) -> Snapshot:
    """Collect the estate described by `options`; AWS refusals become coverage gaps."""
    session = _session(options)
    if not options.endpoint_url:
        validate_regions(options.regions, session)
    account = _account_id(session, options)
    cache_dir = options.cache_dir or default_cache_dir(account, options)
    coverage: list[CoverageEntry] = []
    cancelled = options.cancelled or threading.Event()
    lock = threading.Lock()
    with SnapshotStore(cache_dir) as store:
        now = dt.datetime.now(dt.UTC).timestamp()
        started = store.started_at()
        if options.refresh or started is None or now - started > options.cache_ttl:
            store.clear()  # stale or forced: re-read everything; otherwise resume
            store.mark_started(now)

        def context(region: str) -> CallContext:
            return CallContext(
                account=account,
                region=region,
                clients=_client_factory(
                    session, options.regions[0] if region == "global" else region, options
                ),
                store=store,
                coverage=coverage,
                refresh=False,
                redact=_redactor(options.keep_secrets),
                lock=lock,
                cancelled=cancelled,
            )

        with (
            ThreadPoolExecutor(max_workers=options.max_workers) as detail_pool,
            ThreadPoolExecutor(max_workers=min(len(options.regions) + 1, options.max_workers)) as region_pool,
        ):
            futures = [region_pool.submit(iam.fetch_authorization_details, context("global"))]
            futures += [
                region_pool.submit(_collect_region, context(region), options, detail_pool)
                for region in options.regions
            ]
            for future in futures:
                future.result()
        start, end = cloudwatch.metric_window(
            options.metrics_days, options.metrics_end, options.metrics_period
        )
        manifest = Manifest(
            created_at=utc_now_iso(),
            source="live",
            accounts=(account,),
            regions=tuple(options.regions),
            coverage=tuple(sorted(coverage, key=lambda c: (c.account, c.region, c.service, c.operation))),
            secrets_kept=options.keep_secrets,
            metrics_start=start.isoformat() if options.metrics_days > 0 else None,
            metrics_end=end.isoformat() if options.metrics_days > 0 else None,
        )
        return store.to_snapshot(manifest)
