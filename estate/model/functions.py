"""Typed records parsed from a snapshot's raw AWS responses.

Parsing is tolerant of both what AWS returns and what moto returns where they differ (see
LOCAL-AWS.md), and of gaps: a record that was never collected leaves the field unknown
(`policy_state == "unknown"`), which is not the same as "collected, and there is none".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from estate.secrets import REDACTED_MARK, detect_secret
from estate.snapshot import CoverageEntry, Manifest, Record, Snapshot

if TYPE_CHECKING:
    from estate.model.audit import Alarm, ChangeHistory, LogGroup, Trail
    from estate.model.function_extras import AccountSettings, Alias, EventInvokeConfig, LayerRef
    from estate.model.network import Network
    from estate.model.org import AccountOrgPolicies
    from estate.model.stores import DataStore, KmsKey
    from estate.model.triggers import Invokers

PolicyJSON = Mapping[str, Any]
METRICS = ("Invocations", "Errors", "Throttles", "Duration", "ConcurrentExecutions")


@dataclass(frozen=True, slots=True)
class EnvVar:
    """One environment variable; `value` is None unless the snapshot kept secrets."""

    key: str
    length: int
    secret_kind: str | None
    digest: str | None = None
    value: str | None = None


@dataclass(frozen=True, slots=True)
class VpcConfig:
    subnet_ids: tuple[str, ...]
    security_group_ids: tuple[str, ...]
    vpc_id: str | None


@dataclass(frozen=True, slots=True)
class FunctionUrl:
    url: str
    auth_type: str
    cors_allow_origins: tuple[str, ...] = ()
    qualifier: str | None = None


@dataclass(frozen=True, slots=True)
class ResourcePolicy:
    """A function's resource policy as text (parsed by the policy engine where used)."""

    text: str
    revision_id: str | None = None


@dataclass(frozen=True, slots=True)
class EventSourceMapping:
    uuid: str
    source_arn: str
    function_arn: str
    state: str
    batch_size: int | None = None


@dataclass(frozen=True, slots=True)
class LambdaFunction:
    arn: str
    name: str
    account: str
    region: str
    runtime: str | None
    handler: str | None
    role_arn: str
    description: str = ""
    memory_size: int | None = None
    timeout: int | None = None
    last_modified: str | None = None
    package_type: str = "Zip"
    architectures: tuple[str, ...] = ()
    kms_key_arn: str | None = None
    environment: tuple[EnvVar, ...] = ()
    vpc: VpcConfig | None = None
    tracing_mode: str | None = None
    layers: tuple[str, ...] = ()
    dead_letter_target: str | None = None
    url: FunctionUrl | None = None
    policy: ResourcePolicy | None = None
    # "present", "absent" (collected, none exists) or "unknown" (not collected / failed)
    url_state: str = "unknown"
    policy_state: str = "unknown"
    # Per-function extras (estate/model/function_extras.py); each *_state as above.
    tags: Mapping[str, str] = field(default_factory=dict)
    tags_state: str = "unknown"
    reserved_concurrency: int | None = None
    reserved_concurrency_state: str = "unknown"
    code_signing_config_arn: str | None = None
    code_signing_state: str = "unknown"
    # Asynchronous invocation (ListFunctionEventInvokeConfigs): every qualifier's config, and the
    # unqualified function's on-failure destination; the state is "present" only when it has one.
    event_invoke_configs: tuple[EventInvokeConfig, ...] = ()
    on_failure_destination: str | None = None
    event_invoke_state: str = "unknown"
    aliases: tuple[Alias, ...] = ()
    aliases_state: str = "unknown"
    versions: tuple[str, ...] = ()  # published versions ("$LATEST" left out)
    versions_state: str = "unknown"
    layer_refs: tuple[LayerRef, ...] = ()
    log_group: str | None = None  # LoggingConfig.LogGroup when set (moto drops it)

    @property
    def log_group_name(self) -> str:
        """Where the function logs: its LoggingConfig group, else Lambda's default group."""
        return self.log_group or f"/aws/lambda/{self.name}"


