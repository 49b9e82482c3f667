"""Per-function extras (tags, concurrency, code signing, asynchronous invocation configs, aliases,
versions, layers, log group) and the per-region account settings, from the reads
estate/sources/live/lambda_.py makes per function.

Each extra carries a state: "present", "absent" (read, and there is none) or "unknown" (not read,
or refused), so a missing read never passes for "not configured".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from estate.model.function_parts import Alias, EventInvokeConfig, LayerRef, ResourcePolicy
from estate.model.functions import LambdaFunction, listed_function_fields
from estate.model.raw import arn_account, error_code, first_responses, index_responses, response_state
from estate.snapshot import Record, Snapshot


@dataclass(frozen=True, slots=True)
class AccountSettings:
    """GetAccountSettings for one account and region."""

    account: str
    region: str
    concurrent_executions: int | None
    unreserved_concurrent_executions: int | None
    code_size_zipped: int | None = None
    total_code_size: int | None = None


def layer_refs(raw_layers: Iterable[Any], account: str) -> tuple[LayerRef, ...]:
    out = []
    for layer in raw_layers or ():
        arn = str(layer.get("Arn", "")) if isinstance(layer, Mapping) else str(layer)
        owner = arn_account(arn)
        out.append(LayerRef(arn, owner, owner is not None and owner != account))
    return tuple(out)


def _concurrency(response: Any) -> tuple[int | None, str]:
    state = response_state(response)
    if state != "present":
        return None, "unknown" if state == "unknown" else "absent"
    value = response.get("ReservedConcurrentExecutions")
    return (int(value), "present") if value is not None else (None, "absent")


def _code_signing(response: Any) -> tuple[str | None, str]:
    if response is None or error_code(response):
        return None, "unknown"  # not-found here means the function is gone, not "unsigned"
    arn = response.get("CodeSigningConfigArn")
    return (str(arn), "present") if arn else (None, "absent")


def _tags(response: Any) -> tuple[dict[str, str], str]:
    state = response_state(response)
    if state != "present":
        return {}, state
    return {str(k): str(v) for k, v in (response.get("Tags") or {}).items()}, "present"


def _alias(raw: Mapping[str, Any], policies: Mapping[Any, list[Any]], account: str, region: str) -> Alias:
    arn = str(raw.get("AliasArn", ""))
    weights = (raw.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    found = policies.get((account, region, (arn,)))
    response = found[0] if found else None
    state = response_state(response)
    policy = None
    if state == "present" and response is not None:
        policy = ResourcePolicy(str(response.get("Policy", "")), response.get("RevisionId"))
    return Alias(
        name=str(raw.get("Name", "")),
        arn=arn,
        function_version=str(raw.get("FunctionVersion", "")),
        routing_weights={str(k): float(v) for k, v in weights.items()},
        policy=policy,
        policy_state=state,
    )


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _event_invoke_config(raw: Mapping[str, Any]) -> EventInvokeConfig:
    parts = str(raw.get("FunctionArn", "")).split(":")
    qualifier = parts[7] if len(parts) > 7 and parts[7] not in ("", "$LATEST") else None
    destinations = raw.get("DestinationConfig") or {}
    return EventInvokeConfig(
        qualifier=qualifier,
        on_failure=(destinations.get("OnFailure") or {}).get("Destination") or None,
        on_success=(destinations.get("OnSuccess") or {}).get("Destination") or None,
        maximum_retry_attempts=_optional_int(raw.get("MaximumRetryAttempts")),
        maximum_event_age_seconds=_optional_int(raw.get("MaximumEventAgeInSeconds")),
    )


def _event_invoke(pages: list[Any] | None) -> tuple[tuple[EventInvokeConfig, ...], str | None, str]:
    """(every qualifier's config, the unqualified function's on-failure destination, state).

    The state is about the unqualified function, which the async triggers in the model invoke:
    "present" when it has an on-failure destination, "absent" when the configs were read and it
    has none (no config, or one without OnFailure), "unknown" when not read or refused.
    """
    raw, state = _listing(pages, "FunctionEventInvokeConfigs")
    if state == "unknown":
        return (), None, "unknown"
    configs = tuple(_event_invoke_config(c) for c in raw if isinstance(c, Mapping))
    destination = next((c.on_failure for c in configs if c.qualifier is None and c.on_failure), None)
    return configs, destination, "present" if destination else "absent"


def _listing(pages: list[Any] | None, key: str) -> tuple[list[Any], str]:
    if not pages:
        return [], "unknown"
    items: list[Any] = []
    for page in pages:
        if error_code(page):
            return [], "unknown"
        items.extend(page.get(key) or ())
    return items, "present" if items else "absent"


class _ExtraReads:
    """The per-function reads of a snapshot, each indexed once, and what they say of one function."""

    def __init__(self, snapshot: Snapshot) -> None:
        def reads(operation: str) -> list[Record]:
            return snapshot.responses("lambda", operation)

        self.tags = first_responses(reads("ListTags"), "Resource")
        self.concurrency = first_responses(reads("GetFunctionConcurrency"), "FunctionName")
        self.signing = first_responses(reads("GetFunctionCodeSigningConfig"), "FunctionName")
        self.aliases = index_responses(reads("ListAliases"), "FunctionName")
        self.versions = index_responses(reads("ListVersionsByFunction"), "FunctionName")
        self.policies = index_responses(reads("GetPolicy"), "FunctionName")
        self.invoke_configs = index_responses(reads("ListFunctionEventInvokeConfigs"), "FunctionName")
        self.logging: dict[str, str] = {}
        for record in reads("ListFunctions"):
            for raw in record.response.get("Functions", ()) or ():
                group = (raw.get("LoggingConfig") or {}).get("LogGroup")
                if group:
                    self.logging[str(raw.get("FunctionArn"))] = str(group)

    def of(self, arn: str, name: str, account: str, region: str, layers: tuple[str, ...]) -> dict[str, Any]:
        """The extras of one function, as LambdaFunction keyword arguments."""
        by_arn = (account, region, (arn,))
        by_name = (account, region, (name,))
        fn_tags, tags_state = _tags(self.tags.get(by_arn))
        reserved, reserved_state = _concurrency(self.concurrency.get(by_arn))
        csc, csc_state = _code_signing(self.signing.get(by_arn))
        raw_aliases, aliases_state = _listing(self.aliases.get(by_name), "Aliases")
        event_configs, on_failure, event_state = _event_invoke(self.invoke_configs.get(by_arn))
        raw_versions, versions_state = _listing(self.versions.get(by_name), "Versions")
        published = tuple(
            str(v["Version"]) for v in raw_versions if v.get("Version") not in (None, "$LATEST")
        )
        return {
            "tags": fn_tags,
            "tags_state": tags_state,
            "reserved_concurrency": reserved,
            "reserved_concurrency_state": reserved_state,
            "code_signing_config_arn": csc,
            "code_signing_state": csc_state,
            "event_invoke_configs": event_configs,
            "on_failure_destination": on_failure,
            "event_invoke_state": event_state,
            "aliases": tuple(_alias(a, self.policies, account, region) for a in raw_aliases),
            "aliases_state": aliases_state,
            "versions": published,
            "versions_state": "present"
            if published
            else ("unknown" if versions_state == "unknown" else "absent"),
            "layer_refs": layer_refs(layers, account),
            "log_group": self.logging.get(arn),
        }


def enrich_functions(functions: Iterable[LambdaFunction], snapshot: Snapshot) -> tuple[LambdaFunction, ...]:
    """The functions with their per-function extras filled in from the snapshot (one index per read)."""
    reads = _ExtraReads(snapshot)
    return tuple(
        dataclasses.replace(fn, **reads.of(fn.arn, fn.name, fn.account, fn.region, fn.layers))
        for fn in functions
    )


def parse_lambda_functions(snapshot: Snapshot) -> tuple[LambdaFunction, ...]:
    """`enrich_functions(parse_functions(snapshot), snapshot)`, each record built once: at 10,000
    functions, building every record twice (`dataclasses.replace`) cost a fifth of the model."""
    reads = _ExtraReads(snapshot)
    out = []
    for fields in listed_function_fields(snapshot):
        extras = reads.of(
            fields["arn"], fields["name"], fields["account"], fields["region"], fields["layers"]
        )
        out.append(LambdaFunction(**fields, **extras))
    return tuple(out)


def parse_account_settings(snapshot: Snapshot) -> dict[tuple[str, str], AccountSettings]:
    out: dict[tuple[str, str], AccountSettings] = {}
    for record in snapshot.responses("lambda", "GetAccountSettings"):
        response = record.response
        if not isinstance(response, Mapping) or error_code(response):
            continue
        limit = response.get("AccountLimit") or {}
        usage = response.get("AccountUsage") or {}

        def number(value: Any) -> int | None:
            return None if value is None else int(value)

        account, region = record.key.account, record.key.region
        out[(account, region)] = AccountSettings(
            account=account,
            region=region,
            concurrent_executions=number(limit.get("ConcurrentExecutions")),
            unreserved_concurrent_executions=number(limit.get("UnreservedConcurrentExecutions")),
            code_size_zipped=number(limit.get("CodeSizeZipped")),
            total_code_size=number(usage.get("TotalCodeSize")),
        )
    return out
