"""Lambda functions and event source mappings, parsed from a snapshot's raw AWS responses.

Parsing is tolerant of both what AWS returns and what moto returns where they differ (see
LOCAL-AWS.md), and of gaps: a record that was never collected leaves the field unknown
(`policy_state == "unknown"`), which is not the same as "collected, and there is none".
The per-function extras are filled in afterwards (estate/model/function_extras.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from estate.model.function_parts import (
    Alias,
    EnvVar,
    EventInvokeConfig,
    FunctionUrl,
    LayerRef,
    ResourcePolicy,
    VpcConfig,
)
from estate.model.raw import error_code, is_mapping
from estate.secrets import REDACTED_MARK, detect_secret
from estate.snapshot import Record, Snapshot


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
class EventSourceMapping:
    uuid: str
    source_arn: str
    function_arn: str
    state: str
    batch_size: int | None = None


def parse_environment(variables: Mapping[str, Any] | None) -> tuple[EnvVar, ...]:
    out = []
    for key, value in sorted((variables or {}).items()):
        if is_mapping(value) and value.get(REDACTED_MARK):
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
    code = error_code(response)
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
    code = error_code(response)
    if code == "ResourceNotFoundException":
        return None, "absent"
    if code:
        return None, "unknown"
    return ResourcePolicy(str(response.get("Policy", "")), response.get("RevisionId")), "present"


def _by_function(records: Iterable[Record]) -> dict[tuple[str, str], Any]:
    return {(r.key.region, str(r.key.params.get("FunctionName"))): r.response for r in records}


def function_fields(
    raw: Mapping[str, Any],
    account: str,
    region: str,
    urls: Mapping[Any, Any],
    policies: Mapping[Any, Any],
) -> dict[str, Any]:
    """A ListFunctions entry as LambdaFunction's keyword arguments, the per-function extras left
    at their defaults (the loader adds them and builds each record once)."""
    arn = str(raw["FunctionArn"])
    url, url_state = _url(urls.get((region, arn)))
    policy, policy_state = _policy(policies.get((region, arn)))
    env = raw.get("Environment") or {}
    return {
        "arn": arn,
        "name": str(raw["FunctionName"]),
        "account": arn.split(":")[4] if arn.count(":") >= 6 else account,
        "region": region,
        "runtime": raw.get("Runtime"),
        "handler": raw.get("Handler"),
        "role_arn": str(raw.get("Role", "")),
        "description": str(raw.get("Description", "") or ""),
        "memory_size": raw.get("MemorySize"),
        "timeout": raw.get("Timeout"),
        "last_modified": raw.get("LastModified"),
        "package_type": str(raw.get("PackageType", "Zip")),
        "architectures": tuple(raw.get("Architectures", ()) or ()),
        "kms_key_arn": raw.get("KMSKeyArn") or None,
        "environment": parse_environment(env.get("Variables")),
        "vpc": _vpc(raw.get("VpcConfig")),
        "tracing_mode": (raw.get("TracingConfig") or {}).get("Mode"),
        "layers": tuple(str(layer.get("Arn")) for layer in raw.get("Layers", ()) or ()),
        "dead_letter_target": (raw.get("DeadLetterConfig") or {}).get("TargetArn"),
        "url": url,
        "policy": policy,
        "url_state": url_state,
        "policy_state": policy_state,
    }


def parse_function(
    raw: Mapping[str, Any],
    account: str,
    region: str,
    urls: Mapping[Any, Any],
    policies: Mapping[Any, Any],
) -> LambdaFunction:
    return LambdaFunction(**function_fields(raw, account, region, urls, policies))


def listed_function_fields(snapshot: Snapshot) -> list[dict[str, Any]]:
    """Every listed function's `function_fields`, one per ARN (the last listing wins), sorted by
    region and name: the order of `Estate.functions`."""
    urls = _by_function(snapshot.responses("lambda", "GetFunctionUrlConfig"))
    policies = _by_function(snapshot.responses("lambda", "GetPolicy"))
    seen: dict[str, dict[str, Any]] = {}
    for record in snapshot.responses("lambda", "ListFunctions"):
        for raw in record.response.get("Functions", ()):
            fields = function_fields(raw, record.key.account, record.key.region, urls, policies)
            seen[fields["arn"]] = fields
    return sorted(seen.values(), key=lambda f: (f["region"], f["name"]))


def parse_functions(snapshot: Snapshot) -> tuple[LambdaFunction, ...]:
    """The listed functions without their per-function extras (see function_extras.py)."""
    return tuple(LambdaFunction(**fields) for fields in listed_function_fields(snapshot))


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