@dataclass(frozen=True, slots=True)
class ManagedPolicy:
    arn: str
    name: str
    aws_managed: bool
    default_version_id: str | None
    document: PolicyJSON | None
    attachment_count: int = 0


@dataclass(frozen=True, slots=True)
class InlinePolicy:
    name: str
    document: PolicyJSON


@dataclass(frozen=True, slots=True)
class IamPrincipal:
    """A role, user or group with its policies (IAM's authorization details, flattened)."""

    arn: str
    name: str
    kind: str  # role | user | group
    path: str = "/"
    inline_policies: tuple[InlinePolicy, ...] = ()
    attached_policy_arns: tuple[str, ...] = ()
    boundary_arn: str | None = None
    trust_policy: PolicyJSON | None = None
    group_names: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    last_used: str | None = None


@dataclass(frozen=True, slots=True)
class MetricSeries:
    """One CloudWatch series for one function; timestamps stay ISO text until asked for."""

    function_name: str
    region: str
    metric: str
    stat: str
    raw_timestamps: tuple[str, ...]
    values: tuple[float, ...]

    def points(self) -> list[tuple[dt.datetime, float]]:
        stamps = [dt.datetime.fromisoformat(t) for t in self.raw_timestamps]
        return sorted(zip(stamps, self.values, strict=True))


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


def _error_code(response: Any) -> str | None:
    if isinstance(response, Mapping) and isinstance(response.get("Error"), Mapping):
        return str(response["Error"].get("Code", "Error"))
    return None


error_code = _error_code


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


def index_responses(
    records: Iterable[Record], *params: str
) -> dict[tuple[str, str, tuple[str, ...]], list[Any]]:
    """Responses by (account, region, the named request params as text): one pass, for lookups."""
    out: dict[tuple[str, str, tuple[str, ...]], list[Any]] = {}
    for record in records:
        key = tuple(str(record.key.params.get(p, "")) for p in params)
        out.setdefault((record.key.account, record.key.region, key), []).append(record.response)
    return out


def response_state(response: Any) -> str:
    """present (an answer), absent (a not-found fact) or unknown (never read)."""
    if response is None:
        return "unknown"
    return "absent" if _error_code(response) else "present"


def tag_map(tags: Any) -> dict[str, str]:
    """Tags as a dict, from either AWS shape: [{"Key": k, "Value": v}, ...] or {k: v}."""
    if isinstance(tags, Mapping):
        return {str(k): "" if v is None else str(v) for k, v in tags.items()}
    out: dict[str, str] = {}
    for tag in tags or ():
        if isinstance(tag, Mapping) and "Key" in tag:
            out[str(tag["Key"])] = str(tag.get("Value", "") or "")
    return out


def parse_environment(variables: Mapping[str, Any] | None) -> tuple[EnvVar, ...]:
    out = []
    for key, value in sorted((variables or {}).items()):
        if isinstance(value, Mapping) and value.get(REDACTED_MARK):
            out.append(
                EnvVar(
                    key=key,
                    length=int(value.get("length", 0)),
                    secret_kind=value.get("secret"),
                    digest=value.get("hmac_sha256"),
                )
            )
        else:
            text = "" if value is None else str(value)
            out.append(EnvVar(key, len(text), detect_secret(key, text), None, text))
    return tuple(out)


def _vpc(config: Mapping[str, Any] | None) -> VpcConfig | None:
    if not config or not config.get("SubnetIds"):
        return None
    return VpcConfig(
        subnet_ids=tuple(config.get("SubnetIds", ())),
        security_group_ids=tuple(config.get("SecurityGroupIds", ())),
        vpc_id=config.get("VpcId") or None,
    )


