"""The Estate: every record the analyzers read, derived from one snapshot (estate/model/load.py).

It imports every domain module of the model and none imports it, so the model's imports stay a
tree: records first, then the estate that holds them, then the loader.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from estate.model.audit import Alarm, ChangeHistory, LogGroup, Trail
from estate.model.function_extras import AccountSettings
from estate.model.functions import EventSourceMapping, LambdaFunction
from estate.model.iam import IamPrincipal, ManagedPolicy
from estate.model.metrics import MetricSeries
from estate.model.network import Network
from estate.model.org import AccountOrgPolicies
from estate.model.store_records import DataStore, KmsKey
from estate.model.triggers import Invokers
from estate.snapshot import CoverageEntry, Manifest


@dataclass
class Estate:
    """Everything the analyzers read, derived from one snapshot."""

    manifest: Manifest
    functions: tuple[LambdaFunction, ...] = ()
    principals: dict[str, IamPrincipal] = field(default_factory=dict)
    policies: dict[str, ManagedPolicy] = field(default_factory=dict)
    event_source_mappings: tuple[EventSourceMapping, ...] = ()
    metrics: dict[tuple[str, str, str, str], MetricSeries] = field(default_factory=dict)
    iam_accounts: frozenset[str] = frozenset()
    # account -> the SCPs/RCPs applying to it (estate/model/org.py); absent: never derived
    org_policies: dict[str, AccountOrgPolicies] = field(default_factory=dict)
    # (account, region) -> GetAccountSettings; absent: not collected (estate/model/function_extras.py)
    account_settings: dict[tuple[str, str], AccountSettings] = field(default_factory=dict)
    # (account, region) -> VPCs, subnets, routes, endpoints, SGs (estate/model/network.py)
    networks: dict[tuple[str, str], Network] = field(default_factory=dict)
    # ARN -> store / key (estate/model/stores.py)
    data_stores: dict[str, DataStore] = field(default_factory=dict)
    kms_keys: dict[str, KmsKey] = field(default_factory=dict)
    invokers: Invokers | None = None  # estate/model/triggers.py
    trails: dict[str, Trail] = field(default_factory=dict)  # ARN -> trail (estate/model/audit.py)
    alarms: dict[str, Alarm] = field(default_factory=dict)  # ARN -> alarm
    log_groups: dict[tuple[str, str, str], LogGroup] = field(default_factory=dict)  # (acct, region, name)
    function_changes: ChangeHistory | None = None  # CloudTrail LookupEvents (estate/model/audit.py)
    # (account, region, service, operation) of every stored response (see `collected`)
    responded: frozenset[tuple[str, str, str, str]] = frozenset()

    def function(self, arn: str) -> LambdaFunction | None:
        return self._functions_by_arn().get(arn)

    def _functions_by_arn(self) -> dict[str, LambdaFunction]:
        cache = self.__dict__.get("_by_arn")
        if cache is None:
            cache = {f.arn: f for f in self.functions}
            self.__dict__["_by_arn"] = cache
        return cache

    def series(self, function: LambdaFunction, metric: str) -> MetricSeries | None:
        """A function's series: "Duration" is the average; "Duration:p99" the 99th percentile."""
        return self.metrics.get((function.account, function.region, function.name, metric))

    @property
    def gaps(self) -> tuple[CoverageEntry, ...]:
        return tuple(c for c in self.manifest.coverage if c.status != "ok")

    def collected(
        self, service: str, operation: str, account: str | None = None, region: str | None = None
    ) -> bool | None:
        """Was this read done: True (succeeded), False (a failure was recorded), None (nothing known).

        Any recorded failure (denied, throttled, unsupported, error, external) wins over success:
        a partial read is not a complete one, so analyzers should say "unknown". Success is an
        "ok" coverage entry or a stored response (per-resource reads leave only the latter). A
        region also matches "global" (account-wide services such as S3 and IAM are keyed so).
        None for account or region means any.
        """
        return coverage_verdict(self.manifest.coverage, self.responded, service, operation, account, region)

    def function_vpc_id(self, function: LambdaFunction) -> str | None:
        """The VPC a function runs in, from its subnets (moto fakes VpcConfig.VpcId)."""
        if function.vpc is None:
            return None
        network = self.networks.get((function.account, function.region))
        found = network.vpc_of_subnets(function.vpc.subnet_ids) if network is not None else None
        return found or function.vpc.vpc_id


def coverage_verdict(
    coverage: Iterable[CoverageEntry],
    responded: frozenset[tuple[str, str, str, str]],
    service: str,
    operation: str,
    account: str | None,
    region: str | None,
) -> bool | None:
    """See `Estate.collected`."""
    regions = None if region is None else {region, "global"}
    seen_ok = False
    for entry in coverage:
        if entry.operation != operation or entry.service != service:
            continue
        if (account is not None and entry.account != account) or (
            regions is not None and entry.region not in regions
        ):
            continue
        if entry.status != "ok":
            return False
        seen_ok = True
    if seen_ok:
        return True
    for acct, reg, svc, op in responded:
        if (
            op == operation
            and svc == service
            and (account is None or acct == account)
            and (regions is None or reg in regions)
        ):
            return True
    return None
