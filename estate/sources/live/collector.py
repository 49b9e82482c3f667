"""Orchestrate a live collection: accounts x regions x services on a bounded pool, into a store.

The store (diskcache) is the resume log: re-running the same collection answers finished calls
from it; `refresh=True` re-reads everything. The result is a `Snapshot` whose manifest records
what was read and what failed (coverage), so partial data is visible, never silent.

Work is split into units: per account, entering it (AssumeRole, region discovery) and the
account-wide services (IAM, S3, Organizations, stored under region "global"); per account and
region, a probe (the ListFunctions pages: a disabled region stops there) and then one unit per
service. Per-resource reads fan out on a second pool; a semaphore keeps the calls in flight at
`max_workers`.
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
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ProfileNotFound

from estate.errors import LambdascopeError
from estate.secrets import redact_environment
from estate.snapshot import CoverageEntry, Manifest, Snapshot, SnapshotStore, utc_now_iso
from estate.sources.live import (
    apigateway,
    apigatewayv2,
    cloudtrail,
    cloudwatch,
    dynamodb,
    ec2,
    events,
    iam,
    kms,
    lambda_,
    lambda_account,
    logs,
    organizations,
    rds,
    s3,
    scheduler,
    secretsmanager,
    sns,
    sqs,
    ssm,
)
from estate.sources.live.accounts import AccountPlan, account_regions, enter_account, organization_accounts
from estate.sources.live.calls import CallContext
from estate.sources.live.clients import ClientFactory, ClientHook
from estate.sources.live.coverage import condense
from estate.sources.live.scheduling import Cancellation, UnitRunner

_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
_ACCOUNT = re.compile(r"^\d{12}$")
Progress = Callable[[str, int, int], None]  # (label, advance, total-increase)
Fetcher = Callable[[CallContext], None]

GLOBAL_FETCHERS: tuple[Fetcher, ...] = (
    iam.fetch_authorization_details,
    s3.fetch_buckets,
    organizations.fetch_organization,
)
REGIONAL_FETCHERS: tuple[Fetcher, ...] = (
    lambda_.fetch_lambda,
    lambda_account.fetch_lambda_account,
    apigateway.fetch_rest_apis,
    apigatewayv2.fetch_http_apis,
    events.fetch_event_buses,
    scheduler.fetch_schedules,
    sns.fetch_topics,
    sqs.fetch_queues,
    logs.fetch_log_groups,
    ec2.fetch_network,
    kms.fetch_keys,
    dynamodb.fetch_tables,
    secretsmanager.fetch_secrets,
    ssm.fetch_parameters,
    rds.fetch_databases,
    cloudtrail.fetch_trails,
    cloudwatch.fetch_alarms,
)


@dataclass(frozen=True)
class CollectOptions:
    regions: tuple[str, ...] = ()
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
    all_regions: bool = False  # every region enabled for each account (instead of `regions`)
    assume_role: str | None = None  # role NAME to assume in each of `accounts` / the organization
    accounts: tuple[str, ...] = ()
    organization: bool = False  # every active account of the caller's organization
    client_hook: ClientHook | None = field(default=None, compare=False)  # applied to every boto3 client


def validate_regions(regions: tuple[str, ...], session: boto3.session.Session) -> None:
    if not regions:
        raise LambdascopeError("give at least one --region (or --all-regions)")
    known: set[str] = set()
    for partition in session.get_available_partitions():
        known.update(session.get_available_regions("lambda", partition_name=partition))
    for region in regions:
        if not _REGION.match(region) or (known and region not in known):
            raise LambdascopeError(f"unknown region {region!r}")


def validate_options(options: CollectOptions) -> None:
    """Reject contradictory or incomplete account/region choices (user errors, exit code 2)."""
    if options.all_regions and options.regions:
        raise LambdascopeError("give --region or --all-regions, not both")
    if not options.all_regions and not options.regions:
        raise LambdascopeError("give at least one --region (or --all-regions)")
    if options.accounts and options.organization:
        raise LambdascopeError("give --accounts or --organization, not both")
    if (options.accounts or options.organization) and not options.assume_role:
        raise LambdascopeError("--accounts and --organization need --assume-role NAME")
    if options.assume_role and not (options.accounts or options.organization):
        raise LambdascopeError("--assume-role needs --accounts ID,... or --organization")
    for account in options.accounts:
        if not _ACCOUNT.match(account):
            raise LambdascopeError(f"not an AWS account id (12 digits): {account!r}")
    if options.max_workers < 1:
        raise LambdascopeError("--workers must be at least 1")


def _session(options: CollectOptions) -> boto3.session.Session:
    try:
        return boto3.session.Session(profile_name=options.profile)
    except ProfileNotFound as exc:
        raise LambdascopeError(f"AWS profile {options.profile!r} not found") from exc


def _account_id(clients: ClientFactory, region: str) -> str:
    try:
        return str(clients.client("sts", region).get_caller_identity()["Account"])
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
        if service == "lambda" and operation in {"ListFunctions", "ListVersionsByFunction"}:
            return lambda_.redact_functions(response, redact_environment)
        return response

    return redact


class _Collection:
    """The shared state of one collection run and the units it schedules."""

    def __init__(
        self, options: CollectOptions, store: SnapshotStore, base: ClientFactory, caller: str, home: str
    ) -> None:
        self.options = options
        self.store = store
        self.base = base
        self.caller = caller
        self.home = home
        self.coverage: list[CoverageEntry] = []
        self.lock = threading.Lock()
        self.cancellation = Cancellation(options.cancelled)
        self.limit = threading.BoundedSemaphore(options.max_workers)
        self.unsupported: set[tuple[str, str, str, str]] = set()
        self.redact = _redactor(options.keep_secrets)
        self.plans: list[AccountPlan] = []
        self.targets: list[str] = []
        self.details: ThreadPoolExecutor | None = None
        self.runner: UnitRunner | None = None

    def context(
        self, account: str, region: str, clients: ClientFactory, account_regions: tuple[str, ...] = ()
    ) -> CallContext:
        endpoint_region = self.home if region == "global" else region
        return CallContext(
            account=account,
            region=region,
            clients=clients.for_region(endpoint_region),
            store=self.store,
            coverage=self.coverage,
            redact=self.redact,
            lock=self.lock,
            cancelled=self.cancellation,
            best_effort_clients=clients.for_region(endpoint_region, best_effort=True),
            clients_in=clients.for_region,
            pool=self.details,
            limit=self.limit,
            progress=self.options.progress,
            unsupported=self.unsupported,
            account_regions=account_regions,
        )

    def run(self) -> None:
        workers = self.options.max_workers
        with (
            ThreadPoolExecutor(workers, thread_name_prefix="lsc-unit") as units,
            ThreadPoolExecutor(workers, thread_name_prefix="lsc-detail") as details,
        ):
            self.details = details
            self.runner = UnitRunner(units, self.cancellation)
            try:
                self.targets = self._targets()
            except BaseException:
                self.cancellation.set()
                raise
            for account in self.targets:
                self.runner.submit(self._enter, account, then=self._account_ready)
            self.runner.run()

    def _targets(self) -> list[str]:
        options = self.options
        if not options.assume_role:
            return [self.caller]
        if options.accounts:
            return list(dict.fromkeys(options.accounts))
        return organization_accounts(self.context(self.caller, "global", self.base))

    def _enter(self, account: str) -> AccountPlan | None:
        clients = enter_account(
            account,
            self.caller,
            self.base,
            self.options.assume_role,
            self.home,
            self.context(account, "global", self.base),  # where a refused AssumeRole is recorded
            endpoint_url=self.options.endpoint_url,
            max_workers=self.options.max_workers,
            hook=self.options.client_hook,
        )
        if clients is None:
            return None
        global_ctx = self.context(account, "global", clients)
        regions = account_regions(
            global_ctx, self.options.regions, self.options.all_regions, clients.session, self.home
        )
        return AccountPlan(account, clients, regions)

    def _account_ready(self, plan: AccountPlan | None) -> None:
        if plan is None:
            return
        assert self.runner is not None
        self.plans.append(plan)
        global_ctx = self.context(plan.account, "global", plan.clients, plan.regions)
        # Only the management account (or a delegated administrator) may read which SCPs/RCPs
        # apply to a member: ask with the caller's credentials, record under the member account.
        org_ctx = (
            global_ctx
            if plan.account == self.caller
            else self.context(plan.account, "global", self.base, plan.regions)
        )
        for fetcher in GLOBAL_FETCHERS:
            self._unit(org_ctx if fetcher is organizations.fetch_organization else global_ctx, fetcher)
        for region in plan.regions:
            ctx = self.context(plan.account, region, plan.clients, plan.regions)
            ctx.tick(0, 1)
            self.runner.submit(self._probe, ctx, then=self._region_ready)

    def _probe(self, ctx: CallContext) -> CallContext | None:
        """Read the function list first: a disabled region answers with one gap, then is skipped."""
        lambda_.fetch_functions(ctx)
        ctx.tick(1, 0)
        with self.lock:
            disabled = any(
                c.account == ctx.account and c.region == ctx.region and c.status == "region-disabled"
                for c in self.coverage
            )
        return None if disabled else ctx

    def _region_ready(self, ctx: CallContext | None) -> None:
        if ctx is None:
            return
        for fetcher in REGIONAL_FETCHERS:
            self._unit(ctx, fetcher)
        if self.options.metrics_days > 0:
            self._unit(ctx, self._metrics)

    def _unit(self, ctx: CallContext, fetcher: Fetcher) -> None:
        assert self.runner is not None
        ctx.tick(0, 1)

        def unit() -> None:
            fetcher(ctx)
            ctx.tick(1, 0)

        self.runner.submit(unit)

    def _metrics(self, ctx: CallContext) -> None:
        names = lambda_.function_names(ctx)
        if names:
            options = self.options
            start, end = cloudwatch.metric_window(
                options.metrics_days, options.metrics_end, options.metrics_period
            )
            cloudwatch.fetch_metrics(ctx, names, start, end, options.metrics_period)
            cloudtrail.fetch_function_changes(ctx, start, end)  # the same window's function changes

    def manifest(self) -> Manifest:
        options = self.options
        start, end = cloudwatch.metric_window(
            options.metrics_days, options.metrics_end, options.metrics_period
        )
        if options.regions:
            regions = tuple(dict.fromkeys(options.regions))
        else:
            regions = tuple(sorted({r for plan in self.plans for r in plan.regions}))
        return Manifest(
            created_at=utc_now_iso(),
            source="live",
            accounts=tuple(self.targets),
            regions=regions,
            coverage=condense(self.coverage),
            secrets_kept=options.keep_secrets,
            metrics_start=start.isoformat() if options.metrics_days > 0 else None,
            metrics_end=end.isoformat() if options.metrics_days > 0 else None,
        )


def home_region(options: CollectOptions, session: boto3.session.Session) -> str:
    """Where account-wide calls go: the first requested region, else the profile's, else us-east-1."""
    return options.regions[0] if options.regions else (session.region_name or "us-east-1")


def collect(options: CollectOptions) -> Snapshot:
    """Collect the estate described by `options`; AWS refusals become coverage gaps."""
    validate_options(options)
    session = _session(options)
    if options.regions and not options.endpoint_url:
        validate_regions(options.regions, session)
    home = home_region(options, session)
    base = ClientFactory(
        session, endpoint_url=options.endpoint_url, max_workers=options.max_workers, hook=options.client_hook
    )
    caller = _account_id(base, home)
    cache_dir = options.cache_dir or default_cache_dir(caller, options)
    with SnapshotStore(cache_dir) as store:
        now = dt.datetime.now(dt.UTC).timestamp()
        started = store.started_at()
        if options.refresh or started is None or now - started > options.cache_ttl:
            store.clear()  # stale or forced: re-read everything; otherwise resume
            store.mark_started(now)
        collection = _Collection(options, store, base, caller, home)
        collection.run()
        return store.to_snapshot(collection.manifest())