def _url(response: Any) -> tuple[FunctionUrl | None, str]:
    if response is None:
        return None, "unknown"
    code = _error_code(response)
    if code == "ResourceNotFoundException":
        return None, "absent"
    if code:
        return None, "unknown"
    cors = response.get("Cors") or {}
    return (
        FunctionUrl(
            url=str(response.get("FunctionUrl", "")),
            auth_type=str(response.get("AuthType", "")),
            cors_allow_origins=tuple(cors.get("AllowOrigins", ()) or ()),
        ),
        "present",
    )


def _policy(response: Any) -> tuple[ResourcePolicy | None, str]:
    if response is None:
        return None, "unknown"
    code = _error_code(response)
    if code == "ResourceNotFoundException":
        return None, "absent"
    if code:
        return None, "unknown"
    return ResourcePolicy(str(response.get("Policy", "")), response.get("RevisionId")), "present"


def _by_function(records: Iterable[Record]) -> dict[tuple[str, str], Any]:
    return {(r.key.region, str(r.key.params.get("FunctionName"))): r.response for r in records}


def parse_function(
    raw: Mapping[str, Any],
    account: str,
    region: str,
    urls: Mapping[Any, Any],
    policies: Mapping[Any, Any],
) -> LambdaFunction:
    arn = str(raw["FunctionArn"])
    url, url_state = _url(urls.get((region, arn)))
    policy, policy_state = _policy(policies.get((region, arn)))
    env = raw.get("Environment") or {}
    return LambdaFunction(
        arn=arn,
        name=str(raw["FunctionName"]),
        account=arn.split(":")[4] if arn.count(":") >= 6 else account,
        region=region,
        runtime=raw.get("Runtime"),
        handler=raw.get("Handler"),
        role_arn=str(raw.get("Role", "")),
        description=str(raw.get("Description", "") or ""),
        memory_size=raw.get("MemorySize"),
        timeout=raw.get("Timeout"),
        last_modified=raw.get("LastModified"),
        package_type=str(raw.get("PackageType", "Zip")),
        architectures=tuple(raw.get("Architectures", ()) or ()),
        kms_key_arn=raw.get("KMSKeyArn") or None,
        environment=parse_environment(env.get("Variables")),
        vpc=_vpc(raw.get("VpcConfig")),
        tracing_mode=(raw.get("TracingConfig") or {}).get("Mode"),
        layers=tuple(str(layer.get("Arn")) for layer in raw.get("Layers", ()) or ()),
        dead_letter_target=(raw.get("DeadLetterConfig") or {}).get("TargetArn"),
        url=url,
        policy=policy,
        url_state=url_state,
        policy_state=policy_state,
    )


def parse_functions(snapshot: Snapshot) -> tuple[LambdaFunction, ...]:
    urls = _by_function(snapshot.responses("lambda", "GetFunctionUrlConfig"))
    policies = _by_function(snapshot.responses("lambda", "GetPolicy"))
    seen: dict[str, LambdaFunction] = {}
    for record in snapshot.responses("lambda", "ListFunctions"):
        for raw in record.response.get("Functions", ()):
            fn = parse_function(raw, record.key.account, record.key.region, urls, policies)
            seen[fn.arn] = fn
    return tuple(sorted(seen.values(), key=lambda f: (f.region, f.name)))


def parse_event_source_mappings(snapshot: Snapshot) -> tuple[EventSourceMapping, ...]:
    seen: dict[str, EventSourceMapping] = {}
    for record in snapshot.responses("lambda", "ListEventSourceMappings"):
        for raw in record.response.get("EventSourceMappings", ()):
            seen[raw["UUID"]] = EventSourceMapping(
                uuid=str(raw["UUID"]),
                source_arn=str(raw.get("EventSourceArn", "")),
                function_arn=str(raw.get("FunctionArn", "")),
                state=str(raw.get("State", "")),
                batch_size=raw.get("BatchSize"),
            )
    return tuple(seen[k] for k in sorted(seen))
